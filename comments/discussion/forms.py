"""The comment form: guest fields or the signed-in identity, reply target, notifications.

Built on django-comments' form, which keeps its security hash and timestamp (a form is only
valid for COMMENTS_TIMEOUT after it was rendered) and its honeypot field.
"""

from django import forms
from django.conf import settings
from django_comments.forms import CommentForm as DjangoCommentForm

from comments.discussion.selectors import public_comment
from comments.discussion.submission import CommentSubmission
from comments.fields import INVALID_EMAIL
from comments.social.identity import commenter_name, social_profile_of
from comments.web import client_ip

# The fields django-comments checks for tampering and staleness.
SECURITY_FIELDS = ("content_type", "object_pk", "timestamp", "security_hash")


class CommentForm(DjangoCommentForm):
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    remember = forms.BooleanField(
        required=False,
        label="Save my name, email, and website in this browser for the next time I comment.",
    )
    notify_comments = forms.BooleanField(
        required=False, label="Notify me of new comments via email."
    )
    notify_posts = forms.BooleanField(required=False, label="Notify me of new posts via email.")
    # Our own length limit: django-comments' COMMENT_MAX_LENGTH setting would also change its
    # model and ask for a migration inside that third-party app.
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6, "required": True}),
        max_length=settings.COMMENTS_MAX_LENGTH,
        error_messages={"required": "Please type your comment."},
    )

    def __init__(self, article, *, user=None, data=None, initial=None, **kwargs):
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(article, data=data, initial=initial, **kwargs)
        self.fields["name"].label = "Name"
        self.fields["name"].error_messages["required"] = "Please give your name."
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].label = "Email"
        self.fields["email"].help_text = "Required, never made public."
        self.fields["email"].error_messages.update(
            required="Please give your email address (it is never shown).",
            invalid=INVALID_EMAIL,
        )
        self.fields["url"].error_messages["invalid"] = "Please give a valid web address."
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["url"].label = "Website"
        self.fields["url"].widget.attrs["autocomplete"] = "url"
        self.fields["honeypot"].label = "Leave this field empty"
        self.fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if self.user:
            # The identity comes from the account; guests' fields are not asked for.
            for name in ("name", "email", "url"):
                self.fields[name].required = False
                self.fields[name].widget = forms.HiddenInput()
            del self.fields["remember"]
            if not self.user.email:
                # Notifications go by email: without an address (an X login) there are none.
                for name in ("notify_comments", "notify_posts"):
                    self.fields[name].disabled = True
                    self.initial[name] = False

    @property
    def article(self):
        return self.target_object

    @property
    def is_stale(self) -> bool:
        """True when only the security data failed: an old or tampered form, not bad input."""
        return self.is_bound and any(name in self.errors for name in SECURITY_FIELDS)

    def clean_reply_to(self):
        parent_id = self.cleaned_data.get("reply_to") or 0
        if not parent_id:
            self.parent = None
            return 0
        parent = public_comment(self.article, parent_id)
        if parent is None:
            raise forms.ValidationError(
                "The comment you are replying to is not on this article (any more)."
            )
        if parent.level >= settings.COMMENTS_XTD_MAX_THREAD_LEVEL:
            raise forms.ValidationError(
                "This thread is as deep as it can go: reply to an earlier comment instead."
            )
        self.parent = parent
        return parent_id

    def clean_honeypot(self):
        # A filled honeypot is not a form error: the comment is stored as spam instead
        # (comments.moderation.checks), so a robot learns nothing and a person whose browser
        # autofilled the hidden field loses nothing (editors can mark it "not spam").
        return self.cleaned_data["honeypot"]

    def clean_comment(self):
        text = super().clean_comment().strip()
        if not text:
            raise forms.ValidationError("Please type your comment.")
        return text

    def identity(self) -> dict:
        """Name, email and website of the commenter (the account's for signed-in users)."""
        if self.user:
            # A social login brings its display name and profile link (README, "Social login").
            profile = social_profile_of(self.user)
            return {
                "name": commenter_name(self.user, profile),
                "email": self.user.email,
                "url": profile.profile_url if profile else "",
            }
        return {
            "name": self.cleaned_data["name"].strip(),
            "email": self.cleaned_data["email"],
            "url": self.cleaned_data["url"],
        }

    def submission(self, request) -> CommentSubmission:
        """The valid form's comment, with what the spam checks need from the request."""
        return CommentSubmission(
            article=self.article,
            user=self.user,
            **self.identity(),
            text=self.cleaned_data["comment"],
            parent=self.parent,
            notify_comments=self.cleaned_data["notify_comments"],
            notify_posts=self.cleaned_data["notify_posts"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:500],
            referrer=request.headers.get("Referer", "")[:500],
            honeypot=self.cleaned_data["honeypot"],
            rendered_at=self.cleaned_data["timestamp"],
        )

    def fresh_copy(self) -> "CommentForm":
        """An unbound form carrying what the reader typed, with new security data (marked
        `stale`: the page tells the reader the form expired)."""
        keep = ("name", "email", "url", "comment", "reply_to", "remember")
        initial = {name: self.data.get(name, "") for name in keep if name in self.fields}
        initial["notify_comments"] = bool(self.data.get("notify_comments"))
        initial["notify_posts"] = bool(self.data.get("notify_posts"))
        form = CommentForm(self.article, user=self.user, initial=initial)
        form.stale = True
        return form
