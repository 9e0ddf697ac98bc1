"""Public pages (blog.pagecache): one copy for every reader without a session, cacheable by
Django and by whatever stands in front of it; signed-in readers get their own, uncached."""

import gzip
import re
import time

import brotli
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog import pagecache
from blog.models import Article
from blog.services import article_like_toggle
from comments.discussion.services import like_toggle
from comments.moderation.actions import comment_approve, comment_remove
from tests.factories import add_comment, comment_form_data
from tests.helpers import comment_item, form_values, parse, post_url

SAME_SITE = {"Origin": "http://testserver"}


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def public_urls(article):
    category = article.categories.first()
    return [
        reverse("blog:home"),
        article.get_absolute_url(),
        category.get_absolute_url(),
        article.source.get_absolute_url(),
        f"/{article.published_at:%Y}/{article.published_at:%m}/",
        reverse("blog:feed"),
        reverse("blog:comments_feed"),
        f"{article.get_absolute_url()}feed/",
    ]


@pytest.fixture
def filed_article(article, world):
    article.categories.add(world)
    return article


def test_public_pages_carry_no_cookie_and_may_be_kept_by_shared_caches(filed_article):
    for url in public_urls(filed_article):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "cookie" not in response.get("Vary", "").lower(), url
        assert response["Cache-Control"] == (
            "public, max-age=0, s-maxage=1, stale-while-revalidate=10"
        ), url
        assert response.has_header("ETag") and response.has_header("Last-Modified"), url


def test_cache_lifetimes_come_from_the_settings(article, settings):
    settings.PAGE_MAX_AGE, settings.PAGE_S_MAXAGE = 5, 30
    settings.PAGE_STALE_WHILE_REVALIDATE = 120
    response = Client().get(article.get_absolute_url())
    assert response["Cache-Control"] == "public, max-age=5, s-maxage=30, stale-while-revalidate=120"


def test_a_public_article_page_holds_no_csrf_token_and_no_nonce(article, page_cache):
    add_comment(article, "First.")
    first, second = (
        Client().get(article.get_absolute_url()),
        Client().get(article.get_absolute_url()),
    )
    assert b"csrfmiddlewaretoken" not in first.content
    assert "nonce-" not in first["Content-Security-Policy"]
    # Two readers get the very same bytes (what a shared cache would hand out).
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_a_signed_in_reader_gets_a_private_uncached_page_with_a_token(client, article, reader):
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert b"csrfmiddlewaretoken" in response.content


def test_a_guest_who_posted_is_served_private_pages_showing_their_comment(client, article):
    response = client.post(post_url(article), comment_form_data(article, comment="Mine."))
    assert response.status_code == 302
    page = client.get(article.get_absolute_url())
    assert "private" in page["Cache-Control"]
    assert "Mine." in page.content.decode()


@pytest.mark.parametrize("header", ["If-None-Match", "If-Modified-Since"])
def test_a_page_unchanged_since_the_readers_copy_is_a_304(article, page_cache, header):
    first = Client().get(article.get_absolute_url())
    validator = first["ETag"] if header == "If-None-Match" else first["Last-Modified"]
    again = Client(headers={header: validator}).get(article.get_absolute_url())
    assert again.status_code == 304
    assert again.content == b""


def test_a_new_comment_makes_the_readers_copy_outdated(article):
    first = Client().get(article.get_absolute_url())
    add_comment(article, "News.")
    again = Client(headers={"If-None-Match": first["ETag"]}).get(article.get_absolute_url())
    assert again.status_code == 200
    assert "News." in again.content.decode()


# --- The in-Django page cache -------------------------------------------------------------


def test_a_cached_article_page_takes_no_query(article, page_cache, django_assert_num_queries):
    add_comment(article, "Stored once.")
    Client().get(article.get_absolute_url())
    with django_assert_num_queries(0):
        response = Client().get(article.get_absolute_url())
    assert "Stored once." in response.content.decode()
    assert response["Cache-Control"].startswith("public")


def test_a_like_on_a_story_leaves_the_cached_comments_feed_alone(
    article, reader, page_cache, django_assert_num_queries
):
    add_comment(article, "In the feed.")
    feed = reverse("blog:comments_feed")
    Client().get(feed)
    article_like_toggle(article=article, user=reader)
    with django_assert_num_queries(0):
        assert "In the feed." in Client().get(feed).content.decode()


