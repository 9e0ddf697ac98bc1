"""Reader-facing forms."""

from django import forms

from blog.search import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": "Search stories…"}),
    )
