"""Wire import: agency RSS/Atom feeds and pasted stories become attributed drafts.

Reading (`fetch`, `parse_feed`, `pasted_story_extract`) turns what an agency publishes into
`WireItem`s: sanitized HTML with absolute links and no tracking parameters, the original
link, byline, date, photo with caption and credit. Writing (`wire_import`, `feed_import`,
`item_import`, `pasted_story_create`, `wire_update_apply`, `wire_update_dismiss`) turns items
into `Article`s, one database transaction per item, and reports each outcome.

An imported article remembers the story as imported (`wire_snapshot`). When the agency
updates the story, a draft nobody has touched is updated; an article an editor has edited or
published is left alone and the update waits in `wire_update` for the editor to apply or
dismiss in the admin.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import logging
import re
import time
import xml.sax
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser
import nh3
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import Truncator, capfirst, slugify
from lxml import etree

from blog.media import image_from_wire_photo
from blog.models import Article, Source, SourceFeed
from blog.sanitize import ARTICLE_ATTRIBUTES, ARTICLE_TAGS, sanitize_article_html

log = logging.getLogger(__name__)

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
OUTCOMES = ("new", "updated", "held", "unchanged", "skipped", "failed")

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

# Click and campaign identifiers that agencies and newsletters append to links.
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id",
    "oly_enc_id", "vero_id", "rb_clickid", "s_cid", "ocid", "cmpid",
}  # fmt: skip
MEDIA_NS = "http://search.yahoo.com/mrss/"
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}

_COPYRIGHT_LINE = re.compile(r"^\s*(\(c\)|©|copyright\b)", re.IGNORECASE)
# "Relations have reached bottom, Stoltenberg shares / Reuters": a caption and its credit.
_CAPTION_CREDIT = re.compile(r"^(?P<caption>.{3,400}?)\s+/\s+(?P<credit>[^/\s][^/]{1,60})$")
_HEADING = re.compile(r"^\s*<h[1-3]>(?P<text>.*?)</h[1-3]>", re.DOTALL)
_FIRST_PARAGRAPH = re.compile(r"^\s*<p>(?P<text>.*?)</p>", re.DOTALL)
_LAST_PARAGRAPH = re.compile(r"<p>(?P<text>(?:(?!<p>).)*?)</p>\s*$", re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|figcaption|td|th)>|<br\s*/?>", re.I)
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


# --- Links and HTML ------------------------------------------------------------------------


def url_without_tracking(url: str) -> str:
    """`url` without utm_* and click-ID query parameters (the rest kept as it was)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [
        (name, value)
        for name, value in query
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMETERS
    ]
    if len(kept) == len(query):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def absolute_http_url(url: str, base: str = "") -> str:
    """`url` made absolute against `base`, if it is http(s); "" for anything else."""
    url = (url or "").strip()
    if not url:
        return ""
    absolute = urljoin(base, url) if base else url
    if urlsplit(absolute).scheme not in ("http", "https") or not urlsplit(absolute).netloc:
        return ""
    return url_without_tracking(absolute)


