"""Writes of the discussion: post a comment, like or unlike one, report one; editors'
moderation (approve, hold, spam, not spam, remove, block a commenter); a commenter's social
profile; following an article or the blog by email (confirm, stop) and announcing new
comments and articles."""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.models import Article
from comments import moderation
from comments.models import (
    BlockedCommenter,
    CommentModeration,
    CommentReport,
    Delivery,
    Mailing,
    SocialProfile,
    Subscription,
    normalize_email,
)
from comments.social import social_identity
from comments.tasks import mailing_enqueue

logger = logging.getLogger(__name__)

# A pending subscription asked for again gets a new confirmation email only after this long
# (the form must not become a way to flood someone's inbox).
CONFIRMATION_RESEND_AFTER = timezone.timedelta(minutes=10)
# A mailing still unfinished this long after it was due has lost its queued task.
STALLED_AFTER = timezone.timedelta(minutes=10)


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
    notify_posts: bool = False,
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
    double post. `notify` follows the article's comments by email, `notify_posts` the blog's
    new posts; a published comment is announced to the article's followers (in the
    background)."""
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
        text_fingerprint=moderation.text_fingerprint(text),
    )
    record.set_reasons(decision.reasons)
    with transaction.atomic():
        comment.save()
        record.comment = comment
        record.save()
    moderation.rate_limit_count(ip_address=ip_address, email=email, user=user)
    comment.decision = decision
    _comment_followups(comment, article=article, user=user, notify_posts=notify_posts)
    return comment


STATUS_OF_VERDICT = {
    moderation.Verdict.PUBLISH: CommentModeration.Status.PUBLISHED,
    moderation.Verdict.HOLD: CommentModeration.Status.HELD,
    moderation.Verdict.SPAM: CommentModeration.Status.SPAM,
}


def _comment_followups(comment, *, article, user, notify_posts: bool) -> None:
    # Email is a side effect: whatever goes wrong here, the comment is stored and the
    # reader sees it posted; the error goes to the log.
    try:
        with transaction.atomic():
            kinds = [Subscription.Kind.COMMENTS] if comment.followup else []
            kinds += [Subscription.Kind.POSTS] if notify_posts else []
            if not comment.user_email:
                kinds = []  # an account without an address: nowhere to send
            for kind in kinds:
                subscription_create(
                    email=comment.user_email,
                    kind=kind,
                    article=article,
                    user=user,
                    request_confirmation=False,
                )
            if kinds:
                subscription_confirmation_request(email=comment.user_email)
        comment_notify(comment=comment)
    except Exception:
        logger.exception("Could not arrange the notifications of comment %s", comment.pk)


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
    """Publish a held (or spam, or removed) comment on an editor's word, and only now tell
    the article's followers (a comment is announced once, however often it is approved)."""
    _set_status(comment, CommentModeration.Status.PUBLISHED, by=by)
    comment_notify(comment=comment)
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


def comment_notify(*, comment: XtdComment) -> Mailing | None:
    """Email the followers of the comment's article about it, once, if it is published."""
    if not comment.is_public or comment.is_removed:
        return None
    article = Article.objects.filter(pk=comment.object_pk).first()
    if article is None or not Subscription.objects.comment_followers(article).exists():
        return None
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                kind=Mailing.Kind.COMMENT, comment=comment, article=article
            )
    except IntegrityError:
        return None  # announced already (approved twice)
    mailing_enqueue(mailing.pk)
    return mailing


def article_notify(*, article: Article) -> Mailing | None:
    """Email the blog's subscribers about a newly published article, once. Articles first
    seen published long after their publication time (backdated imports) are only marked."""
    now = timezone.now()
    if not article.is_public:
        return None
    too_old = article.published_at < now - timezone.timedelta(
        hours=settings.NOTIFICATIONS_ANNOUNCE_HOURS
    )
    try:
        with transaction.atomic():
            claimed = Article.objects.filter(pk=article.pk, announced_at__isnull=True).update(
                announced_at=now
            )
            if not claimed or too_old or not Subscription.objects.post_subscribers().exists():
                return None
            mailing = Mailing.objects.create(kind=Mailing.Kind.ARTICLE, article=article)
    except IntegrityError:
        return None  # announced already
    mailing_enqueue(mailing.pk)
    return mailing


def article_notify_due() -> int:
    """Announce every published article not announced yet (scheduled articles whose time
    has come, imports, articles published in the admin). Returns how many were mailed."""
    due = Article.objects.published().filter(announced_at__isnull=True).order_by("published_at")
    return sum(1 for article in due if article_notify(article=article))


