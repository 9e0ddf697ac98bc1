"""Importing agency feeds served over real HTTP: drafts, attribution, cleaning, faults."""

import base64
import datetime
import socket
import threading
import time

import pytest
from django.db import DatabaseError
from django.utils import timezone
from werkzeug import Response

from blog import wire
from blog.models import Article, SourceFeed

RSS_CHANGING = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>UNIAN</title><link>https://www.unian.info/</link>
{items}
</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://www.unian.info/{guid}.html</link>
<guid isPermaLink="false">{guid}</guid><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate>
<description>{text}</description></item>"""

TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def changing_feed(*items):
    return RSS_CHANGING.format(items="".join(ITEM.format(**item) for item in items)).encode()


def outcomes(report):
    return [(item.title, item.outcome) for item in report.items]


def test_rss_items_become_attributed_drafts(serve, add_feed, unian, world):
    unian.default_category = world
    unian.save()
    add_feed(serve("/unian.rss", "unian_rss.xml"))

    summary = wire.wire_import()

    assert summary.totals == {
        "new": 3,
        "updated": 0,
        "held": 0,
        "unchanged": 0,
        "skipped": 0,
        "failed": 0,
    }
    article = Article.objects.get(wire_guid="unian-11607183")
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.title == "NATO-Russia Relations Reached Bottom – Stoltenberg"
    assert article.standfirst.startswith("The alliance remains open to dialogue")
    assert (
        "<blockquote>“We remain open to dialogue,” Stoltenberg said.</blockquote>" in article.body
    )
    assert article.source == unian
    assert article.original_url == (
        "https://www.unian.info/world/nato-russia-relations-reached-bottom.html?id=11607183"
    )
    assert article.original_byline == "UNIAN correspondent, Brussels"
    assert article.copyright_line == "(C)UNIAN 2021"
    assert article.photo_url == "https://images.unian.info/photos/stoltenberg.jpg"
    assert article.photo_caption == (
        "Relations between NATO and Russia have reached “bottom”, Jens Stoltenberg shares"
    )
    assert article.photo_credit == "Reuters"
    assert list(article.categories.all()) == [world]
    enclosure = Article.objects.get(title="Ukraine receives new air defence systems")
    assert enclosure.photo_url == "https://images.unian.info/photos/air-defence.jpg"
    assert enclosure.body == "<p>Two more batteries arrived, the ministry said.</p>"


def test_links_in_stories_are_absolute_and_free_of_tracking(serve, add_feed):
    url = serve("/unian.rss", "unian_rss.xml")
    add_feed(url)
    wire.wire_import()
    body = Article.objects.get(wire_guid="unian-11607183").body
    unian_link = url.replace("/unian.rss", "/tag/unian")
    assert f'<a href="{unian_link}" rel="nofollow noopener">UNIAN</a>' in body
    assert "fbclid" not in body and "utm_" not in body


def test_atom_entries_are_imported_relative_to_their_base(serve, add_feed, make_source):
    reuters = make_source("Reuters", copyright_notice="© Reuters {year}")
    add_feed(serve("/world.atom", "reuters_atom.xml", content_type="application/atom+xml"), reuters)

    summary = wire.wire_import()

    assert summary.totals["new"] == 2
    talks = Article.objects.get(wire_guid="tag:reuters.example,2024:talks-istanbul")
    assert talks.title == "Talks in Istanbul resume"
    assert talks.original_url == (
        "https://www.reuters.example/world/europe/talks-istanbul-2024-05-02/"
    )
    assert talks.original_byline == "Jane Doe"
    assert talks.standfirst == "Delegations met for the first time in months."
    assert 'href="https://www.reuters.example/cities/istanbul/"' in talks.body
    assert 'src="https://www.reuters.example/img/talks.jpg"' in talks.body
    assert talks.photo_url == "https://www.reuters.example/img/talks-thumb.jpg"
    assert talks.photo_credit == "Reuters/John Smith"
    assert talks.copyright_line == "© Reuters 2024"
    markets = Article.objects.get(title="Markets open higher")
    assert markets.body == "<p>Stocks rose at the open.</p><p>Oil was flat.</p>"


def test_rss_1_0_feeds_are_imported(serve, add_feed):
    add_feed(serve("/rdf", "rdf_rss10.xml", content_type="application/rdf+xml"))
    wire.wire_import()
    article = Article.objects.get()
    assert (article.title, article.original_byline) == ("An RSS 1.0 story", "Agency staff")
    assert article.original_url == "https://agency.example/story/1"


def test_running_the_import_again_changes_nothing(serve, add_feed):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    wire.wire_import()
    before = {a.pk: (a.updated_at, a.body) for a in Article.objects.all()}

    summary = wire.wire_import()

    assert summary.totals["unchanged"] == 3
    assert summary.totals["new"] == summary.totals["updated"] == 0
    assert {a.pk: (a.updated_at, a.body) for a in Article.objects.all()} == before


def test_hostile_html_is_sanitized_and_the_story_kept(serve, add_feed, client, editor):
    add_feed(serve("/hostile.rss", "hostile.xml"))

    summary = wire.wire_import()

    assert summary.totals["new"] == 1
    article = Article.objects.get()
    assert article.title == "Breaking news"
    assert article.original_url == ""  # javascript: is no link
    for danger in ("<script", "onclick", "onmouseover", "onerror", "javascript:", "<iframe",
                   "<style", "<form", "<input", "data:image", "gclid", "steal()"):  # fmt: skip
        assert danger not in article.body, danger
    assert '<a href="https://hostile.example/more?page=2" rel="nofollow noopener">more</a>' in (
        article.body
    )
    client.force_login(editor)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "steal()" not in page and "evil.example" not in page


def test_entities_declared_by_a_feed_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    feed = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>x</title><item><title>XXE &xxe;</title>
<guid>xxe-1</guid><description>Body &xxe;</description></item></channel></rss>""".encode()

    parsed = wire.parse_feed(feed, url="https://x.example/rss")

    assert all("TOP-SECRET" not in str(item) for item in parsed.items)