def test_with_the_database_cache_a_hit_takes_one_query(
    article, page_cache, settings, django_assert_num_queries
):
    from django.core.management import call_command

    settings.CACHES = {
        "default": {"BACKEND": "blog.cache.ResilientDatabaseCache", "LOCATION": "page_test"}
    }
    call_command("createcachetable", verbosity=0)
    Client().get(article.get_absolute_url())
    # The generations of the page and the copy kept for its address, in one read.
    with django_assert_num_queries(1):
        assert Client().get(article.get_absolute_url()).status_code == 200


def test_signed_in_readers_never_get_the_cached_page(client, article, reader, page_cache):
    Client().get(article.get_absolute_url())
    client.force_login(reader)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "You are commenting as" in html


def cached_page(article) -> str:
    return Client().get(article.get_absolute_url()).content.decode()


def test_a_comment_shows_on_the_cached_page_at_once(article, page_cache):
    cached_page(article)
    add_comment(article, "Just in.")
    assert "Just in." in cached_page(article)


def test_the_poster_and_then_everyone_see_a_comment_posted_from_the_cached_page(
    article, page_cache
):
    form = form_values(parse(Client().get(article.get_absolute_url())))
    guest = Client(enforce_csrf_checks=True, headers=SAME_SITE)
    data = {**form, "name": "Olena", "email": "olena@example.org", "comment": "From the cache."}
    response = guest.post(post_url(article), data)
    assert response.status_code == 302
    assert "From the cache." in guest.get(article.get_absolute_url()).content.decode()
    assert "From the cache." in cached_page(article)


def test_a_removed_comment_leaves_the_cached_page_at_once(article, editor, page_cache):
    comment = add_comment(article, "Soon gone.")
    assert "Soon gone." in cached_page(article)
    comment_remove(comment, by=editor)
    assert "Soon gone." not in cached_page(article)


def test_an_approved_comment_joins_the_cached_page_at_once(article, editor, page_cache):
    comment = add_comment(article, "Held first.", public=False)
    assert "Held first." not in cached_page(article)
    comment_approve(comment, by=editor)
    assert "Held first." in cached_page(article)


def test_a_comment_like_shows_on_the_cached_page_at_once(article, reader, page_cache):
    comment = add_comment(article, "Likeable.")
    item = comment_item(parse(Client().get(article.get_absolute_url())), comment.pk)
    assert "Liked by" not in item.text_content()
    like_toggle(comment=comment, user=reader)
    item = comment_item(parse(Client().get(article.get_absolute_url())), comment.pk)
    assert "Liked by 1" in " ".join(item.text_content().split())


def test_an_article_like_shows_on_the_cached_page_at_once(article, reader, page_cache):
    cached_page(article)
    article_like_toggle(article=article, user=reader)
    assert "One blogger likes this." in cached_page(article)


def test_an_edited_or_unpublished_article_is_not_served_from_the_cache(article, page_cache):
    cached_page(article)
    article.title = "A new headline"
    article.save()
    assert "A new headline" in cached_page(article)
    assert "A new headline" in Client().get("/").content.decode()
    article.status = Article.Status.DRAFT
    article.save()
    assert Client().get(article.get_absolute_url()).status_code == 404


class Clock:
    """Stands for `time` in blog.pagecache: the generations and the copies' ages."""

    def __init__(self):
        self.now = time.time_ns()

    def time_ns(self) -> int:
        self.now += 1  # every bump a generation of its own
        return self.now

    def advance(self, seconds: float):
        self.now += int(seconds * 1e9)


@pytest.fixture
def lagging(page_cache, settings, monkeypatch):
    settings.PAGE_DISCUSSION_LAG_SECONDS = 0.5
    clock = Clock()
    monkeypatch.setattr(pagecache, "time", clock)
    return clock


def test_others_see_a_comment_on_a_busy_cached_page_within_the_lag(article, lagging):
    cached_page(article)
    lagging.advance(0.1)
    add_comment(article, "Just in.")
    assert "Just in." not in cached_page(article)
    lagging.advance(0.4)
    assert "Just in." in cached_page(article)


