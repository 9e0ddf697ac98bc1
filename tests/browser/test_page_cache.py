"""A guest comments from an article page served from the page cache (blog.pagecache), with
JavaScript and without, and the next guest sees the comment."""

import pytest
import requests
from django_comments_xtd.models import XtdComment
from playwright.sync_api import expect

from tests.browser.discussion import comment_text, paragraph
from tests.browser.test_comments import fill_guest_form

pytestmark = pytest.mark.browser


@pytest.fixture
def cached_article(settings, live_server, demo):
    """The demo article, cached by an earlier guest's visit; returns its ETag."""
    settings.PAGE_CACHE_SECONDS = 60
    first = requests.get(live_server.url + demo.get_absolute_url(), timeout=10)
    assert first.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in first.headers
    return first.headers["ETag"].removeprefix("W/")


def served_from_cache(response, etag) -> bool:
    return response.headers["etag"].removeprefix("W/") == etag


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_guest_comments_from_a_cached_page_and_everyone_sees_it(
    live_server, browser, demo, cached_article, javascript
):
    guest = browser.new_context(java_script_enabled=javascript)
    page = guest.new_page()
    response = page.goto(live_server.url + demo.get_absolute_url())
    assert served_from_cache(response, cached_article)
    assert page.locator("#commentform input[name=csrfmiddlewaretoken]").count() == 0

    form = page.locator("#commentform")
    fill_guest_form(form, name="Olena", email="olena@example.org", text="Sent from the cache.")
    form.get_by_role("button", name="Post Comment").click()

    expect(paragraph(page, "Sent from the cache.")).to_be_visible()
    stored = XtdComment.objects.get(comment="Sent from the cache.")
    assert page.url.endswith(f"#comment-{stored.pk}")
    guest.close()

    # The next guest, who has never posted, gets the new page (cached again for others).
    other = browser.new_context()
    page = other.new_page()
    response = page.goto(live_server.url + demo.get_absolute_url())
    assert not served_from_cache(response, cached_article)
    expect(comment_text(page.locator(f"#comment-{stored.pk}"))).to_have_text("Sent from the cache.")
    other.close()
