"""The "Follow" box: an email address to receive the blog's new posts."""

from django import forms

from comments.fields import email_field


class FollowForm(forms.Form):
    """The "Follow" box: an email address to receive the blog's new posts."""

    email = email_field(label="Email address", max_length=254)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