def mailing_requeue_stalled() -> int:
    """Queue again the unfinished mailings whose retry is long overdue (their queued task
    was lost, e.g. the queue was cleared). Returns how many."""
    now = timezone.now()
    stalled = (
        Mailing.objects.filter(finished_at__isnull=True, given_up_at__isnull=True)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .filter(
            Q(next_attempt_at__lte=now - STALLED_AFTER)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - STALLED_AFTER)
        )
    )
    ids = list(stalled.values_list("pk", flat=True))
    # Due again only after another grace period, should this task be lost too.
    Mailing.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for mailing_id in ids:
        mailing_enqueue(mailing_id)
    return len(ids)


def _address_verified(user, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def subscription_create(
    *,
    email: str,
    kind: str,
    article: Article | None = None,
    user=None,
    request_confirmation: bool = True,
) -> Subscription:
    """Follow an article's comments (kind COMMENTS) or the blog's new posts (POSTS). Asking
    twice changes nothing. Unless `user` is signed in with this address verified, the
    subscription waits for the reader to confirm it from an email (double opt-in), which is
    requested here unless `request_confirmation` is False."""
    email = normalize_email(email)
    user = user if user is not None and user.is_authenticated else None
    trusted = user is not None and _address_verified(user, email)
    lookup = {
        "email": email,
        "kind": kind,
        "article": article if kind == Subscription.Kind.COMMENTS else None,
    }
    try:
        with transaction.atomic():
            subscription, _ = Subscription.objects.get_or_create(**lookup, defaults={"user": user})
    except IntegrityError:
        subscription = Subscription.objects.get(**lookup)  # a double click raced us

    now = timezone.now()
    if subscription.unsubscribed_at or (subscription.bounced_at and not trusted):
        # Asked for again after stopping (or bouncing): consent is asked for again.
        subscription.unsubscribed_at = None
        subscription.confirmed_at = None
        subscription.confirmation_sent_at = None
    if trusted:
        subscription.confirmed_at = subscription.confirmed_at or now
        subscription.bounced_at = None
    if user is not None and subscription.user_id is None:
        subscription.user = user
    subscription.save()
    if request_confirmation and subscription.is_pending:
        subscription_confirmation_request(email=email)
    return subscription


def subscription_confirmation_request(*, email: str) -> Mailing | None:
    """Email the address one link confirming its pending subscriptions, unless it was sent
    one a moment ago."""
    now = timezone.now()
    unsent = (
        Subscription.objects.of_address(email)
        .pending()
        .filter(
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lt=now - CONFIRMATION_RESEND_AFTER)
        )
    )
    ids = list(unsent.order_by("-pk").values_list("pk", flat=True))
    if not ids:
        return None
    with transaction.atomic():
        Subscription.objects.filter(pk__in=ids).update(confirmation_sent_at=now)
        mailing = Mailing.objects.create(kind=Mailing.Kind.CONFIRMATION, recipients_listed=True)
        Delivery.objects.create(mailing=mailing, subscription_id=ids[0])
    mailing_enqueue(mailing.pk)
    return mailing


def subscription_confirm(*, subscription: Subscription) -> list[Subscription]:
    """Confirm `subscription` and the address's other subscriptions awaiting confirmation
    (one email asked for them all). Returns those confirmed now."""
    if not subscription.is_pending:
        return []
    confirmed = list(
        Subscription.objects.confirmed_together_with(subscription).select_related("article")
    )
    with transaction.atomic():
        Subscription.objects.filter(pk__in=[s.pk for s in confirmed]).update(
            confirmed_at=timezone.now()
        )
        # The reader clicked a link mailed to this address: it takes mail again.
        Subscription.objects.of_address(subscription.email).update(bounced_at=None)
    return confirmed


def subscription_cancel(*, subscription: Subscription) -> bool:
    """Stop a subscription (unsubscribe, or mute an article). Returns whether it was on."""
    return bool(
        Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    )


def subscription_resume(*, subscription: Subscription) -> bool:
    """Turn a stopped subscription back on from the reader's subscriptions page (reached
    through a link mailed to the address, so no new confirmation is needed)."""
    if subscription.is_active:
        return False
    now = timezone.now()
    Subscription.objects.filter(pk=subscription.pk).update(
        unsubscribed_at=None,
        bounced_at=None,
        confirmed_at=subscription.confirmed_at or now,
    )
    return True