def clean_wire_html(markup: str, *, base_url: str = "") -> str:
    """Article HTML from an agency: sanitized (as every article body is), links and image
    sources absolute against `base_url`, tracking parameters dropped."""

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in ("href", "src", "cite"):
            return value
        value = value.strip()
        if value.startswith("#") or value.lower().startswith("mailto:"):
            return value
        return absolute_http_url(value, base_url) or None

    cleaned = nh3.clean(
        markup or "",
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        attribute_filter=rewrite,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    # Removed scripts, iframes and forms leave runs of blank lines behind.
    return sanitize_article_html(re.sub(r"\n\s*\n", "\n", cleaned))


def plain_text(markup: str) -> str:
    """Text of an HTML snippet (or of text with entities), on one line; the content of
    scripts and styles is dropped, and blocks stay apart."""
    spaced = _BLOCK_END.sub(" ", markup or "")
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


def text_to_html(text: str) -> str:
    """Plain text as paragraphs: blank lines separate them, single newlines become <br>."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in block.splitlines()) + "</p>"
        for block in blocks
    )


# --- Fetching ------------------------------------------------------------------------------


class FetchError(Exception):
    """An address could not be read; the message says why, for an editor."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def _size(limit: int) -> str:
    return filesizeformat(limit).replace("\xa0", " ")


def fetch(
    url: str, *, max_bytes: int, accept: str = "*/*", etag: str = "", last_modified: str = ""
) -> Fetched:
    """GET `url` with the site's timeout, reading at most `max_bytes`; with `etag` or
    `last_modified`, a conditional GET (a 304 answer gives `not_modified`)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError("only http:// and https:// addresses can be fetched")
    timeout = settings.WIRE_FETCH_TIMEOUT
    headers = {"User-Agent": settings.WIRE_USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # requests' timeout bounds each read, not the whole body: a server trickling bytes
    # must not hold an import forever.
    deadline = time.monotonic() + timeout
    try:
        with requests.get(
            url, headers=headers, timeout=(timeout, timeout), stream=True, allow_redirects=True
        ) as response:
            if response.status_code == 304:
                return Fetched(
                    url=response.url, etag=etag, last_modified=last_modified, not_modified=True
                )
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason}".strip())
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"the response is larger than {_size(max_bytes)}")
            chunks, received = [], 0
            for chunk in response.iter_content(64 * 1024):
                received += len(chunk)
                if received > max_bytes:
                    raise FetchError(f"the response is larger than {_size(max_bytes)}")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s")
                chunks.append(chunk)
            return Fetched(
                url=response.url,
                content=b"".join(chunks),
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", "")[:300],
                last_modified=response.headers.get("Last-Modified", "")[:100],
            )
    except requests.Timeout:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except requests.ConnectionError as exc:
        reason = _ERRNO.search(str(exc))
        raise FetchError(
            f"could not connect ({reason.group(0) if reason else 'connection failed'})"
        ) from None
    except requests.RequestException as exc:
        raise FetchError(f"the request failed ({exc.__class__.__name__})") from None


def photo_download(url: str) -> ContentFile:
    """The image at `url` as a file to store, checked to be a JPEG, PNG, GIF or WebP."""
    from PIL import Image

    fetched = fetch(url, max_bytes=settings.WIRE_MAX_IMAGE_BYTES, accept="image/*")
    try:
        with Image.open(BytesIO(fetched.content)) as image:
            image.verify()
            extension = IMAGE_FORMATS.get(image.format or "")
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, bomb errors)
        raise FetchError("the photo is not an image") from None
    if not extension:
        raise FetchError("the photo is in an unsupported format")
    stem = slugify(PurePosixPath(urlsplit(fetched.url).path).stem)[:60] or "photo"
    return ContentFile(fetched.content, name=f"{stem}.{extension}")


# --- Reading feeds ---------------------------------------------------------------------------


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


# --- Reports -----------------------------------------------------------------------------------


@dataclass
class ItemReport:
    outcome: str  # one of OUTCOMES
    title: str
    reason: str = ""
    article_id: int | None = None


@dataclass
class FeedReport:
    source: str
    url: str
    status: str = "ok"  # "ok", "not modified" or "failed"
    reason: str = ""
    items: list[ItemReport] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in OUTCOMES}

    @property
    def has_problems(self) -> bool:
        return self.status == "failed" or self.count("failed") > 0

    def describe(self) -> str:
        """One line for an editor: "3 new, 1 unchanged" or "failed: HTTP 500"."""
        if self.status == "failed":
            return f"failed: {self.reason}"
        if self.status == "not modified":
            return "not modified since the last import"
        parts = [f"{number} {outcome}" for outcome, number in self.counts.items() if number]
        text = ", ".join(parts) or "no items"
        return f"{text} ({self.reason})" if self.reason else text


@dataclass
class ImportSummary:
    """What one run did, feed by feed and item by item."""

    feeds: list[FeedReport] = field(default_factory=list)
    sources_without_feeds: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def totals(self) -> dict[str, int]:
        return {outcome: sum(feed.count(outcome) for feed in self.feeds) for outcome in OUTCOMES}

    @property
    def failed_feeds(self) -> int:
        return sum(1 for feed in self.feeds if feed.status == "failed")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportSummary:
        feeds = [
            FeedReport(**{**feed, "items": [ItemReport(**item) for item in feed["items"]]})
            for feed in data["feeds"]
        ]
        return cls(
            feeds=feeds,
            sources_without_feeds=data.get("sources_without_feeds", []),
            dry_run=data.get("dry_run", False),
        )


# --- Importing -------------------------------------------------------------------------------


def wire_import(
    *,
    sources=None,
    due_only: bool = False,
    since: datetime.datetime | None = None,
    dry_run: bool = False,
    progress=None,
) -> ImportSummary:
    """Import the active feeds of `sources` (all sources when None); with `due_only`, only
    feeds whose check interval has elapsed. `progress(done, total, feed)` is called before
    each feed and once at the end (feed None). A failing feed never stops the others."""
    feeds = SourceFeed.objects.filter(is_active=True).select_related("source")
    summary = ImportSummary(dry_run=dry_run)
    if sources is not None:
        sources = list(sources)
        feeds = feeds.filter(source__in=sources)
        with_feeds = set(feeds.values_list("source_id", flat=True))
        summary.sources_without_feeds = [s.name for s in sources if s.pk not in with_feeds]
    if due_only:
        feeds = feeds.due()
    feeds = list(feeds.order_by("source__name", "pk"))
    for done, feed in enumerate(feeds):
        if progress:
            progress(done, len(feeds), feed)
        if due_only and not dry_run and not _feed_claim(feed):
            continue  # another run (a second cron job, a worker) is importing it
        summary.feeds.append(feed_import(feed=feed, since=since, dry_run=dry_run))
    if progress:
        progress(len(feeds), len(feeds), None)
    return summary


def _feed_claim(feed: SourceFeed) -> bool:
    """Move the feed's next check forward, unless another run did so first."""
    now = timezone.now()
    claimed = (
        SourceFeed.objects.due(now)
        .filter(pk=feed.pk)
        .update(next_check_at=now + datetime.timedelta(minutes=feed.interval_minutes))
    )
    return claimed == 1


def feed_import(
    *, feed: SourceFeed, since: datetime.datetime | None = None, dry_run: bool = False
) -> FeedReport:
    """Fetch one feed (conditional GET) and import its items; record how it went."""
    report = FeedReport(source=feed.source.name, url=feed.url)
    fetched = None
    try:
        fetched = fetch(
            feed.url,
            max_bytes=settings.WIRE_MAX_FEED_BYTES,
            accept=FEED_ACCEPT,
            etag=feed.etag,
            last_modified=feed.last_modified,
        )
        if fetched.not_modified:
            report.status = "not modified"
        else:
            parsed = parse_feed(fetched.content, url=fetched.url, content_type=fetched.content_type)
            if parsed.malformed:
                report.reason = (
                    f"malformed XML, items recovered and kept as drafts: {parsed.malformed}"
                )
            _items_import(feed.source, parsed, report, since=since, dry_run=dry_run)
    except (FetchError, FeedError) as exc:
        report.status, report.reason = "failed", str(exc)
    except Exception as exc:  # a fault in one feed must not stop the others
        log.exception("Wire import of %s failed unexpectedly", feed.url)
        report.status, report.reason = "failed", f"unexpected error ({exc.__class__.__name__})"
    if report.has_problems:
        log.warning("Wire feed %s (%s): %s", feed.url, feed.source.name, report.describe())
    else:
        log.info("Wire feed %s (%s): %s", feed.url, feed.source.name, report.describe())
    if not dry_run:
        try:
            _feed_record(feed, report, fetched)
        except Exception:  # the report still reaches the editor; the next feed still runs
            log.exception("Could not record the import of %s", feed.url)
    return report


def _items_import(source, parsed: ParsedFeed, report: FeedReport, *, since, dry_run) -> None:
    first_seen: dict[str, int] = {}
    matched: set[int] = set()
    for position, item in enumerate(parsed.items, start=1):
        title = item.title or "(untitled)"
        if item.guid and item.guid in first_seen:
            result = ItemReport(
                "skipped", title, f"duplicate ID, same as item {first_seen[item.guid]}"
            )
        elif since and item.published and item.published < since:
            result = ItemReport("skipped", title, "published before --since")
        else:
            first_seen.setdefault(item.guid, position)
            try:
                result = item_import(
                    source=source,
                    item=item,
                    dry_run=dry_run,
                    may_publish=not parsed.malformed,
                    matched=matched,
                )
            except Exception as exc:  # the item's transaction is rolled back; go on
                log.exception("Wire item %r of %s could not be saved", item.guid, report.url)
                result = ItemReport("failed", title, f"not saved ({exc.__class__.__name__})")
        if result.outcome == "failed":
            log.warning("Wire item %r of %s failed: %s", title, report.url, result.reason)
        report.items.append(result)


def _feed_record(feed: SourceFeed, report: FeedReport, fetched: Fetched | None) -> None:
    now = timezone.now()
    feed.last_checked_at = now
    feed.next_check_at = now + datetime.timedelta(minutes=feed.interval_minutes)
    feed.last_outcome = {
        "ok": SourceFeed.Outcome.OK,
        "not modified": SourceFeed.Outcome.NOT_MODIFIED,
        "failed": SourceFeed.Outcome.FAILED,
    }[report.status]
    feed.last_message = Truncator(report.describe()).chars(500)
    if fetched and not fetched.not_modified:
        # Keep the validators only when the feed was read and every item went in: otherwise
        # a 304 next time would hide the fault, and the failed items would not be retried.
        ok = report.status == "ok" and report.count("failed") == 0
        feed.etag = fetched.etag if ok else ""
        feed.last_modified = fetched.last_modified if ok else ""
    feed.save(
        update_fields=[
            "last_checked_at",
            "next_check_at",
            "last_outcome",
            "last_message",
            "etag",
            "last_modified",
        ]
    )


def item_import(
    *,
    source: Source,
    item: WireItem,
    dry_run: bool = False,
    may_publish: bool = True,
    matched: set[int] | None = None,
) -> ItemReport:
    """Create, update, or hold for review the article of one feed item (de-duplicated by
    its ID, then by its original link). `matched` collects the articles already matched in
    this run, so two items of one feed never fight over one article."""
    matched = set() if matched is None else matched
    if not item.guid:
        return ItemReport(
            "failed", item.title or "(untitled)", "no ID and no link: it cannot be de-duplicated"
        )
    if not item.title:
        text = plain_text(item.body)
        if not text:
            return ItemReport("failed", "(untitled)", "no title and no text")
        item.title = Truncator(text).words(12)
        item.notes.append("no title: its first words are used")
    notes = "; ".join(item.notes)

    article = _article_for_item(source, item)
    if article is not None and article.pk in matched:
        return ItemReport("skipped", item.title, "same original link as an earlier item")
    if article is None:
        if dry_run:
            return ItemReport("new", item.title, notes)
        article = _article_create(source=source, item=item, may_publish=may_publish)
        matched.add(article.pk)
        return ItemReport("new", item.title, "; ".join(item.notes), article.pk)
    matched.add(article.pk)

    incoming = item.content()
    if article.wire_snapshot is None:
        # Written or pasted by an editor before the feed carried it: link it, touch nothing.
        if not dry_run:
            article.wire_snapshot = incoming
            article.wire_guid = article.wire_guid or item.guid
            article.save(update_fields=["wire_snapshot", "wire_guid"])
        return ItemReport("unchanged", item.title, "already on the site, linked", article.pk)
    pending = (article.wire_update or {}).get("content")
    if incoming == article.wire_snapshot or incoming == pending:
        return ItemReport("unchanged", item.title, "", article.pk)

    if article.status == Article.Status.PUBLISHED or _is_edited(article):
        why = "published" if article.status == Article.Status.PUBLISHED else "edited by an editor"
        if not dry_run:
            article.wire_update = {"content": incoming, "received_at": timezone.now().isoformat()}
            article.save(update_fields=["wire_update"])
        return ItemReport("held", item.title, f"{why}: the update waits for review", article.pk)

    if not dry_run:
        _article_update(article, incoming, guid=item.guid)
    return ItemReport("updated", item.title, notes, article.pk)


def _article_for_item(source: Source, item: WireItem) -> Article | None:
    article = Article.objects.filter(source=source, wire_guid=item.guid).first()
    if article is None and item.original_url:
        article = (
            Article.objects.filter(original_url=item.original_url)
            .filter(Q(source=source) | Q(source__isnull=True))
            .order_by("pk")
            .first()
        )
    return article


def _content_of(article: Article) -> dict[str, str]:
    return {name: getattr(article, name) for name in CONTENT_FIELDS}


def _is_edited(article: Article) -> bool:
    """Has an editor changed the story since it was imported? Saving the admin form
    unchanged is no edit: browsers send text areas back with CRLF line ends."""

    def normalized(content: dict) -> dict:
        return {
            name: (content.get(name) or "").replace("\r\n", "\n").strip() for name in CONTENT_FIELDS
        }

    return normalized(_content_of(article)) != normalized(article.wire_snapshot or {})


def _photo_for(item_photo_url: str, notes: list[str]) -> ContentFile | None:
    """The photo to store locally, when the site downloads photos (else None)."""
    if not (settings.WIRE_DOWNLOAD_IMAGES and item_photo_url):
        return None
    try:
        return photo_download(item_photo_url)
    except FetchError as exc:
        notes.append(f"photo not downloaded ({exc}), the agency's address is used")
        return None


def _save_with_photo(article: Article, photo: ContentFile | None) -> None:
    """Save the article (and its photo file) in one transaction; no file left behind."""
    try:
        with transaction.atomic():
            if photo is not None:
                article.featured_image = image_from_wire_photo(photo, article=article)
            article.save()
            # The snapshot is the article as saved (body sanitized by Article.save).
            article.wire_snapshot = _content_of(article)
            article.save(update_fields=["wire_snapshot"])
    except Exception:
        if photo is not None and article.featured_image:
            article.featured_image.file.delete(save=False)
        raise


def _article_create(*, source: Source, item: WireItem, may_publish: bool, author=None) -> Article:
    # Network before the transaction: SQLite's write lock is held for the whole of it.
    photo = _photo_for(item.photo_url, item.notes)
    now = timezone.now()
    published = min(item.published, now) if item.published else now
    article = Article(
        source=source,
        wire_guid=item.guid,
        slug=_unique_slug(item.title, item.guid or item.original_url or item.title),
        author=author,
        copyright_line=item.copyright_line or source.copyright_for(published.year),
        **item.content(),
    )
    if source.publish_on_import and may_publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = published
    with transaction.atomic():
        _save_with_photo(article, photo)
        if source.default_category_id:
            article.categories.add(source.default_category_id)
    return article


def _article_update(article: Article, content: dict[str, str], *, guid: str = "") -> None:
    photo = None
    if content["photo_url"] != article.photo_url:
        photo = _photo_for(content["photo_url"], [])
    for name, value in content.items():
        setattr(article, name, value)
    article.wire_guid = article.wire_guid or guid
    article.wire_update = None
    _save_with_photo(article, photo)


def _unique_slug(title: str, key: str) -> str:
    base = slugify(title)[:80].strip("-")
    # Same title as another story, or one slugify cannot spell (Cyrillic, for instance): a
    # suffix from the item's ID, stable across runs, then a counter.
    suffixed = f"{base or 'wire-story'}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    candidates = [base, suffixed] if base else [suffixed]
    taken = set(
        Article.objects.filter(slug__startswith=base or "wire-story").values_list("slug", flat=True)
    )
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    number = 2
    while f"{suffixed}-{number}" in taken:
        number += 1
    return f"{suffixed}-{number}"


# --- Agency updates held for review ------------------------------------------------------------


def wire_update_changes(*, article: Article) -> list[tuple[str, str, str]]:
    """(field label, on the site, in the agency's update) for each field the update changes."""
    content = (article.wire_update or {}).get("content", {})
    changes = []
    for name in CONTENT_FIELDS:
        if name in content and content[name] != getattr(article, name):
            label = capfirst(Article._meta.get_field(name).verbose_name)
            current, new = getattr(article, name), content[name]
            if name == "body":
                current, new = plain_text(current), plain_text(new)
            changes.append((label, current, new))
    return changes


def wire_update_apply(*, article: Article) -> Article:
    """Replace the article's story with the agency's update held for review."""
    content = (article.wire_update or {}).get("content")
    if content:
        _article_update(article, content)
    return article


def wire_update_dismiss(*, article: Article) -> Article:
    """Keep the article as it is; the same update will not be offered again."""
    content = (article.wire_update or {}).get("content")
    if content:
        article.wire_snapshot = content
        article.wire_update = None
        article.save(update_fields=["wire_snapshot", "wire_update"])
    return article


# --- Pasted stories -------------------------------------------------------------------------


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
