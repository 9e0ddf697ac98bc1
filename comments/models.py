"""Email notifications: who follows what (Subscription), and each notification being sent
(Mailing, with one Delivery per recipient so progress, bounces and failures are recorded).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    """An unguessable link token (256 random bits), stored so it can be revoked."""
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        """Subscriptions that receive mail: confirmed, not stopped, address not bouncing."""
        return self.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, bounced_at__isnull=True
        )

    def pending(self):
        """Waiting for the reader to click the confirmation link."""
        return self.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)

    def of_address(self, email: str):
        return self.filter(email=normalize_email(email))

    def confirmed_together_with(self, subscription):
        """What one confirmation link confirms: its subscription and the address's others
        awaiting confirmation whose email was sent recently (the email listed them all)."""
        window = timezone.now() - timezone.timedelta(days=settings.NOTIFICATIONS_CONFIRM_DAYS)
        return (
            self.of_address(subscription.email)
            .pending()
            .filter(Q(pk=subscription.pk) | Q(confirmation_sent_at__gte=window))
        )

    def comment_followers(self, article):
        return self.active().filter(kind=Subscription.Kind.COMMENTS, article=article)

    def post_subscribers(self):
        return self.active().filter(kind=Subscription.Kind.POSTS)


def normalize_email(email: str) -> str:
    # One subscription per address, however it is typed.
    return email.strip().lower()


class Subscription(models.Model):
    """A reader's address following one article's discussion, or the blog's new posts."""

    class Kind(models.TextChoices):
        COMMENTS = "comments", "New comments on an article"
        POSTS = "posts", "New posts"

    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
    )
    kind = models.CharField(max_length=10, choices=Kind)
    article = models.ForeignKey(
        "blog.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text="The article whose comments are followed (new-comment subscriptions only).",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(
        null=True, blank=True, help_text="The mail server refused this address for good."
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            # NULLs are distinct in unique indexes (SQLite, PostgreSQL < 15): one constraint
            # per shape of subscription.
            models.UniqueConstraint(
                fields=["email", "kind", "article"],
                condition=Q(article__isnull=False),
                name="subscription_unique_per_article",
            ),
            models.UniqueConstraint(
                fields=["email", "kind"],
                condition=Q(article__isnull=True),
                name="subscription_unique_per_blog",
            ),
            models.CheckConstraint(
                condition=Q(kind="posts", article__isnull=True)
                | Q(kind="comments", article__isnull=False),
                name="subscription_article_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "article", "id"])]

    def __str__(self):
        if self.kind == self.Kind.COMMENTS:
            return f"{self.email} follows comments on “{self.article}”"
        return f"{self.email} follows new posts"

    def get_absolute_url(self):
        return reverse("comments:subscriptions", args=[self.token])

    @property
    def is_active(self) -> bool:
        return bool(self.confirmed_at and not self.unsubscribed_at and not self.bounced_at)

    @property
    def is_pending(self) -> bool:
        return not self.confirmed_at and not self.unsubscribed_at

    @property
    def confirmation_expired(self) -> bool:
        if not self.confirmation_sent_at:
            return False
        age = timezone.now() - self.confirmation_sent_at
        return age > timezone.timedelta(days=settings.NOTIFICATIONS_CONFIRM_DAYS)


class Mailing(models.Model):
    """One notification to its recipients: a confirmation request, a new comment to the
    article's followers, or a new article to the blog's subscribers. Sent in chunks by a
    background task; retried with backoff while the mail server refuses or times out."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Confirmation request"
        COMMENT = "comment", "New comment"
        ARTICLE = "article", "New article"

    kind = models.CharField(max_length=12, choices=Kind)
    article = models.ForeignKey(
        "blog.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="mailings"
    )
    comment = models.ForeignKey(
        "django_comments_xtd.XtdComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mailings",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Recipients are listed in chunks, resumable from the last subscription listed.
    recipients_cursor = models.BigIntegerField(default=0)
    recipients_listed = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0, help_text="Runs that met a failure.")
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A comment or an article is announced once, however often approval is clicked.
            models.UniqueConstraint(
                fields=["comment"], condition=Q(kind="comment"), name="mailing_once_per_comment"
            ),
            models.UniqueConstraint(
                fields=["article"], condition=Q(kind="article"), name="mailing_once_per_article"
            ),
        ]
        indexes = [models.Index(fields=["finished_at", "next_attempt_at"])]

    def __str__(self):
        subject = self.comment_id and f"comment #{self.comment_id}" or self.article or "address"
        return f"{self.get_kind_display()}: {subject}"


class Delivery(models.Model):
    """One recipient of a mailing, and what became of the message."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        BOUNCED = "bounced", "Bounced (address refused)"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed before sending)"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscription"], name="delivery_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["mailing", "status", "id"])]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.subscription.email}: {self.get_status_display()}"
