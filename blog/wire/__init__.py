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

One module per step: `markup` (links and HTML), `fetch`, `parse` (feeds), `reports`,
`importing`, `updates` (held for review) and `paste` (pasted stories). The names callers
use are re-exported here.
"""

from blog.wire.fetch import FEED_ACCEPT, PAGE_ACCEPT, Fetched, FetchError, fetch, photo_download
from blog.wire.importing import feed_import, item_import, wire_import
from blog.wire.markup import (
    absolute_http_url,
    clean_wire_html,
    plain_text,
    text_to_html,
    url_without_tracking,
)
from blog.wire.parse import CONTENT_FIELDS, FeedError, ParsedFeed, WireItem, parse_feed
from blog.wire.paste import PasteError, pasted_story_create, pasted_story_extract
from blog.wire.reports import OUTCOMES, FeedReport, ImportSummary, ItemReport
from blog.wire.updates import wire_update_apply, wire_update_changes, wire_update_dismiss

__all__ = [
    "CONTENT_FIELDS",
    "FEED_ACCEPT",
    "OUTCOMES",
    "PAGE_ACCEPT",
    "FeedError",
    "FeedReport",
    "FetchError",
    "Fetched",
    "ImportSummary",
    "ItemReport",
    "ParsedFeed",
    "PasteError",
    "WireItem",
    "absolute_http_url",
    "clean_wire_html",
    "feed_import",
    "fetch",
    "item_import",
    "parse_feed",
    "pasted_story_create",
    "pasted_story_extract",
    "photo_download",
    "plain_text",
    "text_to_html",
    "url_without_tracking",
    "wire_import",
    "wire_update_apply",
    "wire_update_changes",
    "wire_update_dismiss",
]
