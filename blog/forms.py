"""Forms the admin does not generate for itself (the editors' paste-a-story form), and the
readers' search form."""

from django import forms

from blog.models import Source
from blog.search import MAX_QUERY_LENGTH


class PasteStoryForm(forms.Form):
    """A wire story pasted by an editor (HTML or text), or the address of its original."""

    source = forms.ModelChoiceField(
        Source.objects.all(), label="Agency", help_text="Whose story it is: its attribution."
    )
    url = forms.URLField(
        label="Original article",
        max_length=500,
        required=False,
        help_text="The agency's page. Alone, the story is fetched from it and extracted.",
    )
    text = forms.CharField(
        label="Story",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90}),
        help_text="Paste the story: a whole page's HTML, part of one, or plain text with the "
        "headline on the first line. Scripts and tracking are removed.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("url") and "url" not in self.errors:
            raise forms.ValidationError("Paste the story, or give the address of its original.")
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": "Search stories…"}),
    )


class SendBackForm(forms.Form):
    """An editor's note to the author of a story sent back from review."""

    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="What the author should change. They receive it by email.",
    )


class AgencyUpdateForm(forms.Form):
    """Which parts of the agency's update to apply (see blog/agency_update.py)."""

    fields = forms.MultipleChoiceField(
        choices=[],
        required=True,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one part of the update to apply."},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = choices