def test_a_changed_item_updates_the_untouched_draft(serve, add_feed, feed_server):
    url = serve("/live.rss", changing_feed({"guid": "a", "title": "First take", "text": "v1"}))
    add_feed(url)
    wire.wire_import()
    feed_server.clear()
    serve(
        "/live.rss",
        changing_feed(
            {"guid": "a", "title": "First take, updated", "text": "v2"},
            {"guid": "b", "title": "Another story", "text": "new"},
        ),
    )

    report = wire.wire_import().feeds[0]

    assert outcomes(report) == [("First take, updated", "updated"), ("Another story", "new")]
    article = Article.objects.get(wire_guid="a")
    assert (article.title, article.body, article.wire_update) == ("First take, updated", "v2", None)
    assert Article.objects.count() == 2


def test_an_edited_draft_is_not_overwritten_and_the_update_waits(serve, add_feed, feed_server):
    add_feed(serve("/live.rss", changing_feed({"guid": "a", "title": "Take", "text": "v1"})))
    wire.wire_import()
    article = Article.objects.get()
    article.body = "<p>The editor's version.</p>"
    article.save()
    feed_server.clear()
    serve("/live.rss", changing_feed({"guid": "a", "title": "Take", "text": "v2"}))

    first, second = wire.wire_import().feeds[0], wire.wire_import().feeds[0]

    assert outcomes(first) == [("Take", "held")]
    assert first.items[0].reason == "edited by an editor: the update waits for review"
    assert outcomes(second) == [("Take", "unchanged")]
    article.refresh_from_db()
    assert article.body == "<p>The editor's version.</p>"
    assert article.wire_update["content"]["body"] == "v2"
    assert wire.wire_update_changes(article=article) == [("Body", "The editor's version.", "v2")]

    wire.wire_update_apply(article=article)

    article.refresh_from_db()
    assert (article.body, article.wire_update) == ("v2", None)
    assert wire.wire_import().feeds[0].items[0].outcome == "unchanged"


def test_a_published_article_is_not_overwritten(serve, add_feed, feed_server):
    add_feed(serve("/live.rss", changing_feed({"guid": "a", "title": "Take", "text": "v1"})))
    wire.wire_import()
    Article.objects.update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    feed_server.clear()
    serve("/live.rss", changing_feed({"guid": "a", "title": "Retitled", "text": "v1"}))

    report = wire.wire_import().feeds[0]

    assert outcomes(report) == [("Retitled", "held")]
    article = Article.objects.get()
    assert article.title == "Take"
    assert article.wire_update["content"]["title"] == "Retitled"


