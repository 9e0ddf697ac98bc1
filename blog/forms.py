"""Forms the admin does not generate for itself (the article form with its editor, the
media library's upload form, the paste-a-story form), and the readers' search form."""

import base64
import hashlib

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.templatetags.static import static
from django.urls import reverse_lazy
from django_prose_editor.widgets import AdminProseEditorWidget
from django_prose_editor.widgets import importmap as editor_importmap

from blog import media
from blog.models import READING_WORDS_PER_MINUTE, Article, Image, Source
from blog.search import MAX_QUERY_LENGTH
from blog.wordpress.importer import read_author_map

# What the body editor offers (django-prose-editor, a ProseMirror editor). Its output is
# sanitized by Article.save with blog.sanitize's allow-list like any other HTML; this list
# only decides what the editor can make and what it keeps of a body opened in it.
EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4, 5, 6]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "CodeBlock": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": True, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # Images come from the media library: "Browse..." in the image dialog opens it.
    "Figure": {"pickerUrl": reverse_lazy("admin:blog_image_picker")},
    "Caption": True,
    "Image": True,
    "History": True,
    "HTML": True,
}


class BodyEditorWidget(AdminProseEditorWidget):
    """The ProseMirror editor, with the word count and reading time under it."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"data-reading-wpm": READING_WORDS_PER_MINUTE, **(attrs or {})},
            config={"extensions": EDITOR_EXTENSIONS},
            preset="configurable",
        )

    @property
    def media(self):
        return super().media + forms.Media(js=[static("js/editor_word_count.js")])


def editor_importmap_source() -> str:
    """The Content-Security-Policy source that admits the editor's import map: an inline
    <script type="importmap"> that django-prose-editor renders without a nonce. Allowed by
    its hash, so no other inline script runs on the page."""
    html = str(editor_importmap.render())
    content = html[html.index(">") + 1 : html.rindex("</script>")]
    digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
    return f"'sha256-{digest}'"


class ArticleForm(forms.ModelForm):
    """The admin's article form: the body in the editor, and a featured photo with its
    description before the story is published."""

    class Meta:
        model = Article
        # The admin's fieldsets add the others.
        fields = ["title", "body", "status", "featured_image"]
        widgets = {"body": BodyEditorWidget}

    def clean(self):
        data = super().clean()
        image = data.get("featured_image")
        if data.get("status") == Article.Status.PUBLISHED and image and not image.alt.strip():
            self.add_error(
                "featured_image",
                "This photo has no description (alt text) for readers who cannot see it: "
                "add one in the media library (the pencil next to it) before publishing.",
            )
        if data.get("status") == Article.Status.PUBLISHED:
            undescribed = media.body_images_without_description(data.get("body") or "")
            if undescribed:
                self.add_error(
                    "body",
                    "Describe every image for readers who cannot see it before publishing "
                    f"(alt text, in the image's settings or the media library): "
                    f"{', '.join(undescribed)}.",
                )
        return data


class ImageForm(forms.ModelForm):
    """An upload to the media library: checked, turned upright, GPS position removed."""

    # A plain file field: every check (and its message) is blog.media's.
    file = forms.FileField(
        label="Image",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(media.ALLOWED_CONTENT_TYPES)}),
        help_text="JPEG, PNG, WebP, AVIF or GIF. Rotation is applied and the GPS position "
        "removed; the renditions readers download are made in the background.",
    )

    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit", "source_note"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):
            return media.image_upload_clean(upload)
        return upload


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


class WordPressImportForm(forms.Form):
    """A WordPress export to import (and how), checked by a dry run before anything is saved."""

    export = forms.FileField(
        label="WordPress export",
        help_text="The .xml file from WordPress's Tools → Export → All content.",
    )
    author_map = forms.FileField(
        label="Author map",
        required=False,
        help_text="Optional CSV: rows of wordpress_login,username-or-email giving posts to "
        "accounts that exist here. Others become staff accounts without a password.",
    )
    pingbacks = forms.BooleanField(
        label="Import pingbacks and trackbacks", required=False, initial=False
    )

    def clean_author_map(self):
        upload = self.cleaned_data["author_map"]
        if not upload:
            return {}
        try:
            lines = upload.read().decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise forms.ValidationError("The author map is not a UTF-8 CSV file.") from None
        return read_author_map(lines)
