"""A WordPress site's media in the imported stories: `[gallery]` shortcodes become a figure
of the gallery's images (known from the export's attachment items), and, with `--media
download`, every image of the old site's uploads that a body shows or links to goes into
the media library through the wire import's fetcher (no private addresses, deadlines, size
cap) and the body points at the library's copy.

Both run once the whole file has been read (`WordPressImporter.finish`): an attachment item
may come after the post that shows it.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from blog.media import image_create
from blog.models import Image
from blog.wire.fetch import FetchError, photo_download

# Alone in its paragraph (as wpautop leaves it), the paragraph goes with it.
GALLERY = re.compile(r"<p>\s*\[gallery\b([^\]]*)\]\s*</p>|\[gallery\b([^\]]*)\]", re.I)
GALLERY_IDS = re.compile(r"""\bids=(?:"([^"]*)"|'([^']*)'|([\d,\s]+))""", re.I)
UPLOADS = "/wp-content/uploads/"
# src="…" and href="…" as the sanitizer writes them (double quotes, entities escaped).
ADDRESS = re.compile(r'\b(src|href)="([^"]+)"')
IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.I)
# WordPress's resized copies: photo-300x200.jpg is photo.jpg made smaller.
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")


@dataclass
class Attachment:
    url: str
    alt: str = ""
    caption: str = ""
    parent: str = ""  # the post it was uploaded to


def gallery_html(match: re.Match, attachments: dict[str, Attachment], post_id: str) -> str:
    """A `[gallery]` as its images, one after the other, each a <figure> with its caption
    (the allow-list keeps no class to group them by; figures side by side also survive an
    export to WordPress and back): those of `ids=…`, or without ids (WordPress's default)
    those uploaded to the post. Unchanged when none of them is in the export."""
    ids = GALLERY_IDS.search(match.group(1) or match.group(2) or "")
    if ids:
        wanted = re.split(r"[\s,]+", next(g for g in ids.groups() if g is not None).strip())
    else:
        wanted = [key for key, item in attachments.items() if item.parent == post_id]
    items = [attachments[key] for key in wanted if key in attachments]
    if not items:
        return match.group(0)
    return "\n".join(
        f'<figure><img src="{escape(item.url)}" alt="{escape(item.alt)}">'
        + (f"<figcaption>{escape(item.caption)}</figcaption>" if item.caption else "")
        + "</figure>"
        for item in items
    )


@dataclass
class MediaFiles:
    """The old site's uploads in the media library, each downloaded once per import (and
    found again, not downloaded, on a later import: by the address it came from)."""

    editor: object = None
    dry_run: bool = False
    notes: object = None  # the summary's notes (a Counter)
    hosts: set = field(default_factory=set)  # where the old site's uploads are served
    originals: set = field(default_factory=set)  # the attachments' own addresses
    found: dict = field(default_factory=dict)  # address → Image or None

    def is_upload(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and parts.netloc in self.hosts
            and (UPLOADS in parts.path or url in self.originals)
        )

    def image(
        self, url: str, *, alt: str = "", caption: str = "", what: str = "image in a body"
    ) -> Image | None:
        """The library's copy of the upload at `url` (downloaded now if need be); None when
        it cannot be had (the reason goes to the notes)."""
        if url in self.found:
            return self.found[url]
        source_note = f"Imported from WordPress: {url}"[:500]
        image = Image.objects.filter(source_note=source_note).order_by("pk").first()
        if image is None:
            try:
                image = image_create(
                    upload=photo_download(url),
                    alt=alt[:300],
                    caption=caption[:500],
                    source_note=source_note,
                    uploaded_by=self.editor,
                )
            except (FetchError, ValidationError) as exc:
                reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                self.notes[f"{what} not downloaded ({reason}), address kept"] += 1
                image = None
            else:
                self.notes[f"{what} downloaded to the media library"] += 1
        self.found[url] = image
        return image

    def body_rewrite(self, body: str, alts: dict[str, str] | None = None) -> str:
        """`body` with each image of the old site's uploads it shows (src) or links to
        (href) replaced by the library's copy; a resized copy is the original's image
        when the export has the original. A dry run only counts them."""
        alts = alts or {}
        changes = {}
        for _attribute, escaped in ADDRESS.findall(body):
            url = unescape(escaped)
            if escaped in changes or not self.is_upload(url):
                continue
            if not IMAGE_PATH.search(urlsplit(url).path):
                self.notes["link to an upload that is not an image kept its address"] += 1
                changes[escaped] = None
                continue
            original = SIZE_SUFFIX.sub("", url)
            source = original if original in self.originals else url
            if self.dry_run:
                self.notes["image in a body to download"] += 1
                self.found.setdefault(source, None)  # counted once (see the attachments')
                changes[escaped] = None
                continue
            image = self.image(source, alt=alts.get(source, ""))
            changes[escaped] = image
        changes = {escaped: image for escaped, image in changes.items() if image is not None}
        if not changes:
            return body

        def replace(match: re.Match) -> str:
            attribute, escaped = match.groups()
            image = changes.get(escaped)
            if image is None:
                return match.group(0)
            url = escape(image.file.url)
            if attribute == "src":
                return f'src="{url}" data-file="{image.pk}"'
            return f'href="{url}"'

        return ADDRESS.sub(replace, body)
