"""Delivery faults against a real SMTP server on loopback: the server down or silent,
addresses refused for good or for now, big lists in chunks. Nothing is lost, no reader sees
an error, and every outcome is recorded."""

import socket

from django.core.management import call_command
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from django_tasks import default_task_backend

from comments.models import Delivery, Mailing, Subscription
from comments.notifications import mailer
from tests.factories import comment_form_data, post_form
from tests.helpers import subject


def test_a_comment_posted_while_smtp_is_down_is_stored_and_shown(client, smtp, article, follower):
    follower("ann@example.org", article)
    smtp.stop()

    response = client.post(
        f"/comments/post/{article.pk}/", comment_form_data(article, comment="Still here")
    )

    comment = XtdComment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.is_public
    assert "Still here" in client.get(article.get_absolute_url()).content.decode()
    mailing = Mailing.objects.get()
    assert mailing.attempts == 1
    assert "Cannot reach the mail server" in mailing.last_error
    assert mailing.deliveries.get().status == Delivery.Status.PENDING


def test_smtp_down_is_retried_with_backoff_then_delivered_when_it_comes_back(
    client, smtp, article, follower, queued_tasks
):
    for name in ("ann", "bea", "cid"):
        follower(f"{name}@example.org", article)
    smtp.stop()
    post_form(client, article, comment="Lost? No.")
    (first,) = queued_tasks.ready()

    started = timezone.now()
    outcome = queued_tasks.run(first)

    assert outcome["sent"] == 0 and outcome["pending"] == 3
    mailing = Mailing.objects.get()
    assert mailing.attempts == 1
    assert "Cannot reach the mail server" in mailing.last_error
    (retry,) = queued_tasks.waiting()
    delay = retry.task.run_after - started
    assert timezone.timedelta(seconds=59) < delay < timezone.timedelta(seconds=62)
    assert mailing.next_attempt_at == retry.task.run_after

    # Still down at the second try: the wait doubles.
    outcome = queued_tasks.run(retry)
    (retry,) = queued_tasks.waiting()
    assert retry.task.run_after - timezone.now() > timezone.timedelta(seconds=110)

    smtp.start()
    outcome = queued_tasks.run(retry)

    assert outcome["sent"] == 3 and outcome["pending"] == 0
    assert sorted(m["To"] for m in smtp.messages) == [
        "ann@example.org",
        "bea@example.org",
        "cid@example.org",
    ]
    mailing.refresh_from_db()
    assert mailing.finished_at is not None and mailing.attempts == 2
    assert queued_tasks.waiting() == []


def test_a_silent_server_times_out_and_is_retried(
    client, settings, article, follower, queued_tasks
):
    # Accepts connections but never greets: the SMTP client must give up, not hang.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 0.5
    follower("ann@example.org", article)
    try:
        post_form(client, article)
        outcome = queued_tasks.run(queued_tasks.ready()[0])
    finally:
        silent.close()

    assert outcome["pending"] == 1
    assert "timed out" in Mailing.objects.get().last_error
    assert len(queued_tasks.waiting()) == 1


def test_a_hard_bounce_marks_the_address_and_it_is_skipped_next_time(
    client, smtp, article, follower
):
    follower("ann@example.org", article)
    follower("gone@example.org", article)
    also_gone = follower("gone@example.org")  # the same address, following new posts
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"

    post_form(client, article, comment="One")

    assert [m["To"] for m in smtp.messages] == ["ann@example.org"]
    bounce = Delivery.objects.get(subscription__email="gone@example.org")
    assert bounce.status == Delivery.Status.BOUNCED
    assert bounce.last_error == "550 5.1.1 No such user"
    assert Mailing.objects.get().finished_at is not None  # a bounce is not retried
    also_gone.refresh_from_db()
    assert also_gone.bounced_at is not None
    assert not Subscription.objects.active().filter(email="gone@example.org").exists()

    del smtp.refuse["gone@example.org"]
    post_form(client, article, comment="Two")

    assert [m["To"] for m in smtp.messages] == ["ann@example.org", "ann@example.org"]
    assert not Delivery.objects.filter(
        mailing__comment__comment="Two", subscription__email="gone@example.org"
    ).exists()


