"""`manage.py import_wire`: progress, summary table, options, and errors an operator sees."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from blog.management.commands.import_wire import since_parse
from blog.models import Article, SourceFeed
from blog.revisions import article_versions


def run(*args):
    out = StringIO()
    call_command("import_wire", *args, stdout=out)
    return out.getvalue()


def test_it_prints_progress_and_a_summary_table(serve, add_feed):
    url = serve("/unian.rss", "unian_rss.xml")
    add_feed(url)

    output = run()

    lines = output.splitlines()
    assert lines[0] == f"[------------------------] 0/1 UNIAN {url}"
    assert lines[1] == "[########################] 1/1 done"
    header = next(line for line in lines if line.startswith("source"))
    assert header.split() == [
        "source", "feed", "new", "updated", "held", "unchanged", "skipped", "failed", "status",
    ]  # fmt: skip
    row = next(line for line in lines if line.startswith("UNIAN"))
    assert row.split() == ["UNIAN", url, "3", "0", "0", "0", "0", "0", "ok"]
    assert next(line for line in lines if line.startswith("total")).split() == [
        "total", "3", "0", "0", "0", "0", "0",
    ]  # fmt: skip
    assert Article.objects.count() == 3


def test_imported_stories_start_their_history_with_the_agencys_version(serve, add_feed):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    run()
    for article in Article.objects.all():
        versions = article_versions(article)
        assert [v.revision.comment for v in versions] == ["Imported from the agency's feed."]


def test_a_second_run_reports_everything_unchanged(serve, add_feed):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    run()
    row = next(line for line in run().splitlines() if line.startswith("UNIAN"))
    assert row.split()[2:] == ["0", "0", "0", "3", "0", "0", "ok"]


def test_failures_are_listed_with_their_reasons(serve, feed_server, add_feed, make_source):
    feed_server.expect_request("/down.rss").respond_with_data("", status=503)
    add_feed(feed_server.url_for("/down.rss"), make_source("Down agency"))
    add_feed(serve("/odd.rss", "odd_items.xml"))

    output = run()

    down_url = feed_server.url_for("/down.rss")
    assert f"failed: Down agency {down_url}: HTTP 503 SERVICE UNAVAILABLE" in output
    assert "failed: UNIAN “Has neither ID nor link”: no ID and no link" in output
    assert "skipped: UNIAN “Second of two with one ID”: duplicate ID, same as item 4" in output
    down = next(line for line in output.splitlines() if line.startswith("Down agency"))
    assert down.endswith("failed (see below)")


def test_a_malformed_feed_is_flagged_in_the_table_and_explained(serve, add_feed):
    url = serve("/broken.rss", "malformed.xml")
    add_feed(url)
    output = run()
    row = next(line for line in output.splitlines() if line.startswith("UNIAN"))
    assert row.endswith("ok, with warnings: malformed XML")
    assert f"warning: UNIAN {url}: malformed XML, items recovered and kept as drafts:" in output


def test_source_limits_the_run_to_that_source(serve, add_feed, make_source):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    add_feed(serve("/world.atom", "reuters_atom.xml"), make_source("Reuters"))

    output = run("--source", "reuters")

    assert "Reuters" in output and "UNIAN" not in output
    assert set(Article.objects.values_list("source__name", flat=True)) == {"Reuters"}


def test_an_unknown_source_is_an_error_naming_the_known_ones(unian):
    with pytest.raises(CommandError, match=r"No source named 'AFP' \(sources: UNIAN\)"):
        run("--source", "AFP")


def test_a_source_without_feeds_is_reported(unian):
    output = run("--source", "UNIAN")
    assert "UNIAN has no active feed." in output
    assert "No feed to import." in output


def test_a_dry_run_says_so_and_saves_nothing(serve, add_feed):
    feed = add_feed(serve("/unian.rss", "unian_rss.xml"))
    output = run("--dry-run")
    assert output.splitlines()[2] == "Dry run: nothing was changed."
    assert next(line for line in output.splitlines() if line.startswith("UNIAN")).split()[2] == "3"
    assert Article.objects.count() == 0
    feed.refresh_from_db()
    assert feed.last_checked_at is None


def test_since_skips_older_items(serve, add_feed):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    output = run("--since", "2021-10-21T16:00+03:00")
    assert "“NATO-Russia Relations Reached Bottom – Stoltenberg”: published before" in output
    assert Article.objects.count() == 2


def test_due_skips_feeds_checked_within_their_interval(serve, add_feed):
    feed = add_feed(serve("/unian.rss", "unian_rss.xml"))
    SourceFeed.objects.filter(pk=feed.pk).update(
        next_check_at=timezone.now() + datetime.timedelta(minutes=10)
    )
    assert "No feed to import." in run("--due")
    assert Article.objects.count() == 0


def test_a_bad_since_is_an_error():
    with pytest.raises(CommandError, match="--since 'yesterday': give a date"):
        since_parse("yesterday")


@pytest.mark.parametrize(
    ("value", "age"),
    [
        ("30m", datetime.timedelta(minutes=30)),
        ("12h", datetime.timedelta(hours=12)),
        ("2d", datetime.timedelta(days=2)),
        ("1w", datetime.timedelta(weeks=1)),
    ],
)
def test_since_accepts_ages(value, age):
    assert abs(timezone.now() - age - since_parse(value)) < datetime.timedelta(seconds=5)


def test_since_accepts_dates_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    assert since_parse("2024-05-01") == datetime.datetime(2024, 4, 30, 21, 0, tzinfo=datetime.UTC)
