"""Workers on several nodes at once do no double work: every queued task runs once (django-
tasks-db claims a row with SELECT ... FOR UPDATE SKIP LOCKED), every delivery of a mailing
is sent once (the mailing's lease), and the minute announcement check runs on one node at a
time (a lease in the database, comments.models.Lease)."""

from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.models import Delivery, Lease, Mailing, Subscription
from comments.notifications.services import article_notify, lease_acquire
from comments.notifications.tasks import send_mailing
from tests.cluster.conftest import finished

SUBSCRIBERS = 10
ARTICLES = 4


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