def test_a_dismissed_update_is_not_offered_again(serve, add_feed, feed_server):
    add_feed(serve("/live.rss", changing_feed({"guid": "a", "title": "Take", "text": "v1"})))
    wire.wire_import()
    Article.objects.update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    feed_server.clear()
    serve("/live.rss", changing_feed({"guid": "a", "title": "Take", "text": "v2"}))
    wire.wire_import()
    article = Article.objects.get()

    wire.wire_update_dismiss(article=article)

    assert wire.wire_import().feeds[0].items[0].outcome == "unchanged"
    article.refresh_from_db()
    assert (article.body, article.wire_update) == ("v1", None)


def test_a_story_already_on_the_site_is_linked_not_duplicated(serve, add_feed, make_article):
    existing = make_article(
        title="Written by hand",
        original_url="https://www.unian.info/economics/hryvnia.html",
        body="<p>Our own words.</p>",
    )
    add_feed(serve("/unian.rss", "unian_rss.xml"))

    report = wire.wire_import().feeds[0]

    assert ("Hryvnia steady against the dollar", "unchanged") in outcomes(report)
    existing.refresh_from_db()
    assert existing.body == "<p>Our own words.</p>"
    assert existing.wire_guid.endswith("unian-11607301")
    assert Article.objects.count() == 3


def test_a_304_answer_is_reported_as_not_modified(feed_server, serve, add_feed):
    feed_server.expect_request("/cond.rss", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    url = serve("/cond.rss", "unian_rss.xml", headers={"ETag": '"v1"'})
    feed = add_feed(url)

    first, second = wire.wire_import().feeds[0], wire.wire_import().feeds[0]

    assert (first.status, first.count("new")) == ("ok", 3)
    assert (second.status, second.items) == ("not modified", [])
    feed.refresh_from_db()
    assert (feed.etag, feed.last_outcome) == ('"v1"', SourceFeed.Outcome.NOT_MODIFIED)


def test_a_feed_that_failed_is_fetched_whole_next_time(feed_server, serve, add_feed):
    feed_server.expect_request("/page", headers={"If-None-Match": '"p1"'}).respond_with_data(
        "", status=304
    )
    add_feed(serve("/page", "not_a_feed.html", content_type="text/html", headers={"ETag": '"p1"'}))
    wire.wire_import()
    report = wire.wire_import().feeds[0]
    assert report.describe() == "failed: not a feed: the address answers with an HTML page"


def test_last_modified_is_sent_back_on_the_next_run(feed_server, serve, add_feed):
    stamp = "Mon, 06 May 2024 10:00:00 GMT"
    feed_server.expect_request("/lm.rss", headers={"If-Modified-Since": stamp}).respond_with_data(
        "", status=304
    )
    add_feed(serve("/lm.rss", "unian_rss.xml", headers={"Last-Modified": stamp}))
    wire.wire_import()
    assert wire.wire_import().feeds[0].status == "not modified"


def test_a_feed_that_times_out_is_reported_and_others_still_import(
    feed_server, serve, add_feed, make_source
):
    released = threading.Event()

    def too_slow(request):
        # Answers only once the import is over (or after 10 s): an import that waited for
        # the answer would report the feed imported, not timed out.
        released.wait(timeout=10)
        return Response("<rss/>", content_type="application/rss+xml")

    feed_server.expect_request("/slow.rss").respond_with_handler(too_slow)
    slow = make_source("Slow agency")
    add_feed(feed_server.url_for("/slow.rss"), slow)
    add_feed(serve("/unian.rss", "unian_rss.xml"))

    summary = wire.wire_import()
    released.set()

    reports = {report.source: report for report in summary.feeds}
    assert reports["Slow agency"].describe() == "failed: timed out after 0.5 s"
    assert reports["UNIAN"].count("new") == 3
    feed = SourceFeed.objects.get(source=slow)
    assert feed.last_outcome == SourceFeed.Outcome.FAILED
    assert feed.last_message == "failed: timed out after 0.5 s"


def test_a_feed_trickling_bytes_is_cut_off_at_the_timeout(feed_server, add_feed, wire_settings):
    def trickle():
        for _ in range(20):
            time.sleep(0.1)
            yield b" "

    feed_server.expect_request("/drip.rss").respond_with_handler(
        lambda request: Response(trickle(), content_type="application/rss+xml")
    )
    add_feed(feed_server.url_for("/drip.rss"))
    report = wire.wire_import().feeds[0]
    assert report.describe() == "failed: timed out after 0.5 s"


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("status", "reason"),
    [(404, "failed: HTTP 404 NOT FOUND"), (500, "failed: HTTP 500 INTERNAL SERVER ERROR")],
)
def test_http_errors_are_reported(feed_server, add_feed, wire_settings, status, reason):
    feed_server.expect_request("/gone.rss").respond_with_data("no", status=status)
    add_feed(feed_server.url_for("/gone.rss"))
    report = wire.wire_import().feeds[0]
    assert report.describe() == reason
    assert Article.objects.count() == 0


