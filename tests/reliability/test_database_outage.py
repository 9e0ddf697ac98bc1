"""While the database is away (unreachable, read-only or full) a reader gets a 503 with
Retry-After and a message, never the 500 page: a comment being posted comes back with its
text, a comment sent again once the database is back is stored once, and pages that only
read keep working from a read-only database."""

import html
import re
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django_comments_xtd.models import XtdComment

from tests.factories import comment_form_data


@contextmanager
def database_gone():
    """Every query fails as the driver fails when the server went away (Django's own hook
    around the database driver; the request then meets the real exception)."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@contextmanager
def database_read_only():
    """The real thing: the database itself refuses every write on this connection."""
    on, off = {
        "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
        "postgresql": (
            "SET default_transaction_read_only = on",
            "SET default_transaction_read_only = off",
        ),
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)


@pytest.fixture
def anyone(settings, db):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def post_url(article) -> str:
    return f"/comments/post/{article.pk}/"


def resend_form(page: str) -> tuple[str, dict]:
    """What the "not saved yet" page's form sends: its action and fields."""
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page)[1])
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page)
    }
    fields["comment"] = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)[1])
    return action, fields


def test_a_comment_posted_while_the_database_is_away_comes_back_with_its_text(anyone, article):
    data = comment_form_data(article, comment="Words <I> will not type twice", name="Олена")
    with database_gone():
        response = anyone.post(post_url(article), data)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Your comment was not saved yet." in page
    assert not XtdComment.objects.exists()

    # Sent again from that page once the database is back: stored once, with every field.
    action, fields = resend_form(page)
    assert action == post_url(article)
    response = anyone.post(action, fields)
    stored = XtdComment.objects.get()
    assert (stored.comment, stored.user_name) == ("Words <I> will not type twice", "Олена")
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{stored.pk}")


def test_the_pages_script_gets_json_it_can_show_while_the_database_is_away(anyone, article):
    data = comment_form_data(article, comment="Still here")
    with database_gone():
        response = anyone.post(post_url(article), data, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {
        "ok": False,
        "error": "This could not be saved just now (a short technical problem). "
        "Please try again in a minute.",
    }


def test_a_page_while_the_database_is_away_is_a_503_that_says_to_come_back(anyone, article):
    with database_gone():
        response = anyone.get(article.get_absolute_url())
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "We cannot save or show this just now." in response.content.decode()


def test_a_comment_sent_again_after_a_lost_answer_leads_to_the_stored_one(anyone, article):
    data = comment_form_data(article, comment="Did this arrive?")
    first = anyone.post(post_url(article), data)
    again = anyone.post(post_url(article), data)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    fetched = anyone.post(post_url(article), data, headers={"X-Requested-With": "fetch"})
    stored = XtdComment.objects.get()
    assert fetched.json()["ok"] and fetched.json()["id"] == stored.pk


@pytest.mark.django_db(transaction=True)
def test_a_read_only_database_still_serves_reading_and_refuses_writes_clearly(settings, article):
    settings.DEBUG = False
    settings.CACHES = {
        "default": {"BACKEND": "blog.cache.ResilientDatabaseCache", "LOCATION": "wirepress_cache"}
    }
    anyone = Client(raise_request_exception=False)
    assert anyone.get(article.get_absolute_url()).status_code == 200  # fills the cache
    # Every cached entry expired: reading one makes the cache delete it, a write.
    cache.set("sidebar-probe", "x", timeout=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE wirepress_cache SET expires = '2000-01-01 00:00:00'")

    with database_read_only():
        assert anyone.get(article.get_absolute_url()).status_code == 200
        assert anyone.get("/").status_code == 200
        assert cache.get("sidebar-probe") is None
        data = comment_form_data(article, comment="Kept while read-only")
        response = anyone.post(post_url(article), data)
    assert response.status_code == 503
    assert "Kept while read-only</textarea>" in response.content.decode()
    assert not XtdComment.objects.exists()
