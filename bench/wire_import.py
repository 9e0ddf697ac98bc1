"""Wire import throughput: a feed of N items served on 127.0.0.1, imported new, re-imported
unchanged (full GET), and answered 304 (conditional GET). Time and queries per item."""

import logging
import time

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_httpserver import HTTPServer

from blog.models import Article, Source, SourceFeed
from blog.wire import wire_import

ITEM = """<item><title>Story {n}: talks resume in Istanbul</title>
<link>https://www.agency.example/world/story-{n}.html?utm_source=rss</link>
<guid isPermaLink="false">story-{n}</guid><pubDate>Mon, 06 May 2024 10:{m:02d}:00 GMT</pubDate>
<dc:creator>Agency correspondent</dc:creator>
<description>Delegations met for the first time in months ({n}).</description>
<content:encoded><![CDATA[{body}]]></content:encoded>
<media:content url="https://images.agency.example/{n}.jpg" medium="image">
<media:description>Delegates at the table</media:description><media:credit>Reuters</media:credit>
</media:content></item>"""
BODY = "".join(
    f'<p>Paragraph {p} with <a href="/world/link-{p}?fbclid=x">a link</a> and some text '
    "about the talks, the delegations and what comes next.</p>"
    for p in range(8)
)


def feed(size: int) -> str:
    items = "".join(ITEM.format(n=n, m=n % 60, body=BODY) for n in range(size))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Agency</title>'
        f"<link>https://www.agency.example/</link>{items}</channel></rss>"
    )


def measure(label: str, size: int) -> list[str]:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        summary = wire_import()
    seconds = time.perf_counter() - started
    outcome = ", ".join(f"{n} {o}" for o, n in summary.totals.items() if n) or "not modified"
    return [
        str(size),
        label,
        outcome,
        f"{seconds:.3f}",
        f"{size / seconds:.0f}",
        str(len(queries)),
        f"{len(queries) / size:.1f}",
    ]


def run() -> None:
    # The per-feed log lines and the test server's access log would bury the table.
    logging.getLogger("blog.wire").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    settings.WIRE_DOWNLOAD_IMAGES = False
    settings.WIRE_MAX_FEED_BYTES = 50 * 1024 * 1024
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    rows = []
    try:
        for size in (50, 200):
            Article.objects.all().delete()
            SourceFeed.objects.all().delete()
            Source.objects.all().delete()
            server.clear()
            path = f"/feed-{size}.rss"
            server.expect_request(path, headers={"If-None-Match": '"v1"'}).respond_with_data(
                "", status=304
            )
            server.expect_request(path).respond_with_data(
                feed(size), content_type="application/rss+xml", headers={"ETag": '"v1"'}
            )
            source = Source.objects.create(name="Agency", slug="agency")
            feed_row = SourceFeed.objects.create(source=source, url=server.url_for(path))
            rows.append(measure("first import", size))
            SourceFeed.objects.filter(pk=feed_row.pk).update(etag="")  # force a full GET
            rows.append(measure("again, full GET", size))
            rows.append(measure("again, 304", size))
    finally:
        server.clear()
        server.stop()

    headers = ["items", "run", "outcome", "seconds", "items/s", "queries", "queries/item"]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    print("\nWire import (feed on 127.0.0.1, photos referenced)")
    for row in [headers, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