def test_an_unreachable_feed_is_reported(add_feed, wire_settings, caplog):
    add_feed(f"http://127.0.0.1:{_closed_port()}/feed.rss")
    report = wire.wire_import().feeds[0]
    assert report.describe().startswith("failed: could not connect ([Errno 111]")
    assert "could not connect" in caplog.text  # logged, for the operator


def test_a_malformed_feed_imports_what_it_can_as_drafts(serve, add_feed, unian):
    unian.publish_on_import = True
    unian.save()
    add_feed(serve("/broken.rss", "malformed.xml"))

    report = wire.wire_import().feeds[0]

    assert report.status == "ok"
    assert report.reason.startswith("malformed XML, items recovered and kept as drafts")
    assert outcomes(report) == [("A story before the break", "new"), ("(untitled)", "failed")]
    assert report.items[1].reason == "no ID and no link: it cannot be de-duplicated"
    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            "not_a_feed.html",
            "text/html; charset=utf-8",
            "failed: not a feed: the address answers with an HTML page",
        ),
        (
            b"\x00\x01 binary junk",
            "application/octet-stream",
            "failed: not a feed: the XML is malformed (",
        ),
        (
            b'<?xml version="1.0"?>\n<rss version="2.0"><chan',
            "text/xml",
            "failed: not a feed: the XML is malformed (",
        ),
    ],
)
def test_a_response_that_is_no_feed_is_reported(serve, add_feed, body, content_type, reason):
    add_feed(serve("/feed", body, content_type=content_type))
    report = wire.wire_import().feeds[0]
    assert report.describe().startswith(reason)
    assert Article.objects.count() == 0


def test_an_enormous_response_is_refused(serve, add_feed):
    add_feed(serve("/huge.rss", b"<rss>" + b" " * 300_000 + b"</rss>"))
    report = wire.wire_import().feeds[0]
    assert report.describe() == "failed: the response is larger than 195.3 KB"


def test_an_enormous_response_without_a_length_is_cut_off(feed_server, add_feed, wire_settings):
    def endless():
        while True:
            yield b"<item>" + b"x" * 65_536 + b"</item>"

    feed_server.expect_request("/endless.rss").respond_with_handler(
        lambda request: Response(endless(), content_type="application/rss+xml")
    )
    add_feed(feed_server.url_for("/endless.rss"))
    report = wire.wire_import().feeds[0]
    assert report.describe() == "failed: the response is larger than 195.3 KB"


def test_items_without_links_dates_or_ids_are_reported(serve, add_feed):
    add_feed(serve("/odd.rss", "odd_items.xml"))

    report = wire.wire_import().feeds[0]

    assert outcomes(report) == [
        ("Has an ID but no link and no date", "new"),
        ("Has neither ID nor link", "failed"),
        ("Has a link but no ID and no date", "new"),
        ("First of two with one ID", "new"),
        ("Second of two with one ID", "skipped"),
        ("A story without a headline still has words to start with.", "new"),
    ]
    reasons = [item.reason for item in report.items]
    assert reasons[0] == "no link to the original; no date"
    assert reasons[1] == "no ID and no link: it cannot be de-duplicated"
    assert reasons[4] == "duplicate ID, same as item 4"
    assert reasons[5] == "no date; no title: its first words are used"
    assert Article.objects.get(wire_guid="odd-twin").original_url == "https://odd.example/twin-a"
    # A second run finds the same problems and creates nothing twice.
    assert [item.outcome for item in wire.wire_import().feeds[0].items] == [
        "unchanged",
        "failed",
        "unchanged",
        "unchanged",
        "skipped",
        "unchanged",
    ]
    assert Article.objects.count() == 4


