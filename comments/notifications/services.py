"""Writes of email notifications: following an article's comments or the blog's new posts
(double opt-in: confirm, stop, resume), and announcing new comments and articles to their
followers (a `Mailing`, sent in the background by `comments.notifications.tasks`).
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Article
from comments.models import (
    Delivery,
    Lease,
    Mailing,
    Subscription,
    normalize_email,
)
from comments.notifications.tasks import mailing_enqueue

logger = logging.getLogger(__name__)


# A pending subscription asked for again gets a new confirmation email only after this long
# (the form must not become a way to flood someone's inbox).
CONFIRMATION_RESEND_AFTER = timezone.timedelta(minutes=10)


# A mailing still unfinished this long after it was due has lost its queued task.
STALLED_AFTER = timezone.timedelta(minutes=10)


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


def lease_acquire(*, name: str, holder: str, seconds: float) -> bool:
    """Take (or renew) the lease `name` for `holder` for `seconds`, unless another holder's
    lease is still running. One compare-and-set UPDATE decides between nodes racing for it,
    the same on SQLite and PostgreSQL; the row is created once, the unique name settling a
    race to create it."""
    now = timezone.now()
    expires_at = now + timezone.timedelta(seconds=seconds)
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, holder=holder, expires_at=expires_at)
        return True
    except IntegrityError:
        pass  # it exists: take it only if it is ours or has run out
    return bool(
        Lease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lt=now))
        .update(holder=holder, expires_at=expires_at)
    )


def lease_release(*, name: str, holder: str) -> None:
    """Give the lease up (a node shutting down), so another takes it at its next check."""
    Lease.objects.filter(name=name, holder=holder).delete()


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
