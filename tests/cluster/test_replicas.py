"""Read replicas (blog/replicas.py): a reader's pages read from the replica; a reader who
just posted or liked reads from the primary for a short while (read-your-own-writes);
writes, the admin and everything a POST reads go to the primary.

The replica here is a TEST MIRROR of the test database (tests/conftest.py says why): the
same rows, another connection, so each connection's queries show where a read went."""

from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.replicas import STICKY_COOKIE
from tests.factories import comment_form_data

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def replica_configured(settings):
    """What DATABASE_REPLICA_URL turns on (blog/settings.py)."""
    settings.DATABASE_ROUTERS = ["blog.replicas.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "blog.replicas.ReplicaReadsMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.DATABASE_REPLICA_STICKY_SECONDS = 10


@contextmanager
def queries_on_each_database():
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield primary, replica


def statements(captured) -> set[str]:
    return {query["sql"].split()[0].upper() for query in captured.captured_queries}


def test_an_article_page_reads_from_the_replica(client, article):
    with queries_on_each_database() as (primary, replica):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert len(replica) > 0
    assert len(primary) == 0


def test_a_reader_who_just_liked_reads_from_the_primary_and_sees_the_like(article, reader):
    rita, other = Client(), Client()
    rita.force_login(reader)
    rita.get(article.get_absolute_url())  # her session read once, as any page view does

    with queries_on_each_database() as (primary, replica):
        liked = rita.post(f"/articles/{article.pk}/like/")
    assert liked.status_code == 302
    assert len(replica) == 0  # a write, and every read it made, on the primary
    assert "INSERT" in statements(primary)
    assert STICKY_COOKIE in liked.cookies

    with queries_on_each_database() as (primary, replica):
        page = rita.get(article.get_absolute_url())
    assert len(replica) == 0
    assert len(primary) > 0
    assert "One blogger likes this." in page.content.decode()

    with queries_on_each_database() as (primary, replica):
        other.get(article.get_absolute_url())
    assert len(primary) == 0  # another reader still reads from the replica
    assert len(replica) > 0


def test_a_guest_who_just_commented_reads_the_page_from_the_primary(client, article):
    posted = client.post(f"/comments/post/{article.pk}/", comment_form_data(article))
    assert posted.status_code == 302

    with queries_on_each_database() as (primary, replica):
        page = client.get(posted["Location"])

    assert "Thanks for the report." in page.content.decode()
    assert len(replica) == 0


def test_after_the_sticky_window_the_reader_reads_from_the_replica_again(
    client, article, reader, monkeypatch
):
    import time

    client.force_login(reader)
    client.post(f"/articles/{article.pk}/like/")
    later = time.time() + 11
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    with queries_on_each_database() as (primary, replica):
        client.get(article.get_absolute_url())

    assert len(replica) > 0
    assert statements(primary) <= {"UPDATE"}  # at most the session's expiry, a write


def test_a_forged_sticky_cookie_does_not_count(client, article):
    client.cookies[STICKY_COOKIE] = "1"

    with queries_on_each_database() as (primary, replica):
        client.get(article.get_absolute_url())

    assert len(primary) == 0


def test_the_admin_reads_from_the_primary(client, editor, article):
    client.force_login(editor)

    with queries_on_each_database() as (primary, replica):
        response = client.get("/admin/blog/article/")

    assert response.status_code == 200
    assert len(replica) == 0


def test_outside_a_request_workers_read_from_the_primary(article):
    from blog.models import Article

    with queries_on_each_database() as (primary, replica):
        assert Article.objects.get(pk=article.pk).title == article.title

    assert len(replica) == 0