def test_a_failing_item_leaves_no_half_created_article(serve, add_feed, monkeypatch):
    original_save = Article.save

    def save_failing_hryvnia(self, *args, **kwargs):
        if self.title.startswith("Hryvnia") and kwargs.get("update_fields"):
            raise DatabaseError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", save_failing_hryvnia)
    feed = add_feed(serve("/unian.rss", "unian_rss.xml", headers={"ETag": '"v1"'}))

    report = wire.wire_import().feeds[0]

    assert report.items[2].outcome == "failed"
    assert report.items[2].reason == "not saved (DatabaseError)"
    assert Article.objects.count() == 2
    assert not Article.objects.filter(title__startswith="Hryvnia").exists()
    feed.refresh_from_db()
    assert feed.etag == ""  # the whole feed is fetched again next time, to retry it


def test_a_source_that_publishes_on_import_publishes_at_the_agencys_time(serve, add_feed, unian):
    unian.publish_on_import = True
    unian.save()
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    wire.wire_import()
    article = Article.objects.get(wire_guid="unian-11607183")
    assert article.is_public
    assert article.published_at == datetime.datetime(2021, 10, 21, 11, 30, tzinfo=datetime.UTC)


def test_since_skips_older_items(serve, add_feed):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    since = datetime.datetime(2021, 10, 21, 13, 0, tzinfo=datetime.UTC)
    report = wire.wire_import(since=since).feeds[0]
    assert [item.outcome for item in report.items] == ["skipped", "new", "new"]
    assert report.items[0].reason == "published before --since"


def test_a_dry_run_changes_nothing(serve, add_feed):
    feed = add_feed(serve("/unian.rss", "unian_rss.xml", headers={"ETag": '"v1"'}))
    summary = wire.wire_import(dry_run=True)
    assert summary.totals["new"] == 3
    assert Article.objects.count() == 0
    feed.refresh_from_db()
    assert (feed.etag, feed.last_checked_at) == ("", None)


def test_due_only_imports_feeds_whose_interval_has_elapsed(serve, add_feed, make_source):
    add_feed(serve("/unian.rss", "unian_rss.xml"), interval_minutes=15)
    reuters = make_source("Reuters")
    later = add_feed(serve("/world.atom", "reuters_atom.xml"), reuters)
    SourceFeed.objects.filter(pk=later.pk).update(
        next_check_at=timezone.now() + datetime.timedelta(minutes=5)
    )

    first = wire.wire_import(due_only=True)
    second = wire.wire_import(due_only=True)

    assert [feed.source for feed in first.feeds] == ["UNIAN"]
    assert second.feeds == []
    unian_feed = SourceFeed.objects.get(source__name="UNIAN")
    assert unian_feed.next_check_at - unian_feed.last_checked_at == datetime.timedelta(minutes=15)


def test_an_item_another_run_saves_meanwhile_is_counted_as_already_imported(
    serve, add_feed, monkeypatch
):
    """Two imports of one feed at once (an editor's "Import now" while the scheduled run
    runs): the other run saves an item between this run's look-up and its insert."""
    add_feed(serve("/feed.rss", changing_feed({"guid": "a", "title": "Raced", "text": "v1"})))
    look_up = wire.importing._article_for_item

    def other_run_saves_it_meanwhile(source, item):
        found = look_up(source, item)
        if found is None:
            wire.importing._article_create(source=source, item=item, may_publish=False)
        return found

    monkeypatch.setattr(wire.importing, "_article_for_item", other_run_saves_it_meanwhile)
    report = wire.wire_import().feeds[0]

    assert outcomes(report) == [("Raced", "unchanged")]
    assert report.items[0].reason == "imported by another run at the same time"
    assert report.items[0].article_id == Article.objects.get(wire_guid="a").pk
    assert report.describe() == "1 unchanged"


def test_a_story_taking_the_slug_meanwhile_gets_the_item_another_slug(
    serve, add_feed, monkeypatch, unian
):
    add_feed(serve("/feed.rss", changing_feed({"guid": "a", "title": "Raced", "text": "v1"})))
    choose_slug = wire.importing._unique_slug

    def another_story_takes_it_meanwhile(title, key):
        slug = choose_slug(title, key)
        if not Article.objects.filter(wire_guid="b").exists():
            Article.objects.create(title="Raced", slug=slug, source=unian, wire_guid="b")
        return slug

    monkeypatch.setattr(wire.importing, "_unique_slug", another_story_takes_it_meanwhile)
    report = wire.wire_import().feeds[0]

    assert outcomes(report) == [("Raced", "new")]
    assert Article.objects.get(wire_guid="a").slug.startswith("raced-")


