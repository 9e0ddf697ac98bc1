"""The browser finds the site's icon: no request of an article page answers 404."""

import pytest

pytestmark = pytest.mark.browser


def test_an_article_page_loads_its_icons_without_a_missing_file(live_server, page, demo):
    failed, icons = [], []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("response", lambda r: icons.append(r.url) if "/img/" in r.url else None)
    page.goto(live_server.url + demo.get_absolute_url(), wait_until="networkidle")
    hrefs = page.locator('link[rel="icon"], link[rel="apple-touch-icon"]').evaluate_all(
        "links => links.map(link => link.href)"
    )
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200, href
    favicon = page.request.get(live_server.url + "/favicon.ico")
    assert favicon.status == 200
    assert favicon.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert any(url.endswith("/img/icon.svg") for url in icons)  # the one Chromium picks
    assert failed == []
