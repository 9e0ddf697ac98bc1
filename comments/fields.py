"""Form fields the concerns' forms share, with the same words for the same mistakes."""

from django import forms

INVALID_EMAIL = "Please give a valid email address, like name@example.org."


def email_field(*, label: str, required: str = "Please give your email address.", **kwargs):
    """An email address field: `required` is what a reader who left it empty is told."""
    return forms.EmailField(
        label=label, error_messages={"required": required, "invalid": INVALID_EMAIL}, **kwargs
    )
