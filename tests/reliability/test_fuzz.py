"""Property-based fuzz of the reader's routes and forms: whatever text, content type,
charset or number a client sends, the answer is never a 5xx. Bounded (a few dozen examples
per test) to stay fast; it runs on PostgreSQL too in the suite's PostgreSQL run."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import comment_form_data

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text, NUL and control characters included; lone surrogates and invalid UTF-8 travel
# percent-encoded, as a client would send them (the test client cannot encode a surrogate).
TEXT = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["\x00", "a\x00b", "%ED%A0%80", "%FF%FE", "\u202e", "../..", "'; --"]),
)
NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str), st.just("1e999"), st.just("-0")
)
VALUE = st.one_of(TEXT, NUMBER)

PATHS = [
    "/{n}/",
    "/comments/subscriptions/{t}/",
    "/comments/subscriptions/{t}/confirm/",
    "/comments/subscriptions/{t}/stop/",
    "/comments/privacy/confirm/{t}/",
    "/comments/avatar/{t}.svg",
    "/comments/cr/{n}/{t}/",
    "/category/{t}/",
    "/tag/{t}/",
    "/source/{t}/",
    "/comments/form/{n}/",
    "/2026/{n}/",
    "/{n}/{n}/{n}/{t}/",
]
QUERIES = ["q", "page", "replytocom", "provider", "next"]
FORMS = [
    "/comments/follow/",
    "/comments/privacy/request/",
    "/search/",
    "/comments/post/{article}/",
    "/comments/{n}/report/",
    "/comments/{n}/like/",
    "/articles/{n}/like/",
    "/comments/login/{article}/",
]
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=latin-1",
        "application/x-www-form-urlencoded; charset=nonsense",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "application/json",
        "text/plain; charset=utf-8",
        "",
    ]
)


@pytest.fixture
def anyone(settings, db):
    """A client answered the way a real visitor is: error pages, not raised exceptions."""
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def browser(anyone):
    """The same, with CSRF checked as for a browser holding the cookie: the check reads the
    body first; guests' forms are checked by the Origin a browser sends (blog.guest_csrf)."""
    client = Client(
        enforce_csrf_checks=True,
        raise_request_exception=False,
        headers={"Origin": "http://testserver"},
    )
    client.cookies["csrftoken"] = "a" * 32
    return client


def _fill(template: str, value: str, article) -> str:
    return template.format(t=quote(value, safe="%"), n=quote(value, safe="%"), article=article.pk)


@FUZZ
@given(template=st.sampled_from(PATHS), value=VALUE, query=st.sampled_from(QUERIES), arg=VALUE)
def test_no_reader_page_answers_a_server_error(anyone, article, template, value, query, arg):
    url = f"{_fill(template, value, article)}?{query}={quote(arg, safe='%')}"
    assert anyone.get(url).status_code < 500, url


@FUZZ
@given(
    template=st.sampled_from(FORMS),
    value=NUMBER,
    fields=st.dictionaries(
        st.sampled_from(["email", "comment", "name", "url", "reply_to", "kind", "reason", "q"]),
        VALUE,
        max_size=5,
    ),
)
def test_no_form_answers_a_server_error(anyone, article, template, value, fields):
    data = comment_form_data(article) | fields
    response = anyone.post(_fill(template, value, article), data)
    assert response.status_code < 500, (template, data)


@FUZZ
@given(template=st.sampled_from(FORMS), content_type=CONTENT_TYPES, body=st.binary(max_size=80))
def test_no_body_or_charset_answers_a_server_error(browser, article, template, content_type, body):
    url = _fill(template, "1", article)
    response = browser.generic("POST", url, body, content_type=content_type)
    assert response.status_code < 500, (url, content_type, body)
