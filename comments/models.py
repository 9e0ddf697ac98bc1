"""What Wirepress keeps beside django-comments-xtd's comments: moderation records and lists,
readers' reports, privacy requests, commenters' social profiles, and email notifications:
who follows what (Subscription), and each notification being sent (Mailing, with one
Delivery per recipient so progress, bounces and failures are recorded).

The comment itself stays an XtdComment (`is_public=False` hides held and spam comments,
`is_removed=True` removed ones). `CommentModeration` records why, and what editors did.

One module for the whole app, a little over 400 lines: the models of every concern stay
where their migrations expect them (one app label, so no migration moves), and each is
short. The code that uses them lives by concern (docs/architecture.md).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment


class CommentModeration(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        HELD = "held", "Held for moderation"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    comment = models.OneToOneField(
        XtdComment, on_delete=models.CASCADE, primary_key=True, related_name="moderation"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    # [{"check": "links", "verdict": "hold", "detail": "4 links (more than 2)"}, ...]
    reasons = models.JSONField(default=list, blank=True)
    # The same check names, space-separated and padded, so the admin can filter on them
    # with a plain `contains` that every database supports (JSON containment on SQLite
    # does not exist).
    checks = models.CharField(max_length=200, blank=True, default="")
    checked_at = models.DateTimeField()
    # Kept for Akismet's spam/ham reports; cleared with the IP address after the retention.
    user_agent = models.CharField(max_length=500, blank=True, default="")
    referrer = models.CharField(max_length=500, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the text as the duplicate and flood checks compare it (moderation.normalize):
    # a doubled space, a zero-width space or a full-width letter does not make a new text.
    text_fingerprint = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The label the learned spam filter was taught from an editor's decision ("spam" or
    # "ham"; empty: never taught), so a repeated decision does not count twice and a
    # reversed one moves the counts instead of adding to both.
    trained_as = models.CharField(max_length=4, blank=True, default="")

    class Meta:
        verbose_name = "moderation record"
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.get_status_display()}: comment {self.comment_id}"

    def set_reasons(self, reasons) -> None:
        """Keep `reasons` (moderation.Reason objects or their dicts) and their check names."""
        self.reasons = [r if isinstance(r, dict) else r.as_dict() for r in reasons]
        names = sorted({r["check"] for r in self.reasons})
        self.checks = f" {' '.join(names)} " if names else ""

    def add_reason(self, reason) -> None:
        self.set_reasons([*self.reasons, reason])

    @property
    def reasons_text(self) -> str:
        return "; ".join(f"{r['check']} ({r['verdict']}): {r['detail']}" for r in self.reasons)


class SpamToken(models.Model):
    """The learned spam filter's model (comments.moderation.learned): in how many spam and
    legitimate comments an editor labelled each token appeared. One row, `TOTALS`, counts
    the comments themselves. In the database so every worker and node shares one model."""

    token = models.CharField(max_length=100, unique=True)
    spam_count = models.PositiveIntegerField(default=0)
    ham_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "learned spam filter token"

    def __str__(self):
        return f"{self.token}: {self.spam_count} spam, {self.ham_count} legitimate"


class BlocklistEntry(models.Model):
    """A word (or phrase) or a domain that marks a comment as spam or holds it."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase"
        DOMAIN = "domain", "Domain"

    class Action(models.TextChoices):
        SPAM = "spam", "Mark as spam"
        HOLD = "hold", "Hold for moderation"

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.WORD)
    value = models.CharField(
        max_length=200,
        help_text="A word or phrase, matched as whole words in any case; end it with * to "
        "match any ending (займ* matches займы). Or a domain: example.com also matches "
        "www.example.com, in links, the website field and email addresses.",
    )
    action = models.CharField(max_length=10, choices=Action, default=Action.SPAM)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "blocklist entry"
        verbose_name_plural = "blocklist"
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(Lower("value"), "kind", name="blocklist_unique_value"),
        ]

    def __str__(self):
        return f"{self.value} ({self.get_kind_display()} → {self.get_action_display()})"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        if self.kind == self.Kind.DOMAIN:
            self.value = self.value.removeprefix("www.").strip(".")
        super().save(*args, **kwargs)


class BlockedCommenter(models.Model):
    """A person whose future comments go straight to spam, by email address or account."""

    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "blocked commenter"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | models.Q(user__isnull=False),
                name="blocked_commenter_has_identity",
            ),
        ]

    def __str__(self):
        return self.email or str(self.user)

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class CommentReport(models.Model):
    """A reader's report that a comment is abusive or spam."""

    comment = models.ForeignKey(XtdComment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    email = models.EmailField(blank=True)  # a guest's, to tell them apart (never shown)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(user__isnull=False),
                name="one_report_per_reader",
            ),
            models.UniqueConstraint(
                fields=["comment", "email"],
                condition=models.Q(user__isnull=True),
                name="one_report_per_guest_email",
            ),
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class DataRequest(models.Model):
    """A commenter's request for an export or an erasure of their data, confirmed by a
    link sent to the email address. Only a hash of the link's token is stored."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export my data"
        ERASE = "erase", "Erase my data"

    email = models.EmailField()
    kind = models.CharField(max_length=10, choices=Kind)
    delete_text = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "data request"

    def __str__(self):
        return f"{self.get_kind_display()} for {self.email}"


class SocialProfile(models.Model):
    """How a reader who logs in with Google, X, WordPress.com... appears beside comments:
    the picture and profile link of their latest social login. Copied from the social
    account at each login so the discussion shows avatars without a query per comment."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_profile"
    )
    provider = models.CharField(max_length=200, help_text="allauth provider id, e.g. google")
    provider_name = models.CharField(max_length=100, help_text="e.g. Google")
    display_name = models.CharField(max_length=150, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    profile_url = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} via {self.provider_name}"


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

    # No get_absolute_url: the address carries the subscriber's secret token, and generic
    # "view on site" routes must never be able to hand it out.
    def manage_url(self) -> str:
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


class Lease(models.Model):
    """A named job that one node at a time may run (the minute announcement check), held
    until `expires_at` by `holder` (host and process). A node that dies loses it once it
    expires; the holder renews it each time it runs (comments.notifications.services)."""

    name = models.CharField(max_length=100, unique=True)
    holder = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} (held by {self.holder} until {self.expires_at:%H:%M:%S})"


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


class Comment(XtdComment):
    """django-comments-xtd's comment as the admin's moderation desk shows it: a proxy, so
    comments sit in the Discussion section with everything else about them (the stock
    django_comments and xtd sections are unregistered in comments.admin)."""

    class Meta:
        proxy = True
        verbose_name = "comment"
