"""Stories an editor pastes (an HTML page, a fragment or plain text) or gives the address
of, extracted into a `WireItem` and saved as a draft."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.utils.text import Truncator

from blog.models import Article, Source
from blog.wire.fetch import PAGE_ACCEPT, fetch
from blog.wire.importing import _article_create
from blog.wire.markup import absolute_http_url, clean_wire_html, plain_text, text_to_html
from blog.wire.parse import WireItem

_COPYRIGHT_LINE = re.compile(r"^\s*(\(c\)|©|copyright\b)", re.IGNORECASE)
# "Relations have reached bottom, Stoltenberg shares / Reuters": a caption and its credit.
_CAPTION_CREDIT = re.compile(r"^(?P<caption>.{3,400}?)\s+/\s+(?P<credit>[^/\s][^/]{1,60})$")
_HEADING = re.compile(r"^\s*<h[1-3]>(?P<text>.*?)</h[1-3]>", re.DOTALL)
_FIRST_PARAGRAPH = re.compile(r"^\s*<p>(?P<text>.*?)</p>", re.DOTALL)
_LAST_PARAGRAPH = re.compile(r"<p>(?P<text>(?:(?!<p>).)*?)</p>\s*$", re.DOTALL)


class PasteError(Exception):
    """Nothing usable in what the editor gave; the message says why."""


def pasted_story_extract(*, text: str = "", url: str = "") -> WireItem:
    """A story from what an editor pasted (a whole HTML page, an HTML fragment or plain
    text), or else from the page at `url`, extracted with trafilatura."""
    url = absolute_http_url(url) if url else ""
    if text.strip():
        if re.search(r"<(html|body|article)\b", text, re.IGNORECASE):
            item = _item_from_page(text, url=url)
        elif re.search(r"</?[a-zA-Z][^>]*>", text):
            item = _item_from_fragment(text, url=url)
        else:
            item = _item_from_text(text)
    elif url:
        fetched = fetch(url, max_bytes=settings.WIRE_MAX_FEED_BYTES, accept=PAGE_ACCEPT)
        item = _item_from_page(fetched.content, url=fetched.url)
    else:
        raise PasteError("Paste the story, or give the address of the original.")
    item.original_url = url or item.original_url
    if not item.title:
        raise PasteError("No title found: put the headline on the first line.")
    if not plain_text(item.body):
        raise PasteError("No story text found.")
    return item


def _item_from_page(page: str | bytes, *, url: str) -> WireItem:
    import trafilatura

    options = {"url": url or None, "include_links": True, "include_tables": True}
    document = trafilatura.bare_extraction(page, with_metadata=True, **options)
    body = trafilatura.extract(page, output_format="html", **options) or ""
    if document is None or not body:
        raise PasteError("No article text found on that page: paste the story instead.")
    item = WireItem(
        title=Truncator(plain_text(document.title or "")).chars(300),
        standfirst=Truncator(plain_text(document.description or "")).chars(600),
        original_byline=Truncator(plain_text(document.author or "")).chars(200),
        original_url=absolute_http_url(document.url or "") if document.url else "",
        photo_url=absolute_http_url(document.image or "", url),
    )
    item.body = _without_leading_title(clean_wire_html(body, base_url=url), item.title)
    if item.standfirst and plain_text(item.body).startswith(item.standfirst[:100]):
        item.standfirst = ""
    if document.date:
        try:
            day = datetime.date.fromisoformat(document.date[:10])
            item.published = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
        except ValueError:
            pass
    item.body, item.copyright_line = _trailing_copyright(item.body)
    return item


def _item_from_fragment(fragment: str, *, url: str) -> WireItem:
    body = clean_wire_html(fragment, base_url=url)
    item = WireItem()
    heading = _HEADING.match(body) or _FIRST_PARAGRAPH.match(body)
    if heading and len(plain_text(heading.group("text"))) <= 300:
        item.title = plain_text(heading.group("text"))
        body = body[heading.end() :].strip()
    item.body, item.copyright_line = _trailing_copyright(body)
    return item


def _item_from_text(text: str) -> WireItem:
    """Plain text: headline on the first line; "caption / Credit" and "(C)Agency 2021"
    lines become the photo caption and credit and the copyright line."""
    lines = [line.strip() for line in text.strip().splitlines()]
    item = WireItem(title=Truncator(lines[0]).chars(300))
    blocks = [b.strip() for b in re.split(r"\n\s*\n", "\n".join(lines[1:])) if b.strip()]
    if blocks and _COPYRIGHT_LINE.match(blocks[-1]) and len(blocks[-1]) <= 200:
        item.copyright_line = blocks.pop()
    for index, block in enumerate(blocks[:3]):
        match = _CAPTION_CREDIT.match(block)
        if match and "\n" not in block:
            item.photo_caption = match.group("caption").strip()
            item.photo_credit = match.group("credit").strip()
            del blocks[index]
            break
    item.body = clean_wire_html(text_to_html("\n\n".join(blocks)))
    return item


def _without_leading_title(body: str, title: str) -> str:
    heading = _HEADING.match(body)
    if heading and plain_text(heading.group("text")) == title:
        return body[heading.end() :].strip()
    return body


def _trailing_copyright(body: str) -> tuple[str, str]:
    last = _LAST_PARAGRAPH.search(body)
    if last:
        text = plain_text(last.group("text"))
        if _COPYRIGHT_LINE.match(text) and len(text) <= 200:
            return body[: last.start()].strip(), text
    return body, ""


def pasted_story_create(*, source: Source, item: WireItem, editor) -> tuple[Article, bool]:
    """A draft from a pasted story, attributed to `source`; or the article already on the
    site with the same original link (and False)."""
    if item.original_url:
        existing = Article.objects.filter(original_url=item.original_url).first()
        if existing is not None:
            return existing, False
    article = _article_create(source=source, item=item, may_publish=False, author=editor)
    return article, True
