"""From an agency's feed to a published, attributed article, in a real browser."""

import base64
from pathlib import Path

import pytest

from blog.models import Source, SourceFeed
from tests.browser.signin import staff_sign_in

pytestmark = pytest.mark.browser

FEED = Path(__file__).parents[1] / "blog" / "feeds" / "unian_rss.xml"
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
TITLE = "NATO-Russia Relations Reached Bottom – Stoltenberg"


@pytest.fixture
def immediate_tasks(settings):
    # "Import now" runs in the request with the ImmediateBackend (django_tasks resets its
    # backends on a TASKS change through its signals module).
    import django_tasks.signals  # noqa: F401

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_an_editor_imports_and_publishes_a_story_that_a_reader_then_sees(
    live_server, page, browser, editor, feed_server, settings, immediate_tasks
):
    settings.WIRE_DOWNLOAD_IMAGES = False
    photo = feed_server.url_for("/photos/stoltenberg.png")
    feed_server.expect_request("/photos/stoltenberg.png").respond_with_data(
        TINY_PNG, content_type="image/png"
    )
    feed = FEED.read_text().replace("https://images.unian.info/photos/stoltenberg.jpg", photo)
    feed_server.expect_request("/unian.rss").respond_with_data(
        feed, content_type="application/rss+xml"
    )
    unian = Source.objects.create(
        name="UNIAN", slug="unian", copyright_notice="(C)UNIAN {year}", canonical_required=True
    )
    SourceFeed.objects.create(source=unian, url=feed_server.url_for("/unian.rss"))

    # The editor logs in and imports the agency's feed.
    staff_sign_in(page, live_server.url, "editor@example.org", "editor-password")
    page.get_by_role("link", name="Sources").click()
    page.check(f"input[name=_selected_action][value='{unian.pk}']")
    page.select_option("select[name=action]", "import_now")
    page.get_by_role("button", name="Go").click()
    assert page.locator(".messagelist").inner_text().endswith(": 3 new")

    # Opens the draft, checks its attribution, publishes it.
    page.get_by_role("link", name="Articles").first.click()
    page.get_by_role("link", name=TITLE).click()
    assert page.input_value("#id_original_byline") == "UNIAN correspondent, Brussels"
    assert page.input_value("#id_photo_credit") == "Reuters"
    assert page.input_value("#id_copyright_line") == "(C)UNIAN 2021"
    page.select_option("#id_status", "published")
    page.locator("input[name=_save]").first.click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    # A reader (not logged in) finds it on the front page, attributed.
    reader = browser.new_context()
    reader_page = reader.new_page()
    try:
        reader_page.goto(live_server.url)
        reader_page.get_by_role("link", name=TITLE).click()
        assert reader_page.get_by_role("heading", level=1).inner_text() == TITLE
        assert reader_page.locator(".copyright").inner_text() == "(C)UNIAN 2021"
        assert reader_page.locator("figcaption .credit").inner_text() == "/ Reuters"
        source_link = reader_page.locator(".attribution a")
        assert source_link.inner_text() == "UNIAN"
        assert source_link.get_attribute("href") == (
            "https://www.unian.info/world/nato-russia-relations-reached-bottom.html?id=11607183"
        )
        assert (
            "By UNIAN correspondent, Brussels." in reader_page.locator(".attribution").inner_text()
        )
        canonical = reader_page.locator("link[rel=canonical]").get_attribute("href")
        assert canonical == source_link.get_attribute("href")
        image = reader_page.locator(".article-photo img")
        assert image.get_attribute("src") == photo
        assert image.evaluate("img => img.complete && img.naturalWidth") == 1
    finally:
        reader.close()
