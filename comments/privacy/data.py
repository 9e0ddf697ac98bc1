"""Commenters' personal data: export, erasure, email-confirmed requests, and retention.

What a comment keeps about its author: name, email, website, the text, IP address, browser
user agent and referring page. IP address, user agent and referrer are cleared after
COMMENTS_IP_RETENTION_DAYS by `purge_comment_data`, which also deletes old spam and old data
requests. The privacy page (templates/comments/privacy.html) says the same to readers.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.models import Article, ArticleLike
from blog.services import article_like_recount
from comments.discussion.selectors import comments_by_address
from comments.models import CommentModeration, CommentReport, DataRequest, Delivery, Subscription

logger = logging.getLogger(__name__)

ANONYMOUS = "Anonymous"
# How long a confirmation link works, and how long any request is kept at all.
DATA_REQUEST_LINK_HOURS = 24
DATA_REQUEST_KEEP_DAYS = 30
# A second request for the same email and kind within this time sends no second email.
DATA_REQUEST_RESEND_MINUTES = 10


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def data_export(*, email: str) -> dict:
    """Everything Wirepress keeps about the commenter with this email address, as JSON data."""
    email = email.strip()
    comments = list(comments_by_address(email).select_related("moderation").order_by("submit_date"))
    articles = Article.objects.in_bulk(
        [int(c.object_pk) for c in comments if c.object_pk.isdigit()]
    )
    exported = []
    for comment in comments:
        article = articles.get(int(comment.object_pk)) if comment.object_pk.isdigit() else None
        record = getattr(comment, "moderation", None)
        exported.append(
            {
                "id": comment.pk,
                "article": article.title if article else None,
                "article_url": article.get_absolute_url() if article else None,
                "submitted_at": comment.submit_date.isoformat(),
                "name": comment.user_name,
                "email": comment.user_email,
                "website": comment.user_url,
                "text": comment.comment,
                "status": record.status
                if record
                else ("published" if comment.is_public else "held"),
                "ip_address": comment.ip_address,
                "user_agent": record.user_agent if record else "",
                "referrer": record.referrer if record else "",
                "notify_of_replies": comment.followup,
            }
        )
    reports = CommentReport.objects.filter(Q(email__iexact=email) | Q(user__email__iexact=email))
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": exported,
        "reports": [
            {
                "comment_id": r.comment_id,
                "reason": r.reason,
                "reported_at": r.created_at.isoformat(),
            }
            for r in reports.order_by("created_at")
        ],
        **_mail_and_likes_export(email),
    }


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _mail_and_likes_export(email: str) -> dict:
    """The address's subscriptions and the emails sent to it; the likes of its accounts."""
    subscriptions = Subscription.objects.filter(email__iexact=email).select_related("article")
    deliveries = Delivery.objects.filter(subscription__email__iexact=email).select_related(
        "mailing__article"
    )
    comment_likes = CommentFlag.objects.filter(user__email__iexact=email, flag=LIKEDIT_FLAG)
    article_likes = ArticleLike.objects.filter(user__email__iexact=email).select_related("article")
    return {
        "subscriptions": [
            {
                "kind": s.kind,
                "article": s.article.title if s.article else None,
                "created_at": _when(s.created_at),
                "confirmed_at": _when(s.confirmed_at),
                "unsubscribed_at": _when(s.unsubscribed_at),
            }
            for s in subscriptions.order_by("created_at")
        ],
        "emails_sent": [
            {
                "kind": d.mailing.kind,
                "article": d.mailing.article.title if d.mailing.article else None,
                "status": d.status,
                "sent_at": _when(d.sent_at),
            }
            for d in deliveries.order_by("pk")
        ],
        "comment_likes": [
            {"comment_id": like.comment_id, "liked_at": _when(like.flag_date)}
            for like in comment_likes.order_by("flag_date")
        ],
        "article_likes": [
            {"article": like.article.title, "liked_at": _when(like.created_at)}
            for like in article_likes.order_by("created_at")
        ],
    }


def data_erase(*, email: str, delete_text: bool = False) -> int:
    """Anonymise the commenter's comments: name "Anonymous"; email, website, IP address, user
    agent, referrer and the link to their account removed; notifications off. With
    `delete_text` the text goes too and the comments are removed (replies to them stay).
    Their reports, data requests and subscriptions (with the record of emails sent) are
    deleted, and so are the likes of accounts with this address. Returns the number of
    comments. Blocks by editors are kept: they are there to stop abuse."""
    email = email.strip()
    with transaction.atomic():
        ids = list(comments_by_address(email).values_list("pk", flat=True))
        changes = {
            "user_name": ANONYMOUS,
            "user_email": "",
            "user_url": "",
            "ip_address": None,
            "user": None,
            "followup": False,
        }
        if delete_text:
            changes.update(comment="", is_removed=True)
        XtdComment.objects.filter(pk__in=ids).update(**changes)
        records = CommentModeration.objects.filter(comment_id__in=ids)
        records.update(user_agent="", referrer="")
        if delete_text:
            records.update(status=CommentModeration.Status.REMOVED)
        CommentReport.objects.filter(Q(email__iexact=email) | Q(user__email__iexact=email)).delete()
        DataRequest.objects.filter(email__iexact=email).delete()
        Subscription.objects.filter(email__iexact=email).delete()  # deliveries cascade
        CommentFlag.objects.filter(user__email__iexact=email, flag=LIKEDIT_FLAG).delete()
        article_likes = ArticleLike.objects.filter(user__email__iexact=email)
        liked_articles = list(article_likes.values_list("article_id", flat=True))
        article_likes.delete()
        article_like_recount(article_ids=liked_articles)
    return len(ids)


