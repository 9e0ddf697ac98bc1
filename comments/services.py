"""Writes of the discussion: post a comment, like or unlike one, report one, editors'
moderation (approve, hold, spam, not spam, remove, block a commenter), and a commenter's
social profile."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from comments import moderation
from comments.models import BlockedCommenter, CommentModeration, CommentReport, SocialProfile
from comments.social import social_identity


def comment_post(
    *,
    article,
    user,
    name: str,
    email: str,
    url: str,
    text: str,
    parent: XtdComment | None = None,
    notify: bool = False,
    ip_address: str | None = None,
    user_agent: str = "",
    referrer: str = "",
    honeypot: str = "",
    rendered_at: float | None = None,
) -> XtdComment:
    """Store a reader's comment (or reply) on `article`. Moderation decides whether it is
    published at once; a held or spam comment is kept, never dropped. Raises
    `moderation.CommentRejected` (nothing stored) for a form sent too soon after it was
    rendered (`rendered_at`, its signed timestamp), a reader over the rate limit, or a
    double post."""
    user = user if user is not None and user.is_authenticated else None
    decision = moderation.comment_verdict(
        article=article,
        user=user,
        name=name,
        email=email,
        url=url,
        text=text,
        ip_address=ip_address,
        user_agent=user_agent,
        honeypot=honeypot,
        rendered_at=rendered_at,
        referrer=referrer,
        parent=parent,
    )
    comment = XtdComment(
        content_type=ContentType.objects.get_for_model(article),
        object_pk=str(article.pk),
        site_id=settings.SITE_ID,
        user=user,
        user_name=name[:50],
        user_email=email,
        user_url=url,
        comment=text,
        submit_date=timezone.now(),
        ip_address=ip_address,
        is_public=decision.is_public,
        parent_id=parent.pk if parent else 0,
        followup=notify,
    )
    # xtd saves in two steps (insert, then thread position): both or nothing.
    record = CommentModeration(
        status=STATUS_OF_VERDICT[decision.verdict],
        checked_at=timezone.now(),
        user_agent=user_agent[:500],
        referrer=referrer[:500],
    )
    record.set_reasons(decision.reasons)
    with transaction.atomic():
        comment.save()
        record.comment = comment
        record.save()
    moderation.rate_limit_count(ip_address=ip_address, email=email, user=user)
    comment.decision = decision
    return comment


STATUS_OF_VERDICT = {
    moderation.Verdict.PUBLISH: CommentModeration.Status.PUBLISHED,
    moderation.Verdict.HOLD: CommentModeration.Status.HELD,
    moderation.Verdict.SPAM: CommentModeration.Status.SPAM,
}


def like_toggle(*, comment: XtdComment, user) -> bool:
    """Like `comment` as `user`, or take the like back. Returns whether `user` now likes it."""
    likes = CommentFlag.objects.filter(comment=comment, user=user, flag=LIKEDIT_FLAG)
    if likes.delete()[0]:
        return False
    try:
        with transaction.atomic():
            CommentFlag.objects.create(comment=comment, user=user, flag=LIKEDIT_FLAG)
    except IntegrityError:
        pass  # a double click raced us to it: the like is there either way
    return True


def like_count(comment: XtdComment) -> int:
    return CommentFlag.objects.filter(comment=comment, flag=LIKEDIT_FLAG).count()


# --- Editors' moderation -----------------------------------------------------------------------


def _set_status(comment: XtdComment, status: str, *, by, reason=None) -> CommentModeration:
    """Move `comment` to `status`, keeping xtd's flags (what readers see) in step."""
    record, _ = CommentModeration.objects.get_or_create(
        comment=comment, defaults={"checked_at": comment.submit_date}
    )
    comment.is_public = status == CommentModeration.Status.PUBLISHED
    comment.is_removed = status == CommentModeration.Status.REMOVED
    record.status = status
    if reason is not None:
        record.add_reason(reason)
    if by is not None:
        record.reviewed_by = by
        record.reviewed_at = timezone.now()
    with transaction.atomic():
        comment.save(update_fields=["is_public", "is_removed"])
        record.save()
    comment.moderation = record
    return record


def comment_approve(comment: XtdComment, *, by) -> XtdComment:
    """Publish a held (or spam, or removed) comment on an editor's word."""
    _set_status(comment, CommentModeration.Status.PUBLISHED, by=by)
    return comment


def comment_hold(comment: XtdComment, *, by=None, reason=None) -> XtdComment:
    """Hide a comment until an editor reviews it (by an editor, or by readers' reports)."""
    _set_status(comment, CommentModeration.Status.HELD, by=by, reason=reason)
    return comment


def comment_mark_spam(comment: XtdComment, *, by) -> bool:
    """Hide a comment as spam and, when Akismet is on, teach it. Returns whether Akismet
    was told."""
    _set_status(comment, CommentModeration.Status.SPAM, by=by)
    return moderation.akismet_submit(comment, spam=True)


def comment_mark_ham(comment: XtdComment, *, by) -> bool:
    """An editor's "not spam": publish the comment and, when Akismet is on, teach it.
    Returns whether Akismet was told."""
    comment_approve(comment, by=by)
    return moderation.akismet_submit(comment, spam=False)


def comment_remove(comment: XtdComment, *, by) -> XtdComment:
    """Take a comment down (readers no longer see it; replies to it stay)."""
    _set_status(comment, CommentModeration.Status.REMOVED, by=by)
    return comment


def commenter_block(*, email: str = "", user=None, by=None, reason: str = "") -> bool:
    """Send the future comments of this email address or account straight to spam.
    Returns False when they were blocked already."""
    email = email.strip().lower()
    if user is not None:
        _, created = BlockedCommenter.objects.get_or_create(
            user=user, defaults={"email": email, "created_by": by, "reason": reason}
        )
        return created
    if not email:
        return False
    _, created = BlockedCommenter.objects.get_or_create(
        email=email, user=None, defaults={"created_by": by, "reason": reason}
    )
    return created


def comment_report(*, comment: XtdComment, user=None, email: str = "", reason: str = "") -> bool:
    """Record a reader's report; hold the comment once enough readers reported it since an
    editor last reviewed it. Returns False when this reader had reported it already."""
    user = user if user is not None and user.is_authenticated else None
    identity = {"user": user} if user else {"user": None, "email": email.strip().lower()}
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reason=reason[:500], **identity)
    except IntegrityError:
        return False
    reports = CommentReport.objects.filter(comment=comment)
    reviewed_at = (
        CommentModeration.objects.filter(comment=comment)
        .values_list("reviewed_at", flat=True)
        .first()
    )
    if reviewed_at is not None:
        reports = reports.filter(created_at__gt=reviewed_at)
    count = reports.count()
    threshold = settings.COMMENTS_REPORTS_TO_HOLD
    if comment.is_public and threshold > 0 and count >= threshold:
        comment_hold(
            comment,
            reason=moderation.Reason(
                "reports", moderation.Verdict.HOLD, f"reported by {count} readers"
            ),
        )
    return True


def social_profile_update(*, user, provider, account) -> SocialProfile:
    """Copy the name, picture and profile link of the social account `user` just logged in
    with (allauth `provider` and `SocialAccount`), replacing those of an earlier login."""
    profile, _ = SocialProfile.objects.update_or_create(
        user=user, defaults=social_identity(provider=provider, account=account)
    )
    return profile
