"""The comment moderation desk in a real browser, on a 1280 px wide screen."""

import pytest
from django.conf import settings
from django.test import Client
from django_comments_xtd.models import XtdComment
from playwright.sync_api import expect

from comments.models import CommentModeration
from comments.moderation.desk import comment_status
from tests.browser.discussion import comment_author, comment_with_text
from tests.factories import post

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(live_server, page, editor):
    """The editor's browser on the comment list, 1280 × 800."""
    client = Client()
    client.force_login(editor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_viewport_size({"width": 1280, "height": 800})
    return page


def test_the_whole_row_fits_a_1280_px_screen(desk, live_server, article):
    post(article, name="Hal", text="Links https://a.example https://b.example https://c.example")
    post(article, name="Pat", text="A long comment. " * 40)
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    first_row = desk.locator("#result_list tbody tr").first
    for cell in ("th.column-status_and_reasons", "td.field-status_and_reasons", ".desk-trash"):
        box = desk.locator(cell).first.bounding_box()
        assert box["x"] + box["width"] <= 1280, cell
    assert first_row.locator(".desk-status").inner_text() == "Published"
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1280


def test_j_then_s_marks_the_second_comment_spam(desk, live_server, article):
    older = post(article, name="Older", text="The older comment.")
    newer = post(article, name="Newer", text="The newer comment.")
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    rows = desk.locator("#result_list tbody tr")
    assert "Newer" in rows.nth(0).inner_text()  # newest first

    desk.keyboard.press("j")
    expect(rows.nth(1)).to_have_attribute("aria-current", "true")
    desk.keyboard.press("s")
    desk.locator(".messagelist").wait_for()
    assert "Comment by Older marked as spam." in desk.locator(".messagelist").inner_text()
    assert CommentModeration.objects.get(comment=older).status == "spam"
    assert CommentModeration.objects.get(comment=newer).status == "published"
    # The cursor stays on the row the editor was on.
    expect(rows.nth(1)).to_have_attribute("aria-current", "true")


def test_r_opens_the_reply_and_the_reply_shows_with_a_staff_badge(desk, live_server, article):
    post(article, name="Rita", text="Is the photo from today?")
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    desk.keyboard.press("r")
    desk.wait_for_url("**/reply/")
    desk.keyboard.type("Yes, taken this morning.")  # the reply box has the focus
    desk.get_by_role("button", name="Reply").click()
    assert "Your reply to Rita is published" in desk.locator(".messagelist").inner_text()

    desk.goto(live_server.url + article.get_absolute_url())
    reply = comment_with_text(desk, "Yes, taken this morning.")
    expect(reply, f"the reply on the article page: {_discussion(article)}").to_be_visible()
    assert comment_author(reply) == "editor"
    assert reply.locator(".comment-badge").inner_text() == "staff"


def _discussion(article) -> list:
    """What the database holds of the article's discussion, for a failure's message."""
    return [
        (c.pk, c.parent_id, c.user_name, c.is_public, c.is_removed, comment_status(c))
        for c in XtdComment.objects.filter(object_pk=str(article.pk))
    ]
