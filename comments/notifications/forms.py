"""The "Follow" box: an email address to receive the blog's new posts."""

from django import forms


class FollowForm(forms.Form):
    """The "Follow" box: an email address to receive the blog's new posts."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Please give your email address.",
            "invalid": "Please give a valid email address, like name@example.org.",
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
