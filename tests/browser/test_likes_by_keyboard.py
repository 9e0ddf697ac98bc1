"""Logging in and liking a story with the keyboard alone, with and without JavaScript."""

import pytest

from blog.models import ArticleLike

pytestmark = pytest.mark.browser


def tab_to(page, description, is_target, limit=80):
    """Press Tab until `is_target(focused element)` holds (a JS predicate)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {is_target}; }}"):
            return
    raise AssertionError(f"Tab never reached {description}")


def log_in_by_keyboard(page):
    tab_to(page, "the email field", "el.name === 'login'")
    page.keyboard.type("reader@example.org")
    tab_to(page, "the password field", "el.name === 'password'")
    page.keyboard.type("reader-password")
    page.keyboard.press("Enter")


def test_a_guest_logs_in_and_likes_a_story_with_the_keyboard(live_server, page, demo, reader):
    page.goto(live_server.url + demo.get_absolute_url())
    tab_to(page, "the log-in-to-like link", "el.textContent.includes('Log in to like')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/**")
    log_in_by_keyboard(page)
    page.wait_for_url(f"**{demo.get_absolute_url()}#likes")

    tab_to(page, "the Like button", "el.matches('button.like-button')")
    page.keyboard.press("Space")
    page.get_by_text("One blogger likes this.").wait_for()
    like = page.locator("button.like-button")
    assert like.get_attribute("aria-pressed") == "true"
    # The block was replaced without a reload, and focus stayed on the button.
    assert page.evaluate("() => document.activeElement.matches('button.like-button')")
    assert page.get_by_role("img", name="Rita Reader").is_visible()
    assert ArticleLike.objects.filter(article=demo, user=reader).exists()

    page.keyboard.press("Enter")
    page.get_by_text("Be the first to like this.").wait_for()
    assert like.get_attribute("aria-pressed") == "false"
    assert not ArticleLike.objects.exists()


def test_liking_works_without_javascript(live_server, nojs_page, demo, reader):
    page = nojs_page
    page.goto(live_server.url + demo.get_absolute_url())
    page.get_by_role("link", name="Log in to like").click()
    log_in_by_keyboard(page)
    page.wait_for_url(f"**{demo.get_absolute_url()}#likes")
    page.get_by_role("button", name="Like this story").click()
    page.wait_for_url(f"**{demo.get_absolute_url()}#likes")
    assert page.get_by_text("One blogger likes this.").is_visible()
    assert page.locator("button.like-button").get_attribute("aria-pressed") == "true"


def test_copy_link_puts_the_address_on_the_clipboard(live_server, browser, demo):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(live_server.url + demo.get_absolute_url())
        page.get_by_role("link", name="Copy link").click()
        page.get_by_text("Link copied.").wait_for()
        assert page.evaluate("() => navigator.clipboard.readText()") == (
            live_server.url + demo.get_absolute_url()
        )
        assert page.url == live_server.url + demo.get_absolute_url()
    finally:
        context.close()