def test_inactive_feeds_are_not_imported(serve, add_feed):
    add_feed(serve("/unian.rss", "unian_rss.xml"), is_active=False)
    assert wire.wire_import().feeds == []


def test_downloaded_photos_go_into_the_media_library(feed_server, serve, add_feed, wire_settings):
    wire_settings.WIRE_DOWNLOAD_IMAGES = True
    photo = serve("/photos/stoltenberg.png", TINY_PNG, content_type="image/png")
    feed = (
        changing_feed({"guid": "a", "title": "With a photo", "text": "v1"})
        .decode()
        .replace(
            "</item>",
            f'<enclosure url="{photo}" type="image/png" length="70"/></item>',
        )
    )
    add_feed(serve("/photo.rss", feed.encode()))

    wire.wire_import()

    article = Article.objects.get()
    image = article.featured_image
    assert image.file.name.startswith("images/") and image.file.name.endswith(".png")
    assert (image.width, image.height) == (1, 1)
    assert f"UNIAN's feed: {photo}" in image.source_note
    assert article.photo_url == photo


def test_a_photo_that_cannot_be_downloaded_is_referenced(serve, add_feed, wire_settings):
    wire_settings.WIRE_DOWNLOAD_IMAGES = True
    not_an_image = serve("/photos/fake.jpg", b"<html>nope</html>", content_type="image/jpeg")
    feed = changing_feed({"guid": "a", "title": "Photo", "text": "v1"}).replace(
        b"</item>", f'<enclosure url="{not_an_image}" type="image/jpeg"/></item>'.encode()
    )
    add_feed(serve("/photo.rss", feed))

    report = wire.wire_import().feeds[0]

    assert report.items[0].outcome == "new"
    assert "photo not downloaded (the photo is not an image)" in report.items[0].reason
    article = Article.objects.get()
    assert article.featured_image is None and article.photo_url == not_an_image


def test_imported_photo_and_credit_show_on_the_article_page(serve, add_feed, client, editor):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    wire.wire_import()
    article = Article.objects.get(wire_guid="unian-11607183")
    client.force_login(editor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<img src="https://images.unian.info/photos/stoltenberg.jpg"' in html
    assert '<span class="credit">/ Reuters</span>' in html
    assert '<p class="copyright">(C)UNIAN 2021</p>' in html


def test_tracking_parameters_are_dropped_and_the_rest_kept():
    assert (
        wire.url_without_tracking(
            "https://x.example/a?utm_source=rss&id=5&FBCLID=z&gclid=1&page=2#part"
        )
        == "https://x.example/a?id=5&page=2#part"
    )
    assert wire.url_without_tracking("https://x.example/a?q=a%20b") == "https://x.example/a?q=a%20b"


def test_an_unchanged_feed_costs_one_query_per_item(serve, add_feed, django_assert_num_queries):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    wire.wire_import()
    # The feeds, one look-up per item, and the feed's status.
    with django_assert_num_queries(1 + 3 + 1):
        summary = wire.wire_import()
    assert summary.totals["unchanged"] == 3


def test_every_story_gets_an_address_whatever_its_title(serve, add_feed, client, editor):
    add_feed(
        serve(
            "/titles.rss",
            changing_feed(
                {"guid": "a", "title": "Same headline", "text": "one"},
                {"guid": "b", "title": "Same headline", "text": "two"},
                {"guid": "c", "title": "Зеленський зустрівся з Байденом", "text": "три"},
                {"guid": "d", "title": "Зеленський у Вашингтоні", "text": "чотири"},
            ),
        )
    )

    wire.wire_import()

    slugs = dict(Article.objects.values_list("wire_guid", "slug"))
    assert slugs["a"] == "same-headline"
    assert slugs["b"].startswith("same-headline-") and len(slugs["b"]) == len("same-headline-") + 8
    assert slugs["c"].startswith("wire-story-") and slugs["d"].startswith("wire-story-")
    assert len(set(slugs.values())) == 4
    client.force_login(editor)
    for article in Article.objects.all():
        assert client.get(article.get_absolute_url()).status_code == 200
