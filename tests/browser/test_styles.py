"""Dark mode follows the system setting; printing an article leaves only the story."""

import pytest

pytestmark = pytest.mark.browser


def background(page):
    return page.evaluate("() => getComputedStyle(document.body).backgroundColor")


def test_dark_mode_follows_the_system_setting(live_server, page, demo):
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + demo.get_absolute_url())
    assert background(page) == "rgb(255, 255, 255)"
    page.emulate_media(color_scheme="dark")
    assert background(page) == "rgb(22, 24, 27)"
    like = page.locator(".like-button")
    assert like.evaluate("el => getComputedStyle(el).color") == "rgb(109, 179, 242)"


def test_a_printed_article_keeps_the_story_and_drops_the_rest(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    page.emulate_media(media="print", color_scheme="dark")
    assert background(page) == "rgb(255, 255, 255)"
    for hidden in (".sidebar", ".share", ".likes", ".site-footer", ".skip-link"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in (".article-title", ".article-photo", ".article-body", ".attribution"):
        assert page.locator(shown).is_visible(), shown
    # Links print with their address.
    source_link = page.locator(".attribution a[href^='http']")
    after = source_link.evaluate("el => getComputedStyle(el, '::after').content")
    assert after == '" (https://www.unian.info/world)"'
