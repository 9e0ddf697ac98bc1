"""Sending a Mailing: recipients listed and mailed in chunks, failures and bounces recorded.

Memory and transactions stay small whatever the list size: recipients are read by primary
key in chunks of NOTIFICATIONS_BATCH_SIZE, each chunk is mailed over one SMTP connection and
its outcome written in one short transaction. Nothing is sent inside a transaction.

Faults, per recipient: a permanent refusal (5xx on RCPT) marks the address bounced and it is
skipped from then on; a temporary refusal (4xx) leaves that recipient pending. Faults of the
server (connection refused, timeout, disconnect, a 4xx to the sender): the run stops, the
rest stays pending. Pending recipients are retried by a later run, after a backoff.

A database that goes away during a run: what a chunk sent is kept in memory and recorded once
the database answers again (blog/reconnect.py), so an outage sends nothing twice; any other
step fails, the run gives the mailing back, and the task starts it over (tasks.py).

About 400 lines, kept in one module: leasing, chunking, sending and recording are one
algorithm, read top to bottom.
"""

import contextlib
import logging
import secrets
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from blog.reconnect import DATABASE_ERRORS, until_database_answers
from comments.discussion.selectors import comment_url
from comments.discussion.text import render_comment_text
from comments.models import Delivery, Mailing, Subscription

logger = logging.getLogger(__name__)

# How long a run may hold a mailing before another run may take it over (it renews it
# after every chunk and every minute while sending, so only a crashed run loses it).
LEASE = timezone.timedelta(minutes=10)
MAX_BACKOFF = timezone.timedelta(hours=6)


@dataclass
class Letter:
    """A message's subject and bodies, with `marker` standing for each recipient's token."""

    subject: str
    text: str
    html: str
    marker: str = ""


@dataclass
class Outcome:
    """What a run of `mailing_send` did."""

    sent: int = 0
    bounced: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0
    error: str = ""
    retry_at: datetime | None = None
    busy: bool = False  # another run holds the mailing
    database_lost: bool = False  # the run stopped because the database went away
    connections: int = 0

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k not in ("retry_at", "database_lost")}
        data["retry_at"] = self.retry_at.isoformat() if self.retry_at else None
        return data


@dataclass
class _ChunkResult:
    sent: list[int] = field(default_factory=list)
    bounced: dict[int, str] = field(default_factory=dict)  # delivery id -> server reply
    failed: dict[int, str] = field(default_factory=dict)
    deferred: dict[int, str] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)
    bounced_emails: set[str] = field(default_factory=set)
    server_error: str = ""
    connected: bool = False


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def subscription_links(token: str) -> dict:
    return {
        "stop_url": absolute_url(reverse("comments:subscription_stop", args=[token])),
        "manage_url": absolute_url(reverse("comments:subscriptions", args=[token])),
        "one_click_url": absolute_url(reverse("comments:one_click", args=[token])),
    }


def _render(template: str, context: dict) -> tuple[str, str]:
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    return (
        render_to_string(f"email/{template}.txt", context),
        render_to_string(f"email/{template}.html", context),
    )


def letter_for(mailing: Mailing, *, subscription: Subscription | None = None) -> Letter:
    """The message of `mailing`. Fan-out mailings are rendered once, with a random marker
    where each recipient's token goes (rendering 10,000 times would dominate the run);
    a confirmation request is rendered for its one recipient."""
    if mailing.kind == Mailing.Kind.CONFIRMATION:
        pending = list(
            Subscription.objects.of_address(subscription.email)
            .pending()
            .filter(confirmation_sent_at__isnull=False)
            .select_related("article")
            .order_by("kind", "pk")
        )
        context = {
            "subscriptions": pending or [subscription],
            "confirm_url": absolute_url(
                reverse("comments:subscription_confirm", args=[subscription.token])
            ),
            "days": settings.NOTIFICATIONS_CONFIRM_DAYS,
            **subscription_links(subscription.token),
        }
        text, html = _render("subscription_confirmation", context)
        subject = f"[{settings.SITE_NAME}] Please confirm your subscription"
        return Letter(subject=subject, text=text, html=html, marker=subscription.token)

    marker = f"MARKER{secrets.token_hex(16)}"
    article = mailing.article
    context = {
        "article": article,
        "article_url": absolute_url(article.get_absolute_url()),
        **subscription_links(marker),
    }
    if mailing.kind == Mailing.Kind.COMMENT:
        comment = mailing.comment
        context.update(
            comment=comment,
            comment_html=render_comment_text(comment.comment),
            comment_url=absolute_url(comment_url(comment, article=article)),
        )
        text, html = _render("comment_notification", context)
        subject = f"[{settings.SITE_NAME}] New comment on “{article.title}”"
    else:
        text, html = _render("article_notification", context)
        subject = f"[{settings.SITE_NAME}] New post: {article.title}"
    return Letter(subject=subject, text=text, html=html, marker=marker)


