"""Akismet through its real client, with the HTTP endpoint mocked (respx: the client uses
httpx, which `responses` does not intercept)."""

from urllib.parse import parse_qs

import httpx
import pytest
import respx

from comments.moderation.actions import comment_mark_ham, comment_mark_spam
from tests.factories import post

pytestmark = pytest.mark.django_db

CHECK_URL = "https://rest.akismet.com/1.1/comment-check"
SPAM_URL = "https://rest.akismet.com/1.1/submit-spam"
HAM_URL = "https://rest.akismet.com/1.1/submit-ham"
THANKS = "Thanks for making the web a better place."


@pytest.fixture(autouse=True)
def akismet_on(settings):
    settings.AKISMET_API_KEY = "abc123key"
    settings.AKISMET_SITE_URL = "https://news.example.org"
    settings.AKISMET_TIMEOUT = 1.5


@pytest.fixture
def akismet():
    with respx.mock(assert_all_called=False) as mock:
        yield mock


def sent(route) -> dict:
    return {k: v[0] for k, v in parse_qs(route.calls.last.request.content.decode()).items()}


def test_a_comment_akismet_calls_spam_is_stored_as_spam(article, akismet):
    akismet.post(CHECK_URL).respond(200, text="true")
    comment = post(article, text="Just a comment.", ip_address="203.0.113.5")
    assert not comment.is_public
    assert comment.moderation.status == "spam"
    assert comment.moderation.reasons == [
        {"check": "akismet", "verdict": "spam", "detail": "Akismet: spam"}
    ]


def test_akismet_is_sent_the_fields_it_recommends(article, akismet):
    route = akismet.post(CHECK_URL).respond(200, text="false")
    post(
        article,
        name="Rita",
        email="rita@example.org",
        url="https://rita.example",
        text="Interesting.",
        ip_address="203.0.113.5",
        user_agent="Firefox/130",
        referrer="https://news.example.org/",
    )
    fields = sent(route)
    assert fields["api_key"] == "abc123key"
    assert fields["blog"] == "https://news.example.org"
    assert fields["user_ip"] == "203.0.113.5"
    assert fields["comment_type"] == "comment"
    assert fields["comment_author"] == "Rita"
    assert fields["comment_author_email"] == "rita@example.org"
    assert fields["comment_author_url"] == "https://rita.example"
    assert fields["comment_content"] == "Interesting."
    assert fields["user_agent"] == "Firefox/130"
    assert fields["referrer"] == "https://news.example.org/"
    assert fields["permalink"] == "https://news.example.org" + article.get_absolute_url()
    # Our timeout, not the package's default second.
    assert route.calls.last.request.extensions["timeout"]["read"] == 1.5


def test_a_reply_is_sent_as_a_reply(article, akismet):
    route = akismet.post(CHECK_URL).respond(200, text="false")
    parent = post(article, text="Top-level comment.")
    post(article, email="b@example.org", text="A reply.", parent=parent)
    assert sent(route)["comment_type"] == "reply"


def test_blatant_spam_is_kept_as_spam_not_discarded(article, akismet):
    akismet.post(CHECK_URL).respond(200, text="true", headers={"X-akismet-pro-tip": "discard"})
    comment = post(article)
    assert comment.pk is not None
    assert comment.moderation.status == "spam"
    assert comment.moderation.reasons[0]["detail"] == "Akismet: blatant spam"


def test_a_comment_akismet_calls_ham_is_published(article, akismet):
    akismet.post(CHECK_URL).respond(200, text="false")
    comment = post(article)
    assert comment.is_public
    assert comment.moderation.reasons == []


def test_an_akismet_error_holds_the_comment(article, akismet):
    akismet.post(CHECK_URL).respond(500, text="oops")
    comment = post(article)
    assert not comment.is_public
    assert comment.moderation.status == "held"
    assert comment.moderation.reasons[0]["check"] == "akismet_error"


def test_an_akismet_timeout_holds_the_comment(article, akismet):
    akismet.post(CHECK_URL).mock(side_effect=httpx.ReadTimeout("too slow"))
    comment = post(article)
    assert comment.moderation.status == "held"
    assert "timed out" in comment.moderation.reasons[0]["detail"]


def test_an_invalid_key_holds_the_comment(article, akismet):
    akismet.post(CHECK_URL).respond(200, text="invalid")
    assert post(article).moderation.status == "held"


def test_akismet_is_not_asked_when_a_local_check_already_says_spam(article, akismet):
    route = akismet.post(CHECK_URL).respond(200, text="false")
    comment = post(article, text="cheap viagra here")
    assert comment.moderation.status == "spam"
    assert not route.called


def test_akismet_is_not_asked_without_a_key(article, akismet, settings):
    settings.AKISMET_API_KEY = ""
    route = akismet.post(CHECK_URL).respond(200, text="true")
    assert post(article).is_public
    assert not route.called


def test_marking_spam_teaches_akismet(article, akismet, editor):
    akismet.post(CHECK_URL).respond(200, text="false")
    route = akismet.post(SPAM_URL).respond(200, text=THANKS)
    comment = post(article, text="Sneaky spam.", ip_address="203.0.113.9", user_agent="Bot/1")
    assert comment_mark_spam(comment, by=editor) is True
    fields = sent(route)
    assert fields["user_ip"] == "203.0.113.9"
    assert fields["comment_content"] == "Sneaky spam."
    assert fields["user_agent"] == "Bot/1"
    comment.refresh_from_db()
    assert not comment.is_public


def test_marking_not_spam_teaches_akismet_and_publishes(article, akismet, editor):
    akismet.post(CHECK_URL).respond(200, text="true")
    route = akismet.post(HAM_URL).respond(200, text=THANKS)
    comment = post(article, text="I am a real person.")
    assert comment.moderation.status == "spam"
    assert comment_mark_ham(comment, by=editor) is True
    assert sent(route)["comment_content"] == "I am a real person."
    comment.refresh_from_db()
    assert comment.is_public


def test_a_failed_report_to_akismet_still_moderates(article, akismet, editor):
    akismet.post(CHECK_URL).respond(200, text="false")
    akismet.post(SPAM_URL).mock(side_effect=httpx.ConnectError("down"))
    comment = post(article)
    assert comment_mark_spam(comment, by=editor) is False
    comment.refresh_from_db()
    assert comment.moderation.status == "spam"


def test_akismet_is_not_told_once_the_ip_address_is_cleared(article, akismet, editor):
    akismet.post(CHECK_URL).respond(200, text="false")
    route = akismet.post(SPAM_URL).respond(200, text=THANKS)
    comment = post(article)
    comment.ip_address = None
    comment.save()
    assert comment_mark_spam(comment, by=editor) is False
    assert not route.called
