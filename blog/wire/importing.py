"""Importing feed items as articles, one database transaction per item.

An imported article remembers the story as imported (`wire_snapshot`). When the agency
updates the story, a draft nobody has touched is updated; an article an editor has edited or
published is left alone and the update waits in `wire_update` (see `blog.wire.updates`).
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator, slugify

from blog.media import image_from_wire_photo
from blog.models import Article, Source, SourceFeed
from blog.wire.fetch import FEED_ACCEPT, Fetched, FetchError, fetch, photo_download
from blog.wire.markup import plain_text
from blog.wire.parse import CONTENT_FIELDS, FeedError, ParsedFeed, WireItem, parse_feed
from blog.wire.reports import FeedReport, ImportSummary, ItemReport

log = logging.getLogger(__name__)


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
        try:
            article = _article_create(source=source, item=item, may_publish=may_publish)
        except IntegrityError:
            # Another run (a second node, an editor's "Import now") saved this item, or a
            # story with the same slug, between our look-up and our insert; its transaction
            # (a savepoint inside an outer one) is rolled back.
            article = _article_for_item(source, item)
            if article is None:  # the slug was taken: a fresh one, once
                article = _article_create(source=source, item=item, may_publish=may_publish)
            else:
                matched.add(article.pk)
                return ItemReport(
                    "unchanged", item.title, "imported by another run at the same time", article.pk
                )
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
