"""Editors' moderation (approve, hold, spam, not spam, remove, block a commenter) and
readers' reports, which hold a comment once enough readers reported it.

An editor's approval or "not spam" teaches the learned filter a legitimate comment, "spam"
a spam one (`comments.moderation.learned`); holding and removing teach nothing (they say
"not now" or "not here", not "spam"), and neither do readers' reports (anyone can file one).
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.models import (
    BlockedCommenter,
    CommentModeration,
    CommentReport,
)
from comments.moderation.akismet import akismet_submit
from comments.moderation.learned import HAM, SPAM, learned_train
from comments.moderation.reasons import Reason, Verdict
from comments.notifications.services import comment_notify


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
    with transaction.atomic():
        _set_status(comment, CommentModeration.Status.PUBLISHED, by=by)
        learned_train(comment=comment, label=HAM)
    comment_notify(comment=comment)
    return comment


def comment_hold(comment: XtdComment, *, by=None, reason=None) -> XtdComment:
    """Hide a comment until an editor reviews it (by an editor, or by readers' reports)."""
    _set_status(comment, CommentModeration.Status.HELD, by=by, reason=reason)
    return comment


def comment_mark_spam(comment: XtdComment, *, by) -> bool:
    """Hide a comment as spam, teach the learned filter and, when Akismet is on, Akismet.
    Returns whether Akismet was told."""
    with transaction.atomic():
        _set_status(comment, CommentModeration.Status.SPAM, by=by)
        learned_train(comment=comment, label=SPAM)
    return akismet_submit(comment, spam=True)


def comment_mark_ham(comment: XtdComment, *, by) -> bool:
    """An editor's "not spam": publish the comment and, when Akismet is on, teach it.
    Returns whether Akismet was told."""
    comment_approve(comment, by=by)
    return akismet_submit(comment, spam=False)


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


def _counted_reporter() -> Q:
    """Reports that count toward holding a comment: guests' (one per address a day, limited
    by the view), and accounts with a verified email or older than
    COMMENTS_REPORTER_MIN_ACCOUNT_DAYS. Accounts made a minute ago are anybody's to make."""
    settled = timezone.now() - timezone.timedelta(days=settings.COMMENTS_REPORTER_MIN_ACCOUNT_DAYS)
    verified = EmailAddress.objects.filter(user=OuterRef("user"), verified=True)
    return Q(user__isnull=True) | Q(user__date_joined__lte=settled) | Exists(verified)


def comment_report(*, comment: XtdComment, user=None, email: str = "", reason: str = "") -> bool:
    """Record a reader's report; hold the comment once enough readers (`_counted_reporter`)
    reported it since an editor last reviewed it. Returns False when this reader had reported it already."""
    user = user if user is not None and user.is_authenticated else None
    identity = {"user": user} if user else {"user": None, "email": email.strip().lower()}
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reason=reason[:500], **identity)
    except IntegrityError:
        return False
    reports = CommentReport.objects.filter(comment=comment).filter(_counted_reporter())
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
            reason=Reason("reports", Verdict.HOLD, f"reported by {count} readers"),
        )
    return True
