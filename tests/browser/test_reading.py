import re

import pytest

pytestmark = pytest.mark.browser


def test_a_reader_opens_the_demo_article_from_the_home_page(live_server, page, demo):
    page.goto(live_server.url)
    # (The sidebar links to the story too: take the link in the list of stories.)
    page.get_by_role("main").get_by_role(
        "link", name="NATO-Russia Relations Reached Bottom – Stoltenberg"
    ).click()
    page.wait_for_url(f"**{demo.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == demo.title
    assert page.locator("figcaption .credit").inner_text() == "/ Reuters"
    assert page.locator(".copyright").inner_text() == "(C)UNIAN 2021"
    # The 1200 px photo, as the rendition that fits the 672 px column (no wider).
    photo = page.locator(".article-photo img")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 672
    assert re.search(r"/800w\.(avif|webp)$", photo.evaluate("img => img.currentSrc"))
