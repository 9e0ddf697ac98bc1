"""Posting through the view: refusals keep the reader's text and say what to do."""

import pytest
from django_comments_xtd.models import XtdComment

from blog.services import article_like_toggle
from tests.factories import comment_form_data

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


def test_a_double_post_is_refused_as_a_duplicate(client, article):
    client.post(url(article), comment_form_data(article, comment="Same words."))
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
            {"comment": "Same words."},
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
