"""What Wirepress keeps beside django-comments-xtd's comments: moderation records and lists,
readers' reports, privacy requests, and commenters' social profiles.

The comment itself stays an XtdComment (`is_public=False` hides held and spam comments,
`is_removed=True` removed ones). `CommentModeration` records why, and what editors did.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
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
