"""A robot that submits the instant the page loads is refused with a clear message (its text
kept); a person who takes a moment to write gets their comment posted."""

import pytest
from django_comments_xtd.models import XtdComment

from tests.browser.discussion import paragraph

pytestmark = pytest.mark.browser


def fill(page, text):
    page.get_by_role("textbox", name="Comment").fill(text)
    page.get_by_role("textbox", name="Name").fill("Rita Reader")
    page.locator("#commentform").get_by_role("textbox", name="Email").fill("rita@example.org")


@pytest.mark.parametrize("browser_page", ["page", "nojs_page"])
def test_an_instant_submit_is_refused_with_a_clear_message(
    live_server, article, browser_page, request, settings
):
    # Far above what the robot takes, however slow the test machine is.
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 10
    page = request.getfixturevalue(browser_page)
    page.goto(live_server.url + article.get_absolute_url())
    fill(page, "Buy now, robots are fast.")
    page.get_by_role("button", name="Post Comment").click()
    error = page.locator("#respond .form-error")
    error.wait_for()
    assert "sent within moments of the page opening" in error.inner_text()
    assert page.get_by_role("textbox", name="Comment").input_value() == "Buy now, robots are fast."
    assert not XtdComment.objects.exists()


def test_a_person_who_takes_a_moment_gets_the_comment_posted(live_server, article, page, settings):
    # Small, so the test is quick (configurable: COMMENTS_MIN_SUBMIT_SECONDS).
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 2
    page.goto(live_server.url + article.get_absolute_url())
    fill(page, "I read the whole article before commenting.")
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Post Comment").click()
    posted = paragraph(page, "I read the whole article before commenting.")
    posted.wait_for()
    assert page.locator("#comments-title").inner_text().startswith("1 thought on")
    assert XtdComment.objects.get().is_public
