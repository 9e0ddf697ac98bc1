"""axe-core (vendored, tests/browser/vendor/) finds no serious or critical accessibility
violations on the pages readers use most, in light and dark mode."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy (rightly)
    # refuses an injected inline <script>.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['impact']}: {violation['id']} ({violation['help']}) at "
        + json.dumps([node["target"] for node in violation["nodes"]][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["home", "article", "search", "login", "archive", "not found"])
def test_pages_have_no_serious_accessibility_violations(live_server, page, demo, name, scheme):
    urls = {
        "home": "/",
        "article": demo.get_absolute_url(),
        "search": "/search/?q=dialogue",
        "login": f"/accounts/login/?next={demo.get_absolute_url()}",
        "archive": "/2021/10/",
        "not found": "/no/such/page/",
    }
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + urls[name])
    assert page.locator("h1").count() == 1
    assert blocking_violations(page) == []


def test_the_article_page_of_a_signed_in_reader_passes_too(live_server, page, demo, reader):
    page.goto(f"{live_server.url}/accounts/login/?next={demo.get_absolute_url()}")
    page.get_by_role("main").get_by_label("Email").fill("reader@example.org")
    page.get_by_label("Password").fill("reader-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{demo.get_absolute_url()}")
    page.get_by_role("button", name="Like this story").click()
    page.get_by_text("One blogger likes this.").wait_for()
    assert blocking_violations(page) == []
