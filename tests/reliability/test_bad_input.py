"""Bad input gets a 4xx with a message, on both databases: NUL characters in link tokens and
paths (PostgreSQL refuses them in every text column), a form in UTF-16, NUL in form fields."""

import pytest
from django.test import Client
from django_comments_xtd.models import XtdComment

from comments.models import Subscription
from tests.factories import comment_form_data
from tests.helpers import post_url

URLENCODED_UTF16 = "application/x-www-form-urlencoded; charset=utf-16"


@pytest.fixture
def browser_client(settings, db):
    """A client as a browser sends requests: CSRF checked, errors answered with the error
    pages instead of raised."""
    settings.DEBUG = False
    # A browser names the page a form comes from: guests' forms are checked by it
    # (blog.guest_csrf), the others by the CSRF cookie and the form's token.
    client = Client(
        enforce_csrf_checks=True,
        raise_request_exception=False,
        headers={"Origin": "http://testserver"},
    )
    # A CSRF cookie, so that the check reads the form's token from the body.
    client.cookies["csrftoken"] = "a" * 32
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/comments/subscriptions/tok%00en/",
        "/comments/subscriptions/tok%00en/confirm/",
        "/comments/subscriptions/tok%00en/stop/",
        "/comments/subscriptions/tok%00en/resume/",
        "/comments/subscriptions/tok%00en/one-click/",
        "/comments/privacy/confirm/tok%00en/",
        "/comments/avatar/ab%00cd.svg",
        "/comments/cr/1/1%00/",
        "/category/world%00/",
        "/no/such%00/page/",
    ],
)
def test_a_nul_character_in_a_link_is_a_page_not_found(client, article, settings, url):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 404
    assert "Oops! That page can’t be found." in response.content.decode()


def test_a_subscription_link_with_its_real_token_still_opens(client, article):
    subscription = Subscription.objects.create(
        email="olena@example.org", kind=Subscription.Kind.POSTS
    )
    assert client.get(subscription.manage_url()).status_code == 200


@pytest.mark.parametrize("url", ["/comments/follow/", "/comments/privacy/request/", "/search/"])
def test_a_form_posted_in_utf16_gets_a_400_that_says_so(browser_client, article, url):
    response = browser_client.post(url, "email=olena%40example.org", content_type=URLENCODED_UTF16)
    assert response.status_code == 400
    assert "This request could not be read." in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_comment_posted_in_utf16_is_refused_and_nothing_is_stored(browser_client, article):
    response = browser_client.post(
        post_url(article), "comment=Hello", content_type=URLENCODED_UTF16
    )
    assert response.status_code == 400
    assert not XtdComment.objects.exists()


def test_a_nul_character_in_a_comment_is_refused_with_a_message_and_the_text_kept(client, article):
    data = comment_form_data(article, comment="Good\x00 point.", name="Ole\x00na")
    response = client.post(post_url(article), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Null characters are not allowed." in html
    assert "Good" in html and "point." in html
    assert not XtdComment.objects.exists()


@pytest.mark.parametrize("url", ["/comments/follow/", "/comments/privacy/request/"])
def test_a_nul_character_in_an_email_address_is_refused_with_a_message(client, db, url):
    response = client.post(url, {"email": "olena\x00@example.org", "kind": "export"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_nul_character_in_a_search_is_answered_without_an_error(client, article):
    response = client.get("/search/", {"q": "Story\x00"})
    assert response.status_code in (200, 400)
    assert "Null characters are not allowed." in response.content.decode()
