"""Workers on several nodes at once do no double work: every queued task runs once (django-
tasks-db claims a row with SELECT ... FOR UPDATE SKIP LOCKED), every delivery of a mailing
is sent once (the mailing's lease), the minute announcement check runs on one node at a
time (a lease in the database, comments.models.Lease), and every item of a feed imported by
two nodes at once becomes one article (the feed's claim, and the unique agency item)."""

import contextlib
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from blog.models import Article, SourceFeed
from blog.tasks import wire_import_task
from blog.wire import ImportSummary
from comments.models import Delivery, Lease, Mailing, Subscription
from comments.notifications.services import article_notify, lease_acquire
from comments.notifications.tasks import send_mailing
from tests.cluster.conftest import finished

SUBSCRIBERS = 10
ARTICLES = 4
FEED_ITEMS = 30
FEED_PORT = 8800  # 8801... for the other xdist workers

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>UNIAN</title><link>https://www.unian.info/</link>
{items}
</channel></rss>"""
ITEM = """<item><title>Story {n} of the day</title><link>https://www.unian.info/{n}.html</link>
<guid isPermaLink="false">unian-{n}</guid><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate>
<description>What happened, part {n}.</description></item>"""


@pytest.fixture
def subscribers(db):
    return [
        Subscription.objects.create(
            email=f"sub{n}@example.org", kind=Subscription.Kind.POSTS, confirmed_at=timezone.now()
        )
        for n in range(SUBSCRIBERS)
    ]


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class SlowFeed:
    """An agency's feed of FEED_ITEMS items on 127.0.0.1 that answers each request only once
    a second one has come in (or after `hold` seconds), so two nodes that both fetch it get
    it at the same moment and import its items side by side."""

    def __init__(self, server, hold):
        self.server = server
        self.hold = hold
        self.requests = 0
        self._both_asked = threading.Barrier(2)
        self.url = server.url_for("/unian.rss")
        body = RSS.format(items="".join(ITEM.format(n=n) for n in range(1, FEED_ITEMS + 1)))
        server.expect_request("/unian.rss").respond_with_handler(self._answer(body.encode()))

    def _answer(self, body):
        from werkzeug import Response

        def answer(request):
            self.requests += 1
            # Only one node fetched it (the claim held the other back): answer anyway.
            with contextlib.suppress(threading.BrokenBarrierError):
                self._both_asked.wait(timeout=self.hold)
            return Response(body, content_type="application/rss+xml; charset=utf-8")

        return answer


@pytest.fixture
def slow_feed(worker_id):
    """slow_feed(hold) -> a SlowFeed on port 8800 (8801... for the other xdist workers)."""
    from pytest_httpserver import HTTPServer

    port = FEED_PORT + (int(worker_id.removeprefix("gw")) if worker_id != "master" else 0)
    server = HTTPServer(host="127.0.0.1", port=port, threaded=True)
    server.start()
    yield lambda hold: SlowFeed(server, hold)
    server.clear()
    server.stop()


# The nodes fetch the feed from loopback, and wait for it longer than it holds its answer.
WIRE_NODE = {"FETCH_ALLOWED_PRIVATE_HOSTS": "127.0.0.1", "WIRE_FETCH_TIMEOUT": "60"}


def test_a_node_holding_the_minute_check_keeps_it_until_it_stops_renewing(db):
    assert lease_acquire(name="check", holder="node-1", seconds=60)
    assert not lease_acquire(name="check", holder="node-2", seconds=60)
    assert lease_acquire(name="check", holder="node-1", seconds=60)  # renewed

    Lease.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))

    assert lease_acquire(name="check", holder="node-2", seconds=60)
    assert not lease_acquire(name="check", holder="node-1", seconds=60)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_nodes_running_the_minute_check_at_once_announce_each_article_once(
    node, make_article, subscribers
):
    for n in range(ARTICLES):
        make_article(published_at=timezone.now() - timezone.timedelta(minutes=n + 1))

    checks = [
        node(name, "send_notifications", "--verbosity", "2", TASKS_BACKEND="database")
        for name in ("node-1", "node-2")
    ]
    outputs = sorted(finished(check).strip() for check in checks)

    assert outputs == [
        f"Announced {ARTICLES} article(s); re-queued 0 mailing(s).",
        "Another node runs the check; skipped.",
    ]
    assert Mailing.objects.count() == ARTICLES
    assert DBTaskResult.objects.count() == ARTICLES


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_queued_task_once_and_send_each_email_once(
    node, smtp, make_article, subscribers, database_queue
):
    articles = [make_article() for _ in range(ARTICLES)]
    mailings = [article_notify(article=article) for article in articles]
    # The same mailing queued a second time (two nodes re-queued it): its lease decides.
    send_mailing.enqueue(mailings[0].pk)

    workers = [
        node(
            name,
            "db_worker",
            "--batch",
            "--no-startup-delay",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            NOTIFICATIONS_BATCH_SIZE="3",
        )
        for name in ("node-1", "node-2")
    ]
    for worker in workers:
        finished(worker)

    tasks = list(DBTaskResult.objects.all())
    assert len(tasks) == ARTICLES + 1
    assert {task.status for task in tasks} == {TaskResultStatus.SUCCESSFUL}
    assert [len(task.worker_ids) for task in tasks] == [1] * len(tasks)
    sent = Counter((m["Subject"], m.envelope_recipients[0]) for m in smtp.messages)
    assert len(sent) == ARTICLES * SUBSCRIBERS
    assert set(sent.values()) == {1}
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == ARTICLES * SUBSCRIBERS


def imported_once():
    """Every item of the feed is one article, and no article came from nowhere."""
    guids = list(Article.objects.values_list("wire_guid", flat=True))
    assert sorted(guids) == sorted(f"unian-{n}" for n in range(1, FEED_ITEMS + 1))


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_nodes_running_the_due_import_at_once_fetch_the_feed_once_and_import_each_item_once(
    node, slow_feed, unian
):
    feed = slow_feed(hold=3)
    SourceFeed.objects.create(source=unian, url=feed.url)

    runs = [node(name, "import_wire", "--due", **WIRE_NODE) for name in ("node-1", "node-2")]
    outputs = [finished(run) for run in runs]

    imported_once()
    assert feed.requests == 1
    assert sum("No feed to import." in output for output in outputs) == 1
    assert not any("failed:" in output for output in outputs)
    recorded = SourceFeed.objects.get()
    assert (recorded.last_outcome, recorded.last_message) == ("ok", f"{FEED_ITEMS} new")


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_importing_the_same_feed_at_once_make_one_article_per_item_and_fail_none(
    node, slow_feed, unian, database_queue
):
    # "Import now" twice (two editors, or one while a worker runs the last one): no claim
    # keeps the second run from fetching, so both import the same items side by side.
    feed = slow_feed(hold=60)
    SourceFeed.objects.create(source=unian, url=feed.url)
    for _ in range(2):
        wire_import_task.enqueue(source_ids=[unian.pk])

    workers = [
        node(name, "db_worker", "--batch", "--no-startup-delay", **WIRE_NODE)
        for name in ("node-1", "node-2")
    ]
    for worker in workers:
        finished(worker)

    imported_once()
    assert feed.requests == 2
    tasks = list(DBTaskResult.objects.all())
    assert {task.status for task in tasks} == {TaskResultStatus.SUCCESSFUL}
    assert sorted(len(task.worker_ids) for task in tasks) == [1, 1]
    assert len({task.worker_ids[0] for task in tasks}) == 2  # one run on each node
    reports = [ImportSummary.from_dict(task.return_value).feeds[0] for task in tasks]
    assert [report.count("failed") for report in reports] == [0, 0]
    assert sum(report.count("new") for report in reports) == FEED_ITEMS
    assert all(report.count("unchanged") == FEED_ITEMS - report.count("new") for report in reports)
