"""The mail worker rides out outages without anyone restarting it: django-tasks-db's worker
loop runs in a thread against the test database with the real notification task, and mail
goes over SMTP to a real server on loopback (aiosmtpd). A database connection dropped while a
mailing is being recorded (on PostgreSQL the server really ends it) sends nothing twice; a
check started while the database is unreachable waits and then works; mail queued while the
mail server is down is delivered once when it comes back; and a comment is never stored
without the mailing that announces it."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.test import Client
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from blog import reconnect
from comments.models import Delivery, Mailing, Subscription
from tests.factories import comment_form_data, post_form

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOWER = "ann@example.org"


@pytest.fixture
def database_queue(settings, monkeypatch):
    """Tasks go to the database queue, as in production; waits after a database error are
    short (the same doubling, from 50 ms)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(reconnect, "FIRST_WAIT", 0.05)
    monkeypatch.setattr(reconnect, "LONGEST_WAIT", 0.2)


@pytest.fixture
def follower(article):
    return Subscription.objects.create(
        email=FOLLOWER,
        kind=Subscription.Kind.COMMENTS,
        article=article,
        confirmed_at=timezone.now(),
        confirmation_sent_at=timezone.now(),
    )


class DroppedConnection:
    """An execute wrapper: the first `times` statements containing `sql` meet a connection
    the server dropped. On PostgreSQL the server really ends the worker's session
    (pg_terminate_backend) and the statement meets the real error; SQLite has no server, so
    the error the driver would raise is raised in its place."""

    def __init__(self, sql: str, times: int):
        self.sql = sql
        self.times = times
        self.failures = 0

    def __call__(self, execute, sql, params, many, context):
        if self.sql in sql and self.failures < self.times:
            self.failures += 1
            database = context["connection"]
            if database.vendor != "postgresql":
                raise OperationalError("server closed the connection unexpectedly")
            terminate_session(database.connection.info.backend_pid)
        return execute(sql, params, many, context)


def terminate_session(pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
    finally:
        other.close()


class WorkerThread:
    """`manage.py db_worker`'s loop in a thread, with `wrapper` around its statements. While
    it runs the test waits on the mail server, not on the database: SQLite's in-memory test
    database locks whole tables between threads, which a file database would not."""

    def __init__(self, wrapper=None):
        self.wrapper = wrapper
        self.worker = Worker(
            queue_names=["default"],
            interval=0.05,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        self.error = None
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            if self.wrapper:
                with connection.execute_wrapper(self.wrapper):
                    self.worker.run()
            else:
                self.worker.run()
        except BaseException as exc:  # the test says what killed the worker
            self.error = exc
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.worker.running = False
        self.thread.join(timeout=60)


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.05)


def mail_to(smtp, address):
    return lambda: smtp.to(address)


def test_a_dropped_database_connection_while_recording_sends_the_mail_once(
    client, smtp, article, follower, database_queue, caplog
):
    comment = post_form(client, article, comment="The talks resume on Monday.")
    dropped = DroppedConnection('UPDATE "comments_delivery"', times=3)
    with WorkerThread(dropped) as worker:
        wait_for(mail_to(smtp, FOLLOWER), "the email")
        assert worker.thread.is_alive(), worker.error

    assert dropped.failures == 3
    (message,) = smtp.to(FOLLOWER)
    assert f"#comment-{comment.pk}" in message.get_body(("plain",)).get_content()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT
    mailing = Mailing.objects.get()
    assert mailing.attempts == 0 and mailing.locked_until is None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    waits = [r for r in caplog.records if "Database unavailable while recording" in r.message]
    assert len(waits) == 3


def test_a_dropped_connection_before_sending_starts_the_mailing_over_without_an_attempt(
    client, smtp, article, follower, database_queue
):
    post_form(client, article, comment="Ceasefire holds for a third day.")
    dropped = DroppedConnection('FROM "comments_delivery"', times=1)
    with WorkerThread(dropped) as worker:
        wait_for(mail_to(smtp, FOLLOWER), "the email")
        assert worker.thread.is_alive(), worker.error

    assert dropped.failures == 1
    assert len(smtp.to(FOLLOWER)) == 1
    mailing = Mailing.objects.get()
    assert mailing.attempts == 0 and mailing.last_error == ""


def test_the_notification_check_started_while_the_database_is_unreachable_waits_then_works(
    smtp, make_article, database_queue, caplog
):
    Subscription.objects.create(
        email=FOLLOWER,
        kind=Subscription.Kind.POSTS,
        confirmed_at=timezone.now(),
        confirmation_sent_at=timezone.now(),
    )
    article = make_article(title="Talks resume", published_at=timezone.now())
    unreachable = DroppedConnection("", times=4)  # every statement, the first four times

    def check():
        with connection.execute_wrapper(unreachable):
            call_command("send_notifications")
        connection.close()

    checker = threading.Thread(target=check)
    checker.start()
    checker.join(timeout=60)

    assert not checker.is_alive()
    assert unreachable.failures == 4
    waits = [
        r.message for r in caplog.records if "Database unavailable while checking" in r.message
    ]
    assert len(waits) == 4
    article.refresh_from_db()
    assert article.announced_at is not None
    with WorkerThread():
        wait_for(mail_to(smtp, FOLLOWER), "the announcement")
    assert len(smtp.to(FOLLOWER)) == 1


def test_mail_queued_while_the_mail_server_is_down_goes_out_once_when_it_is_back(
    client, smtp, settings, article, follower, database_queue, caplog
):
    settings.NOTIFICATIONS_RETRY_SECONDS = 1
    smtp.stop()
    post_form(client, article, comment="Both sides agree to talk.")
    with WorkerThread() as worker:
        wait_for(
            lambda: any("Cannot reach the mail server" in r.message for r in caplog.records),
            "a failed attempt",
        )
        smtp.start()
        wait_for(mail_to(smtp, FOLLOWER), "the email")
        assert worker.thread.is_alive(), worker.error

    assert len(smtp.to(FOLLOWER)) == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert "Cannot reach the mail server" in Mailing.objects.get().last_error


def test_a_comment_is_never_stored_without_its_followers_email(
    smtp, settings, article, follower, database_queue
):
    settings.DEBUG = False
    reader = Client(raise_request_exception=False)
    data = comment_form_data(article, comment="Announced, or not stored at all.")
    lost = DroppedConnection('INSERT INTO "comments_mailing"', times=1)

    with connection.execute_wrapper(lost):
        response = reader.post(f"/comments/post/{article.pk}/", data)

    # The database went away between the comment and its email: neither is kept, and the
    # reader is told to send it again (the 503 page with the text).
    assert response.status_code == 503
    assert not XtdComment.objects.exists()
    response = reader.post(f"/comments/post/{article.pk}/", data)
    assert response.status_code == 302
    with WorkerThread():
        wait_for(mail_to(smtp, FOLLOWER), "the email")
    assert len(smtp.to(FOLLOWER)) == 1