def data_request_create(
    *, email: str, kind: str, delete_text: bool = False, site_url: str
) -> DataRequest | None:
    """Record a request and queue the email of its confirmation link to `email` (the link
    proves the reader owns the address; comments.privacy.tasks sends it). `site_url` is the
    scheme and host, e.g. https://news.example.org. Returns None when the same request was
    sent moments ago (no second email)."""
    from comments.privacy.tasks import data_request_confirmation_enqueue

    email = email.strip()
    recent = timezone.now() - timezone.timedelta(minutes=DATA_REQUEST_RESEND_MINUTES)
    if DataRequest.objects.filter(
        email__iexact=email, kind=kind, completed_at=None, created_at__gte=recent
    ).exists():
        return None
    with transaction.atomic():
        data_request = DataRequest.objects.create(
            email=email,
            kind=kind,
            delete_text=delete_text and kind == DataRequest.Kind.ERASE,
            # A token nobody knows until the email is sent with a fresh one.
            token_hash=_token_hash(secrets.token_urlsafe(32)),
        )
        # With the database backend the task row is written in this transaction.
        data_request_confirmation_enqueue(data_request.pk, site_url=site_url)
    return data_request


def data_request_send_confirmation(data_request: DataRequest, *, site_url: str) -> None:
    """Email the confirmation link, with a new token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    data_request.token_hash = _token_hash(token)
    data_request.save(update_fields=["token_hash"])
    context = {
        "data_request": data_request,
        "confirm_url": site_url.rstrip("/") + reverse("comments:data_confirm", args=[token]),
        "site_name": settings.SITE_NAME,
        "hours": DATA_REQUEST_LINK_HOURS,
    }
    send_mail(
        subject=f"[{settings.SITE_NAME}] Confirm: {data_request.get_kind_display().lower()}",
        message=render_to_string("comments/email/data_request.txt", context),
        from_email=None,
        recipient_list=[data_request.email],
    )


def data_request_find(token: str) -> DataRequest | None:
    """The open request this link's token belongs to, if it has not expired or been used."""
    oldest = timezone.now() - timezone.timedelta(hours=DATA_REQUEST_LINK_HOURS)
    return DataRequest.objects.filter(
        token_hash=_token_hash(token), completed_at=None, created_at__gte=oldest
    ).first()


def data_request_complete(data_request: DataRequest) -> dict | int:
    """Carry out a confirmed request: the export data, or the number of erased comments."""
    if data_request.kind == DataRequest.Kind.EXPORT:
        data = data_export(email=data_request.email)
        data_request.completed_at = timezone.now()
        data_request.save(update_fields=["completed_at"])
        return data
    return data_erase(email=data_request.email, delete_text=data_request.delete_text)


@dataclass
class PurgeResult:
    ip_addresses_cleared: int
    spam_deleted: int
    data_requests_deleted: int


def personal_data_purge(*, now=None) -> PurgeResult:
    """Clear IP addresses (and user agents and referrers) of comments older than the
    retention, delete spam older than its retention, and data requests past keeping."""
    now = now or timezone.now()
    ip_cutoff = now - timezone.timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
    old = XtdComment.objects.filter(submit_date__lt=ip_cutoff)
    cleared = old.filter(ip_address__isnull=False).update(ip_address=None)
    CommentModeration.objects.filter(comment__submit_date__lt=ip_cutoff).exclude(
        user_agent="", referrer=""
    ).update(user_agent="", referrer="")

    spam_deleted = 0
    if settings.COMMENTS_SPAM_RETENTION_DAYS > 0:
        spam_cutoff = now - timezone.timedelta(days=settings.COMMENTS_SPAM_RETENTION_DAYS)
        # Counted from when it became spam (an editor's decision, or the check on arrival),
        # not from when it was written: an old comment marked spam today is kept for the
        # whole retention, in case the decision is undone.
        spam_ids = list(
            CommentModeration.objects.annotate(
                spam_since=Coalesce(F("reviewed_at"), F("checked_at"))
            )
            .filter(status=CommentModeration.Status.SPAM, spam_since__lt=spam_cutoff)
            # A comment that was public before it was marked spam may have replies: deleting
            # it would make them top-level (or delete them with it). It stays, hidden.
            .exclude(comment_id__in=XtdComment.objects.filter(level__gt=0).values("parent_id"))
            .values_list("comment_id", flat=True)
        )
        XtdComment.objects.filter(pk__in=spam_ids).delete()
        spam_deleted = len(spam_ids)

    requests_deleted, _ = DataRequest.objects.filter(
        created_at__lt=now - timezone.timedelta(days=DATA_REQUEST_KEEP_DAYS)
    ).delete()
    return PurgeResult(cleared, spam_deleted, requests_deleted)
