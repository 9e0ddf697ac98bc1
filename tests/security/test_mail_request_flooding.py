"""Attack on readers' inboxes and on the server: the follow and data-request forms had no
per-client limit (20 follow POSTs queued 20 confirmation mailings), and the data-request
email was sent inside the request (a slow mail server held the request)."""

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks import default_task_backend

from comments.models import DataRequest, Mailing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _five_per_ten_minutes(settings):
    settings.COMMENTS_FOLLOW_RATE_PER_IP = 5
    settings.COMMENTS_FOLLOW_RATE_WINDOW = 600


def test_twenty_follow_posts_from_one_address_mail_five_confirmations(client):
    answers = [
        client.post(reverse("comments:follow"), {"email": f"victim{n}@example.org", "next": "/"})
        for n in range(20)
    ]

    assert [a.status_code for a in answers] == [302] * 5 + [429] * 15
    assert Mailing.objects.filter(kind=Mailing.Kind.CONFIRMATION).count() == 5
    refused = answers[-1]
    assert 0 < int(refused["Retry-After"]) <= 600
    page = refused.content.decode()
    assert "Too many requests from your address" in page
    assert 'value="victim19@example.org"' in page


def test_another_address_is_not_held_up_by_the_first(client):
    for n in range(6):
        client.post(reverse("comments:follow"), {"email": f"v{n}@example.org", "next": "/"})

    response = client.post(
        reverse("comments:follow"),
        {"email": "rita@example.org", "next": "/"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302


def test_following_discussions_counts_toward_the_same_limit(client, reader, make_article):
    client.force_login(reader)
    articles = [make_article() for _ in range(6)]
    answers = [
        client.post(reverse("comments:follow_article", args=[a.pk]), {"follow": "on"})
        for a in articles
    ]

    assert [a.status_code for a in answers] == [302] * 5 + [429]
    assert "Too many requests from your address" in answers[-1].content.decode()
    assert answers[-1]["Retry-After"]


def test_data_requests_from_one_address_are_limited_and_keep_the_typed_email(client):
    answers = [
        client.post(
            reverse("comments:data_request"), {"email": f"v{n}@example.org", "kind": "export"}
        )
        for n in range(6)
    ]

    assert [a.status_code for a in answers] == [302] * 5 + [429]
    assert DataRequest.objects.count() == 5
    page = answers[-1].content.decode()
    assert "Too many requests from your address" in page
    assert 'value="v5@example.org"' in page


def test_the_data_request_email_is_queued_without_its_link(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    response = client.post(
        reverse("comments:data_request"), {"email": "olena@example.org", "kind": "erase"}
    )

    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent inside the request
    (queued,) = default_task_backend.results
    queued.task.call(*queued.args, **queued.kwargs)  # as the worker does
    (message,) = mail.outbox
    assert message.to == ["olena@example.org"]
    link = next(line for line in message.body.splitlines() if "/comments/privacy/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    # The queue holds the request's id, never a working link.
    assert token not in repr(queued.args)
