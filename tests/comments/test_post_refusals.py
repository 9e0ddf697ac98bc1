"""Posting through the view: refusals and bad input keep the reader's text, say what to do,
and save nothing."""

import time

import pytest
from django.test import Client
from django_comments_xtd.models import XtdComment

from blog.models import Article
from blog.services import article_like_toggle
from comments.discussion.forms import CommentForm
from tests.factories import add_comment, comment_form_data
from tests.helpers import (
    form_values,
    parse,
    parse_fragment,
    post_url,
    text_of,
)

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def url(article):
    return f"/comments/post/{article.pk}/"


def test_a_form_sent_instantly_is_refused_with_a_clear_message_and_the_text_kept(
    client, article, settings
):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    data = comment_form_data(article, age=0, comment="Typed by a very fast robot.")
    response = client.post(url(article), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "sent within moments of the page opening" in page
    assert "Typed by a very fast robot.</textarea>" in page
    assert not XtdComment.objects.exists()


def test_a_form_sent_after_the_minimum_is_posted(client, article, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    response = client.post(url(article), comment_form_data(article, age=5))
    assert response.status_code == 302
    assert XtdComment.objects.get().is_public


def test_over_the_rate_limit_the_reader_is_told_to_wait_and_keeps_the_text(
    client, article, settings
):
    settings.COMMENTS_RATE_PER_AUTHOR = 1
    client.post(url(article), comment_form_data(article, comment="First."))
    response = client.post(
        url(article), comment_form_data(article, comment="Second, typed in a rush.")
    )
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    page = response.content.decode()
    assert f"You are posting too fast, please wait {wait} second" in page
    assert "Second, typed in a rush.</textarea>" in page
    assert XtdComment.objects.count() == 1


def test_the_script_gets_the_refusal_as_json_with_the_form(client, article, settings):
    settings.COMMENTS_RATE_PER_AUTHOR = 1
    client.post(url(article), comment_form_data(article, comment="First."), **FETCH)
    response = client.post(url(article), comment_form_data(article, comment="Again!"), **FETCH)
    assert response.status_code == 429
    body = response.json()
    assert body["ok"] is False
    assert "You are posting too fast" in body["form"]
    assert "Again!</textarea>" in body["form"]


def test_saying_again_what_was_stored_as_spam_is_refused_as_a_duplicate(client, article):
    # (Sent again when it was kept: tests/reliability/test_database_outage.py.)
    spam = comment_form_data(article, comment="Same words.", honeypot="http://x.example")
    client.post(url(article), spam)
    response = client.post(url(article), comment_form_data(article, comment="Same words."))
    assert response.status_code == 400
    assert "already said that" in response.content.decode()
    assert XtdComment.objects.count() == 1


def test_a_filled_honeypot_is_stored_as_spam_without_telling_the_robot(client, article):
    response = client.post(url(article), comment_form_data(article, honeypot="http://x.example"))
    assert response.status_code == 302
    comment = XtdComment.objects.get()
    assert not comment.is_public
    assert comment.moderation.status == "spam"


def test_the_ip_address_comes_from_the_proxy_when_behind_one(client, article, settings):
    settings.BEHIND_PROXY = True
    client.post(
        url(article),
        comment_form_data(article),
        HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.50",
    )
    assert XtdComment.objects.get().ip_address == "203.0.113.50"


def test_a_garbled_forwarded_address_falls_back_to_the_connection(client, article, settings):
    settings.BEHIND_PROXY = True
    client.post(url(article), comment_form_data(article), HTTP_X_FORWARDED_FOR="<script>")
    assert XtdComment.objects.get().ip_address == "127.0.0.1"


def test_without_a_proxy_forwarded_addresses_are_ignored(client, article):
    client.post(url(article), comment_form_data(article), HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert XtdComment.objects.get().ip_address == "127.0.0.1"


def test_the_form_links_to_the_privacy_page_and_names_akismet_only_when_used(
    client, article, settings
):
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/comments/privacy/">Learn how your comment data is processed</a>' in page
    assert "Akismet" not in page
    settings.AKISMET_API_KEY = "key"
    settings.AKISMET_SITE_URL = "https://news.example.org"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "This site uses Akismet to reduce spam." in page


@pytest.mark.parametrize(
    ("first", "refused", "message"),
    [
        pytest.param(None, {"comment": ""}, "Please type your comment.", id="form-error"),
        pytest.param(None, {"timestamp": "1"}, "the form expired", id="stale-form"),
        pytest.param(
            {"comment": "Same words.", "honeypot": "http://x.example"},
            {"comment": "Same words."},
            "already said that",
            id="duplicate",
        ),
    ],
)
def test_a_refused_post_without_javascript_keeps_the_storys_likes_and_related_stories(
    client, article, make_article, reader, first, refused, message
):
    article_like_toggle(article=article, user=reader)
    related = make_article(title="Another story from the same agency")
    if first:
        client.post(url(article), comment_form_data(article, **first))
    response = client.post(url(article), comment_form_data(article, **refused))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "One blogger likes this." in page
    assert "Be the first to like this." not in page
    assert f">{related.title}</a>" in page


# --- Bad input: a clear message, the typed text kept, nothing saved ------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"comment": "   \n  "}, "Please type your comment."),
        ({"comment": "x" * 10_001}, "Ensure this value has at most 10000 characters"),
        ({"email": "not-an-email"}, "Please give a valid email address"),
        ({"email": ""}, "Please give your email address"),
        ({"name": ""}, "Please give your name."),
        ({"url": "javascript:alert(1)"}, "Please give a valid web address."),
        ({"reply_to": "999999"}, "not on this article"),
        ({"reply_to": str(10**20)}, "not on this article"),
        ({"reply_to": "-3"}, "greater than or equal to 0"),
        ({"reply_to": "abc"}, "Enter a whole number."),
    ],
)
def test_bad_input_returns_the_form_with_a_clear_error(client, article, fields, message):
    data = comment_form_data(article, **{"comment": "What I typed", **fields})
    response = client.post(post_url(article), data)
    assert response.status_code == 400
    page = parse(response)
    assert message in page.xpath('//div[@id="respond"]')[0].text_content()
    values = form_values(page)
    assert values["comment"] == data["comment"] and values["name"] == data["name"]
    assert XtdComment.objects.count() == 0


def test_a_reply_to_a_comment_on_another_article_is_refused(client, article, make_article):
    elsewhere = add_comment(make_article(), "Elsewhere")
    response = client.post(post_url(article), comment_form_data(article, reply_to=elsewhere.pk))
    assert response.status_code == 400
    assert "not on this article" in text_of(parse(response), '//*[@role="alert"]')
    assert XtdComment.objects.count() == 1


@pytest.mark.parametrize("state", [{"is_public": False}, {"is_removed": True}])
def test_a_reply_to_a_hidden_comment_is_refused(client, article, state):
    parent = add_comment(article, "Gone")
    XtdComment.objects.filter(pk=parent.pk).update(**state)
    response = client.post(post_url(article), comment_form_data(article, reply_to=parent.pk))
    assert response.status_code == 400
    assert "not on this article (any more)" in text_of(parse(response), '//*[@role="alert"]')
    assert XtdComment.objects.count() == 1


def _expired_security_data(article) -> dict:
    timestamp = int(time.time()) - 3 * 3600
    form = CommentForm(article)
    return {"timestamp": str(timestamp), "security_hash": form.initial_security_hash(timestamp)}


@pytest.mark.parametrize(
    "security",
    [
        pytest.param(_expired_security_data, id="expired"),
        pytest.param(lambda article: {"security_hash": "0" * 40}, id="tampered-hash"),
        pytest.param(lambda article: {"object_pk": "999"}, id="tampered-object"),
        pytest.param(lambda article: {"timestamp": "soon"}, id="garbled-timestamp"),
    ],
)
def test_a_stale_or_tampered_form_asks_to_send_again_keeping_the_text(client, article, security):
    data = comment_form_data(article, comment="Long thoughts", url="https://olena.example.org/")
    data.update(security(article))
    response = client.post(post_url(article), data)
    assert response.status_code == 400
    page = parse(response)
    assert "the form expired" in text_of(page, '//*[@role="alert"]')
    assert "please send it again" in text_of(page, '//*[@role="alert"]')
    values = form_values(page)
    assert (values["comment"], values["name"], values["url"]) == (
        "Long thoughts",
        "Olena",
        "https://olena.example.org/",
    )
    assert XtdComment.objects.count() == 0
    # The form on the page carries fresh security data: sending it again works.
    assert client.post(post_url(article), values).status_code == 302
    assert XtdComment.objects.get().comment == "Long thoughts"


def test_an_expired_reply_stays_a_reply(client, article):
    parent = add_comment(article, "First!", user_name="Taras")
    data = comment_form_data(article, reply_to=parent.pk, **_expired_security_data(article))
    page = parse(client.post(post_url(article), data))
    assert text_of(page, '//*[@id="reply-title"]') == "Leave a Reply to Taras Cancel reply"
    assert form_values(page)["reply_to"] == str(parent.pk)


def test_a_stale_form_with_javascript_gets_a_fresh_form_back(client, article):
    data = comment_form_data(article, comment="Long thoughts", security_hash="0" * 40)
    response = client.post(post_url(article), data, **FETCH)
    assert response.status_code == 400
    form = parse_fragment(response.json()["form"])
    assert "the form expired" in text_of(form, '//*[@role="alert"]')
    assert CommentForm(article, data=form_values(form)).is_valid()


def test_comments_on_an_unpublished_article_are_refused(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.post(post_url(draft), comment_form_data(draft)).status_code == 404
    response = client.post(post_url(draft), comment_form_data(draft), **FETCH)
    assert response.status_code == 404
    assert response.json()["error"] == "Comments are closed: this article is not published."
    assert XtdComment.objects.count() == 0


def test_posting_rejects_get(client, article):
    assert client.get(post_url(article)).status_code == 405


def test_posting_from_another_site_is_refused(article):
    stranger_site = Client(enforce_csrf_checks=True)
    response = stranger_site.post(post_url(article), comment_form_data(article))
    assert response.status_code == 403
    assert XtdComment.objects.count() == 0