def test_while_one_worker_renders_an_outdated_page_the_others_serve_the_copy(
    article, lagging, monkeypatch
):
    cached_page(article)
    add_comment(article, "Just in.")
    lagging.advance(0.6)
    monkeypatch.setattr(pagecache, "_claim_rendering", lambda key: False)
    assert "Just in." not in cached_page(article)
    lagging.advance(0.4)  # twice the lag: no copy that old is served
    assert "Just in." in cached_page(article)


def test_a_worker_that_rendered_an_outdated_page_lets_the_next_one_render(article, lagging):
    cached_page(article)
    for text in ("First.", "Second."):
        add_comment(article, text)
        lagging.advance(0.6)
        assert text in cached_page(article)


def test_the_poster_sees_their_comment_at_once_despite_the_lag(article, lagging):
    form = form_values(parse(Client().get(article.get_absolute_url())))
    guest = Client(enforce_csrf_checks=True, headers=SAME_SITE)
    data = {**form, "name": "Olena", "email": "olena@example.org", "comment": "Mine, now."}
    assert guest.post(post_url(article), data).status_code == 302
    assert "Mine, now." in guest.get(article.get_absolute_url()).content.decode()


def test_an_edit_is_never_served_late(article, lagging):
    cached_page(article)
    article.title = "A corrected headline"
    article.save()
    assert "A corrected headline" in cached_page(article)


def test_a_newly_published_article_joins_the_cached_front_page(make_article, page_cache):
    Client().get("/")
    make_article(title="Fresh off the wire", published_at=timezone.now())
    assert "Fresh off the wire" in Client().get("/").content.decode()


# --- Guests' forms from a public page (blog.guest_csrf) ----------------------------------


def test_a_guest_comment_from_another_site_is_refused_with_a_readable_page(article):
    stranger_site = Client(enforce_csrf_checks=True, headers={"Origin": "https://evil.example"})
    response = stranger_site.post(post_url(article), comment_form_data(article))
    assert response.status_code == 403
    assert "This form was not accepted." in response.content.decode()
    assert not XtdComment.objects.exists()


def test_a_guest_comment_without_origin_or_referer_is_refused(article):
    response = Client(enforce_csrf_checks=True).post(post_url(article), comment_form_data(article))
    assert response.status_code == 403
    assert not XtdComment.objects.exists()


def test_a_guest_comment_with_this_sites_referer_is_accepted(article):
    browser = Client(enforce_csrf_checks=True, headers={"Referer": "http://testserver/a/"})
    assert browser.post(post_url(article), comment_form_data(article)).status_code == 302