def test_a_temporary_refusal_is_retried_without_resending_to_the_others(
    client, smtp, article, follower, queued_tasks
):
    follower("ann@example.org", article)
    follower("busy@example.org", article)
    smtp.refuse["busy@example.org"] = "450 4.2.1 Mailbox busy, try later"
    post_form(client, article)

    outcome = queued_tasks.run(queued_tasks.ready()[0])

    assert outcome["sent"] == 1 and outcome["pending"] == 1
    busy = Delivery.objects.get(subscription__email="busy@example.org")
    assert busy.status == Delivery.Status.PENDING and busy.attempts == 1
    assert busy.last_error.startswith("450")

    del smtp.refuse["busy@example.org"]
    queued_tasks.run(queued_tasks.waiting()[0])

    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org", "busy@example.org"]
    busy.refresh_from_db()
    assert busy.status == Delivery.Status.SENT and busy.attempts == 2


def test_it_gives_up_after_the_last_attempt_and_records_the_failure(
    client, smtp, settings, article, follower, queued_tasks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    follower("ann@example.org", article)
    smtp.stop()
    post_form(client, article)

    queued_tasks.run(queued_tasks.ready()[0])
    outcome = queued_tasks.run(queued_tasks.waiting()[0])

    assert outcome["failed"] == 1
    mailing = Mailing.objects.get()
    assert mailing.given_up_at is not None and mailing.finished_at is None
    delivery = mailing.deliveries.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "Cannot reach the mail server" in delivery.last_error
    assert queued_tasks.waiting() == []


def test_a_big_list_goes_out_in_chunks_with_one_connection_each(smtp, settings, make_article):
    settings.NOTIFICATIONS_BATCH_SIZE = 4
    for n in range(10):
        Subscription.objects.create(
            email=f"reader{n}@example.org", kind="posts", confirmed_at=timezone.now()
        )
    article = make_article(published_at=timezone.now())

    call_command("send_notifications")

    assert len(smtp.messages) == 10
    assert len({m["To"] for m in smtp.messages}) == 10
    assert smtp.connections == 3
    mailing = Mailing.objects.get(article=article)
    assert mailing.deliveries.filter(status="sent").count() == 10
    assert mailing.recipients_listed and mailing.finished_at is not None


def test_someone_unsubscribing_before_their_turn_is_skipped(smtp, settings, make_article):
    article = make_article(published_at=timezone.now())
    late = Subscription.objects.create(
        email="late@example.org", kind="posts", confirmed_at=timezone.now()
    )
    mailing = Mailing.objects.create(kind="article", article=article)
    Delivery.objects.create(mailing=mailing, subscription=late)
    mailing.recipients_listed = True
    mailing.save()
    late.unsubscribed_at = timezone.now()
    late.save()

    outcome = mailer.mailing_send(mailing_id=mailing.pk)

    assert outcome.skipped == 1 and smtp.messages == []
    assert mailing.deliveries.get().status == Delivery.Status.SKIPPED


def test_a_mailing_held_by_another_run_is_left_alone(smtp, make_article, follower):
    follower("ann@example.org")
    mailing = Mailing.objects.create(
        kind="article",
        article=make_article(published_at=timezone.now()),
        locked_until=timezone.now() + timezone.timedelta(minutes=5),
    )

    assert mailer.mailing_send(mailing_id=mailing.pk).busy
    assert smtp.messages == []


def test_a_lost_task_is_queued_again_by_the_periodic_command(
    client, smtp, article, follower, queued_tasks
):
    follower("ann@example.org", article)
    post_form(client, article)
    default_task_backend.clear()  # the queue is lost (e.g. cleared by hand)
    Mailing.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=30))

    call_command("send_notifications", verbosity=0)

    (requeued,) = queued_tasks.ready()
    queued_tasks.run(requeued)
    assert [subject(m) for m in smtp.messages] == [f"[Wirepress] New comment on “{article.title}”"]
    call_command("send_notifications", verbosity=0)
    assert queued_tasks.ready() == []  # finished: not queued again