def message_for(letter: Letter, *, email: str, token: str, connection) -> EmailMultiAlternatives:
    links = subscription_links(token)
    message = EmailMultiAlternatives(
        # A title with a line break (from an import) must not break the header.
        subject=" ".join(letter.subject.split()),
        body=letter.text.replace(letter.marker, token),
        to=[email],
        connection=connection,
        headers={
            # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs.
            "List-Unsubscribe": f"<{links['one_click_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(letter.html.replace(letter.marker, token), "text/html")
    return message


def _claim(mailing_id: int) -> bool:
    """Take the mailing for this run, unless another run holds it (compare-and-set, so it
    works the same on SQLite and PostgreSQL)."""
    now = timezone.now()
    return bool(
        Mailing.objects.filter(pk=mailing_id, finished_at__isnull=True, given_up_at__isnull=True)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + LEASE)
    )


def _recipients(mailing: Mailing):
    if mailing.kind == Mailing.Kind.COMMENT:
        comment = mailing.comment
        followers = Subscription.objects.comment_followers(mailing.article_id)
        # Nobody is told about their own comment.
        followers = followers.exclude(email=comment.user_email.strip().lower())
        if comment.user_id:
            followers = followers.exclude(user_id=comment.user_id)
        return followers
    return Subscription.objects.post_subscribers()


def _list_recipients(mailing: Mailing, batch: int) -> None:
    """Create the pending deliveries of a fan-out mailing, a chunk per transaction."""
    recipients = _recipients(mailing).order_by("pk").values_list("pk", flat=True)
    while not mailing.recipients_listed:
        ids = list(recipients.filter(pk__gt=mailing.recipients_cursor)[:batch])
        with transaction.atomic():
            Delivery.objects.bulk_create(
                [Delivery(mailing=mailing, subscription_id=pk) for pk in ids],
                ignore_conflicts=True,
            )
            if ids:
                mailing.recipients_cursor = ids[-1]
            mailing.recipients_listed = len(ids) < batch
            mailing.locked_until = timezone.now() + LEASE
            mailing.save(update_fields=["recipients_cursor", "recipients_listed", "locked_until"])


def _obsolete(mailing: Mailing) -> bool:
    """Whether what the mailing announces was taken back before it went out."""
    if mailing.kind == Mailing.Kind.COMMENT:
        comment = mailing.comment
        return not comment.is_public or comment.is_removed
    if mailing.kind == Mailing.Kind.ARTICLE:
        return not mailing.article.is_public
    return False


def _still_wanted(mailing: Mailing, subscription: Subscription) -> bool:
    if mailing.kind == Mailing.Kind.CONFIRMATION:
        return subscription.is_pending
    return subscription.is_active


def _smtp_code(exc: smtplib.SMTPRecipientsRefused) -> tuple[int, str]:
    code, reply = next(iter(exc.recipients.values()))
    return code, f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"


def _send_chunk(mailing: Mailing, letter: Letter, deliveries: list[Delivery]) -> _ChunkResult:
    result = _ChunkResult()
    wanted = []
    for delivery in deliveries:
        if _still_wanted(mailing, delivery.subscription):
            wanted.append(delivery)
        else:
            result.skipped.append(delivery.pk)
    if not wanted:
        return result

    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        result.server_error = f"Cannot reach the mail server: {exc!r}"
        return result
    result.connected = True
    renewed = time.monotonic()
    try:
        for delivery in wanted:
            if time.monotonic() - renewed > LEASE.total_seconds() / 10:
                # A slow server must not let another run think this one died. Best effort:
                # with the database away, sending goes on and the outcome waits in memory.
                with contextlib.suppress(*DATABASE_ERRORS):
                    _renew_lease(mailing)
                renewed = time.monotonic()
            email = delivery.subscription.email
            message = message_for(
                letter, email=email, token=delivery.subscription.token, connection=connection
            )
            try:
                accepted = message.send()
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = _smtp_code(exc)
                if code >= 500:
                    result.bounced[delivery.pk] = reply
                    result.bounced_emails.add(email)
                else:
                    result.deferred[delivery.pk] = reply
            except smtplib.SMTPDataError as exc:
                # The server took the address but refused this message.
                reply = f"{exc.smtp_code} {exc.smtp_error!r}"
                if exc.smtp_code >= 500:
                    result.failed[delivery.pk] = reply
                else:
                    result.deferred[delivery.pk] = reply
            except (OSError, smtplib.SMTPException) as exc:
                # The server itself failed (disconnect, timeout, sender refused): stop here,
                # the rest of the chunk stays pending for the next run.
                result.server_error = f"Mail server failed: {exc!r}"
                break
            else:
                if accepted:
                    result.sent.append(delivery.pk)
                else:
                    result.failed[delivery.pk] = "Not a deliverable address"
    finally:
        # If the server is gone already, what was sent is still recorded by the caller.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return result


def _release(mailing_id: int) -> None:
    Mailing.objects.filter(pk=mailing_id).update(locked_until=None)


def _renew_lease(mailing: Mailing) -> None:
    Mailing.objects.filter(pk=mailing.pk).update(locked_until=timezone.now() + LEASE)


def _record(mailing: Mailing, chunk: _ChunkResult) -> None:
    now = timezone.now()
    deliveries = Delivery.objects.filter(mailing=mailing)
    with transaction.atomic():
        if chunk.sent:
            deliveries.filter(pk__in=chunk.sent).update(
                status=Delivery.Status.SENT, sent_at=now, attempts=F("attempts") + 1
            )
        if chunk.skipped:
            deliveries.filter(pk__in=chunk.skipped).update(status=Delivery.Status.SKIPPED)
        for status, replies in (
            (Delivery.Status.BOUNCED, chunk.bounced),
            (Delivery.Status.FAILED, chunk.failed),
            (Delivery.Status.PENDING, chunk.deferred),
        ):
            for pk, reply in replies.items():
                deliveries.filter(pk=pk).update(
                    status=status, last_error=reply, attempts=F("attempts") + 1
                )
        if chunk.bounced_emails:
            Subscription.objects.filter(
                email__in=chunk.bounced_emails, bounced_at__isnull=True
            ).update(bounced_at=now)
        _renew_lease(mailing)


def retry_delay(attempts: int) -> timezone.timedelta:
    delay = timezone.timedelta(seconds=settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** (attempts - 1))
    return min(delay, MAX_BACKOFF)


def mailing_send(*, mailing_id: int, batch: int | None = None) -> Outcome:
    """Send what is still pending in the mailing, recording every recipient's outcome, and
    schedule (return `retry_at`) another run if anything is left pending."""
    batch = batch or settings.NOTIFICATIONS_BATCH_SIZE
    outcome = Outcome()
    if not _claim(mailing_id):
        outcome.busy = True
        return outcome
    try:
        mailing = Mailing.objects.select_related("article", "comment").get(pk=mailing_id)
    except DATABASE_ERRORS:
        until_database_answers(
            lambda: _release(mailing_id), doing=f"releasing mailing {mailing_id}"
        )
        raise
    try:
        if _obsolete(mailing):
            outcome.skipped = mailing.deliveries.filter(status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SKIPPED
            )
            mailing.recipients_listed = True
            Mailing.objects.filter(pk=mailing.pk).update(recipients_listed=True)
            return outcome
        _list_recipients(mailing, batch)
        letter = None
        cursor = 0
        while True:
            deliveries = list(
                mailing.deliveries.filter(status=Delivery.Status.PENDING, pk__gt=cursor)
                .select_related("subscription")
                .order_by("pk")[:batch]
            )
            if not deliveries:
                break
            cursor = deliveries[-1].pk
            if letter is None:
                first = deliveries[0].subscription
                letter = letter_for(mailing, subscription=first)
            chunk = _send_chunk(mailing, letter, deliveries)
            outcome.connections += chunk.connected
            # Sent is sent: wait for the database rather than lose the record and resend.
            until_database_answers(
                lambda chunk=chunk: _record(mailing, chunk),
                doing=f"recording mailing {mailing.pk}",
            )
            outcome.sent += len(chunk.sent)
            outcome.bounced += len(chunk.bounced)
            outcome.failed += len(chunk.failed)
            outcome.skipped += len(chunk.skipped)
            if chunk.server_error:
                outcome.error = chunk.server_error
                break
            if chunk.deferred:
                outcome.error = next(iter(chunk.deferred.values()))
    except DATABASE_ERRORS:
        outcome.database_lost = True
        raise
    finally:
        until_database_answers(
            lambda: _finish(mailing, outcome), doing=f"closing mailing {mailing.pk}"
        )
    return outcome


def _finish(mailing: Mailing, outcome: Outcome) -> None:
    """Close the run: finished, or failed this time (retry later), or given up for good."""
    now = timezone.now()
    if outcome.database_lost:
        # Not the mail server's fault: no attempt counted, and the task starts over at once.
        _release(mailing.pk)
        return
    pending = mailing.deliveries.filter(status=Delivery.Status.PENDING)
    outcome.pending = pending.count()
    fields = {"locked_until": None}
    if outcome.pending == 0 and mailing.recipients_listed:
        fields.update(finished_at=now, next_attempt_at=None)
    else:
        attempts = mailing.attempts + 1
        fields.update(attempts=attempts, last_error=outcome.error or "Interrupted")
        if attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            logger.error(
                "Giving up mailing %s after %s attempts: %s", mailing.pk, attempts, outcome.error
            )
            pending.update(status=Delivery.Status.FAILED, last_error=outcome.error)
            fields.update(given_up_at=now, next_attempt_at=None)
            outcome.failed += outcome.pending
        else:
            outcome.retry_at = now + retry_delay(attempts)
            fields["next_attempt_at"] = outcome.retry_at
            logger.warning(
                "Mailing %s: %s; %s left, retrying at %s",
                mailing.pk,
                outcome.error,
                outcome.pending,
                outcome.retry_at,
            )
    Mailing.objects.filter(pk=mailing.pk).update(**fields)
