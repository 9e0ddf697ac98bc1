"""A reader's report of a comment."""

from django import forms

from comments.fields import email_field


class ReportForm(forms.Form):
    """A reader's report of a comment; guests give an email address (never shown)."""

    email = email_field(
        label="Your email", help_text="So editors can ask you about it. Never shown."
    )
    reason = forms.CharField(
        label="What is wrong with this comment?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text="Optional: spam, abuse, personal data…",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user:
            del self.fields["email"]
