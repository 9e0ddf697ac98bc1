"""Reading RSS 0.9x/1.0/2.0 and Atom feeds into `WireItem`s."""

from __future__ import annotations

import datetime
import hashlib
import xml.sax
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import feedparser
from django.utils.text import Truncator
from lxml import etree

from blog.wire.markup import absolute_http_url, clean_wire_html, plain_text, text_to_html

# The article fields an import writes, compared to tell an agency's update from an edit.
CONTENT_FIELDS = (
    "title",
    "standfirst",
    "body",
    "original_url",
    "original_byline",
    "photo_url",
    "photo_caption",
    "photo_credit",
)
MEDIA_NS = "http://search.yahoo.com/mrss/"
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}


class FeedError(Exception):
    """A response that holds no feed; the message says why."""


@dataclass
class WireItem:
    """One story as an agency published it, cleaned and ready to become an article."""

    guid: str = ""
    original_url: str = ""
    title: str = ""
    standfirst: str = ""
    body: str = ""
    original_byline: str = ""
    published: datetime.datetime | None = None
    photo_url: str = ""
    photo_caption: str = ""
    photo_credit: str = ""
    copyright_line: str = ""
    notes: list[str] = field(default_factory=list)

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


@dataclass
class ParsedFeed:
    items: list[WireItem]
    # The XML error when the feed is not well-formed and its items were recovered.
    malformed: str = ""


def parse_feed(content: bytes, *, url: str, content_type: str = "") -> ParsedFeed:
    """The items of an RSS 0.9x/1.0/2.0 or Atom document fetched from `url`."""
    parsed = feedparser.parse(
        content,
        response_headers={
            "content-location": url,
            "content-type": content_type or "application/xml",
        },
        # Every piece of HTML goes through nh3 here, relative links included (against the
        # base feedparser records): its own slower sanitizing and resolving are not needed.
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problem = parsed.get("bozo_exception")
    malformed = str(problem) if isinstance(problem, xml.sax.SAXException) else ""
    if not parsed.entries:
        if _looks_like_html(content, content_type):
            raise FeedError("not a feed: the address answers with an HTML page")
        if malformed:
            raise FeedError(f"not a feed: the XML is malformed ({malformed})")
        if not parsed.version:
            raise FeedError("not a feed: no RSS or Atom document found")
    captions = _media_captions(content, base_url=url)
    items = [_item_from_entry(entry, base_url=url, captions=captions) for entry in parsed.entries]
    return ParsedFeed(items=items, malformed=malformed)


def _looks_like_html(content: bytes, content_type: str) -> bool:
    start = content[:1024].lstrip().lower()
    return "html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html"))


def _item_from_entry(entry, *, base_url: str, captions: dict) -> WireItem:
    item = WireItem()
    link = absolute_http_url(entry.get("link", ""), base_url)
    if len(link) > 500:
        item.notes.append("original link longer than 500 characters, left out")
        link = ""
    item.original_url = link
    if not link:
        item.notes.append("no link to the original")
    guid = (entry.get("id") or "").strip() or link
    # Long IDs still identify the item once hashed; the column holds 500 characters.
    item.guid = guid if len(guid) <= 500 else "sha256:" + hashlib.sha256(guid.encode()).hexdigest()

    item.title = Truncator(plain_text(entry.get("title", ""))).chars(300)
    body, summary, html_base = _entry_html(entry)
    item.body = clean_wire_html(body or summary, base_url=html_base or base_url)
    if body and summary:
        standfirst = plain_text(summary)
        if standfirst and not plain_text(item.body).startswith(standfirst[:100]):
            item.standfirst = Truncator(standfirst).chars(600)
    if not plain_text(item.body):
        item.notes.append("no text in the feed item")

    author = entry.get("author_detail", {}).get("name") or entry.get("author", "")
    item.original_byline = Truncator(plain_text(author)).chars(200)

    parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed_time:
        item.published = datetime.datetime(*parsed_time[:6], tzinfo=datetime.UTC)
    else:
        item.notes.append("no date")

    item.photo_url = _entry_photo(entry, base_url=base_url)
    if item.photo_url:
        caption, credit = captions.get(guid) or captions.get(entry.get("link", "")) or ("", "")
        if not credit and entry.get("media_credit"):
            credit = entry["media_credit"][0].get("content", "")
        item.photo_caption = Truncator(caption).chars(500)
        item.photo_credit = Truncator(plain_text(credit)).chars(200)
    return item


def _entry_html(entry) -> tuple[str, str, str]:
    """The item's full text (content:encoded, Atom content) and its summary, as HTML, and
    the base URL of the one used (xml:base, or the feed's address)."""
    body, base = "", ""
    for content in entry.get("content", []):
        value = content.get("value", "")
        if content.get("type") == "text/plain":
            value = text_to_html(value)
        if value.strip():
            body, base = value, content.get("base", "")
            break
    summary = entry.get("summary", "")
    if entry.get("summary_detail", {}).get("type") == "text/plain":
        summary = text_to_html(summary)
    if not body:
        base = entry.get("summary_detail", {}).get("base", "")
    return body, summary, base


def _entry_photo(entry, *, base_url: str) -> str:
    candidates = []
    for media in entry.get("media_content", []):
        kind = media.get("medium") or media.get("type", "").split("/")[0]
        if kind == "image" or (
            not kind
            and PurePosixPath(urlsplit(media.get("url", "")).path).suffix.lower()
            in IMAGE_EXTENSIONS
        ):
            candidates.append(media.get("url", ""))
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and link.get("type", "").startswith("image/"):
            candidates.append(link.get("href", ""))
    candidates += [thumbnail.get("url", "") for thumbnail in entry.get("media_thumbnail", [])]
    for candidate in candidates:
        url = absolute_http_url(candidate, base_url)
        if url and len(url) <= 500:
            return url
    return ""


def _media_captions(content: bytes, *, base_url: str) -> dict[str, tuple[str, str]]:
    """(caption, credit) of each item's Media RSS photo, by item ID and by link.

    feedparser reports media:credit but mixes a photo's media:description into the item's
    summary, so the captions are read here; entities and DTDs are not resolved.
    """
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root is None:
        return {}
    captions = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element).localname not in (
            "item",
            "entry",
        ):
            continue
        caption = _first_media_text(element, "description") or _first_media_text(element, "title")
        credit = _first_media_text(element, "credit")
        if not (caption or credit):
            continue
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name in ("guid", "id") and child.text:
                captions[child.text.strip()] = (caption, credit)
            elif name == "link":
                href = (child.get("href") or child.text or "").strip()
                if href:
                    captions[urljoin(base_url, href)] = (caption, credit)
                    captions[href] = (caption, credit)
    return captions


def _first_media_text(element, name: str) -> str:
    for found in element.iter(f"{{{MEDIA_NS}}}{name}"):
        text = plain_text("".join(found.itertext()))
        if text:
            return text
    return ""