def test_a_guest_comment_from_a_trusted_origin_is_accepted(article, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org"]
    browser = Client(enforce_csrf_checks=True, headers={"Origin": "https://news.example.org"})
    assert browser.post(post_url(article), comment_form_data(article)).status_code == 302


def test_the_script_is_told_why_a_foreign_post_was_refused(article):
    stranger_site = Client(
        enforce_csrf_checks=True,
        headers={"Origin": "https://evil.example", "X-Requested-With": "fetch"},
    )
    response = stranger_site.post(post_url(article), comment_form_data(article))
    assert response.status_code == 403
    assert "another site" in response.json()["error"]


def test_a_signed_in_reader_still_needs_the_csrf_token(article, reader):
    same_site = Client(enforce_csrf_checks=True, headers=SAME_SITE)
    same_site.force_login(reader)
    response = same_site.post(post_url(article), comment_form_data(article, user=reader))
    assert response.status_code == 403


# --- Compression --------------------------------------------------------------------------


def whole_page(html: bytes, article) -> bool:
    return (
        html.startswith(b"<!doctype html>")
        and html.rstrip().endswith(b"</html>")
        and (article.title.encode() in html)
    )


def test_html_is_gzipped_for_a_client_that_accepts_it(article):
    zipped = Client(headers={"Accept-Encoding": "gzip"}).get(article.get_absolute_url())
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    html = gzip.decompress(zipped.content)
    assert whole_page(html, article)
    assert len(zipped.content) < len(html) / 3


def test_html_is_sent_as_it_is_to_a_client_that_accepts_no_compression(article):
    response = Client().get(article.get_absolute_url())
    assert not response.has_header("Content-Encoding")
    assert whole_page(response.content, article)


def test_html_is_brotli_compressed_when_the_client_prefers_it(article):
    response = Client(headers={"Accept-Encoding": "gzip, deflate, br"}).get(
        article.get_absolute_url()
    )
    assert response["Content-Encoding"] == "br"
    assert whole_page(brotli.decompress(response.content), article)


def test_a_compressed_page_still_answers_304(article, page_cache):
    zipped = Client(headers={"Accept-Encoding": "gzip"}).get(article.get_absolute_url())
    assert zipped["ETag"].startswith('W/"')
    again = Client(headers={"Accept-Encoding": "gzip", "If-None-Match": zipped["ETag"]}).get(
        article.get_absolute_url()
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("accepts", "coding", "decompress"),
    [("gzip", "gzip", gzip.decompress), ("br, gzip", "br", brotli.decompress), ("", None, bytes)],
)
def test_a_cached_page_is_sent_as_each_client_accepts(
    article, page_cache, accepts, coding, decompress, django_assert_num_queries
):
    plain = Client().get(article.get_absolute_url())
    with django_assert_num_queries(0):
        response = Client(headers={"Accept-Encoding": accepts}).get(article.get_absolute_url())
    assert response.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response["Vary"]
    assert decompress(response.content) == plain.content


def test_after_any_post_the_reader_skips_the_caches_for_a_while(article, page_cache, settings):
    cached_page(article)
    guest = Client(headers=SAME_SITE)
    response = guest.post(reverse("comments:follow"), {"email": "olena@example.org"})
    assert response.cookies["fresh"]["max-age"] == settings.PAGE_FRESH_SECONDS
    assert "private" in guest.get(article.get_absolute_url())["Cache-Control"]


def test_two_readers_behind_one_cached_page_each_see_their_own_likes(
    client, article, reader, page_cache
):
    comment = add_comment(article, "Liked by one reader.")
    like_toggle(comment=comment, user=reader)
    guest_item = comment_item(parse(Client().get(article.get_absolute_url())), comment.pk)
    client.force_login(reader)
    reader_item = comment_item(parse(client.get(article.get_absolute_url())), comment.pk)

    def pressed(item):
        return item.xpath('.//button[@class="comment-like-button"]')[0].get("aria-pressed")

    assert (pressed(guest_item), pressed(reader_item)) == ("false", "true")


def test_with_the_database_cache_a_comment_bumps_the_page_only_after_its_commit(
    article, page_cache, settings, django_capture_on_commit_callbacks
):
    """Written inside the comment's transaction, the shared generation rows deadlocked
    concurrent comments and likes on PostgreSQL (the readers got 503s)."""
    from django.core.management import call_command

    settings.CACHES = {
        "default": {"BACKEND": "blog.cache.ResilientDatabaseCache", "LOCATION": "page_test"}
    }
    call_command("createcachetable", verbosity=0)
    assert "Not yet." not in cached_page(article)
    before = cache_table_rows()

    with django_capture_on_commit_callbacks() as callbacks:
        add_comment(article, "Not yet.")
    assert cache_table_rows() == before

    for callback in callbacks:
        callback()
    assert "Not yet." in cached_page(article)


def test_a_comment_writes_its_generations_once_however_often_it_is_saved(
    article, page_cache, settings, django_capture_on_commit_callbacks
):
    """A comment is saved three times in its transaction (xtd's thread fields, its
    moderation record): the generations are written once, after the commit."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {
        "default": {"BACKEND": "blog.cache.ResilientDatabaseCache", "LOCATION": "page_test"}
    }
    call_command("createcachetable", verbosity=0)
    form = form_values(parse(Client().get(article.get_absolute_url())))
    guest = Client(enforce_csrf_checks=True, headers=SAME_SITE)
    data = {**form, "name": "Olena", "email": "olena@example.org", "comment": "Once."}
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert guest.post(post_url(article), data).status_code == 302
    written = [
        re.search(r"pagegen:[^']+", q["sql"])[0]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "pagegen" in q["sql"]
    ]
    assert sorted(written) == sorted(set(written))  # each once
    assert "pagegen:comments" in written
    assert any(key.endswith(article.slug) for key in written)
    assert "Once." in cached_page(article)


def cache_table_rows() -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value, expires FROM page_test ORDER BY cache_key")
        return cursor.fetchall()
