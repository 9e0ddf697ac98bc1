"""On a phone, a deep discussion stays inside the screen: no sideways scrolling, each
comment's actions wrap within its column, and the Like pill stays on one line."""

import pytest
from django_comments_xtd.conf import settings as xtd_settings

from tests.factories import add_comment

pytestmark = pytest.mark.browser

DEPTH = 10


@pytest.fixture
def deep_discussion(article, settings, monkeypatch):
    """A reply chain DEPTH comments deep (COMMENTS_MAX_THREAD_LEVEL raised to allow it), the
    deepest with a long unbroken word."""
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = DEPTH - 1
    # xtd copies the settings it reads once, on first use.
    monkeypatch.setattr(xtd_settings, "COMMENTS_XTD_MAX_THREAD_LEVEL", DEPTH - 1)
    parent = None
    for level in range(DEPTH):
        text = "Agreed, and here is why." if level < DEPTH - 1 else "Unbelievable" * 8
        parent = add_comment(article, text, parent=parent, user_name=f"Commenter {level}")
    assert parent.level == DEPTH - 1
    return article


@pytest.mark.parametrize("width", [320, 375])
def test_a_deep_reply_chain_fits_a_phone_screen(live_server, browser, deep_discussion, width):
    context = browser.new_context(viewport={"width": width, "height": 740})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + deep_discussion.get_absolute_url())
    assert page.locator(".comment").count() == DEPTH
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert sizes[0] <= sizes[1], f"the page scrolls sideways: {sizes}"
    # Every action of every comment is inside the screen, "Report" included.
    right_edges = page.locator(
        ".comment > :is(.comment-like-button, .comment-reply-link, .comment-report-link)"
    ).evaluate_all("actions => actions.map(action => action.getBoundingClientRect().right)")
    assert len(right_edges) >= 3 * DEPTH - 1  # Like, Reply (not the deepest), Report
    assert max(right_edges) <= width
    # The Like pill is one line of text high, at every depth.
    pills = page.locator(".comment-like-button")
    line_heights = pills.evaluate_all(
        """pills => pills.map(pill => {
            const style = getComputedStyle(pill);
            const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
            const border = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
            return (pill.getBoundingClientRect().height - padding - border)
                / parseFloat(style.lineHeight);
        })"""
    )
    assert len(line_heights) == DEPTH
    assert all(round(lines, 2) == 1 for lines in line_heights), line_heights
    context.close()
