"""Asking for an export or an erasure of one's comment data."""

from django import forms

from comments.fields import email_field
from comments.models import DataRequest


class DataRequestForm(forms.Form):
    """Ask for an export or an erasure of one's comment data; confirmed by email."""

    email = email_field(
        label="The email address you comment with",
        required="Please give the email address you comment with.",
    )
    kind = forms.ChoiceField(
        label="What would you like?",
        choices=DataRequest.Kind.choices,
        widget=forms.RadioSelect,
        initial=DataRequest.Kind.EXPORT,
        error_messages={"required": "Please choose export or erasure."},
    )
    delete_text = forms.BooleanField(
        label="When erasing, also delete the text of my comments (otherwise it stays, "
        "signed “Anonymous”).",
        required=False,
    )
