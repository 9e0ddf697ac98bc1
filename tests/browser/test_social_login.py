"""Logging in to comment in a real browser against a real OpenID Connect provider on
loopback: with a popup, without JavaScript, denied, and logging out again."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OIDC_NAME
from tests.browser.discussion import comment_author, comment_avatar, comment_text
from tests.factories import post

pytestmark = pytest.mark.browser

TEXT = "I typed this before logging in, and it is still here."


@pytest.fixture
def discussed(article):
    post(article, name="Foccusser", email="f@example.org", text="First!")
    return article


def open_article(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    page.locator("#id_comment").fill(TEXT)


def log_in_without_javascript(page, live_server, article):
    """Type a comment, click the provider's icon and log in as "dana" at the provider."""
    open_article(page, live_server, article)
    page.get_by_role("button", name=f"Log in with {OIDC_NAME}").click()
    page.get_by_role("button", name="dana", exact=True).click()


def log_in_in_popup(page, *, action="dana"):
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name=f"Log in with {OIDC_NAME}").click()
    popup = popup_info.value
    expect(page.locator(".login-status")).to_have_text(f"Connecting to {OIDC_NAME}…")
    with popup.expect_event("close"):
        popup.get_by_role("button", name=action, exact=True).click()


def test_a_reader_logs_in_in_a_popup_and_comments_as_that_account(
    live_server, page, oidc_provider, discussed
):
    open_article(page, live_server, discussed)

    log_in_in_popup(page)

    expect(page.locator(".logged-in-as")).to_contain_text(
        f"You are commenting using your {OIDC_NAME} account."
    )
    assert page.locator("#id_comment").input_value() == TEXT
    assert page.locator("#commentform").get_by_role("textbox", name="Email").count() == 0
    # Logging in renewed the CSRF token: liking still works without a reload.
    page.get_by_role("button", name="Like the comment by Foccusser").click()
    expect(page.get_by_role("button", name="Liked the comment by Foccusser")).to_be_visible()

    page.get_by_role("button", name="Post Comment").click()

    posted = page.locator(".comment-list > li").last
    expect(comment_text(posted)).to_have_text(TEXT)
    assert comment_author(posted) == "Dana Demo"
    assert comment_avatar(posted) == oidc_provider["picture"]
    picture = page.request.get(oidc_provider["picture"])
    assert picture.ok and picture.headers["content-type"].startswith("image/")


def test_without_javascript_the_login_is_a_round_trip_back_to_the_form(
    live_server, nojs_page, oidc_provider, article
):
    page = nojs_page
    log_in_without_javascript(page, live_server, article)

    page.wait_for_url(f"**{article.get_absolute_url()}#respond")
    expect(page.locator(".logged-in-as")).to_contain_text(
        f"You are commenting using your {OIDC_NAME} account."
    )
    assert page.locator("#id_comment").input_value() == TEXT
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url("**#comment-*")
    posted = page.locator(".comment-list > li").last
    assert comment_author(posted) == "Dana Demo"
    assert comment_avatar(posted) == oidc_provider["picture"]


def test_denying_consent_in_the_popup_keeps_the_text_and_says_what_happened(
    live_server, page, oidc_provider, article
):
    open_article(page, live_server, article)

    log_in_in_popup(page, action="Deny")

    expect(page.locator(".login-notice")).to_have_text(
        f"Logging in with {OIDC_NAME} was cancelled. Your comment is still here: "
        "click an icon to try again, or fill in your details below."
    )
    assert page.locator("#id_comment").input_value() == TEXT
    expect(page.locator("#commentform").get_by_role("textbox", name="Email")).to_be_visible()


def test_log_out_keeps_the_reader_on_the_article_with_their_text(
    live_server, page, oidc_provider, article
):
    open_article(page, live_server, article)
    log_in_in_popup(page)
    expect(page.locator(".logged-in-as")).to_be_visible()

    page.get_by_role("button", name="Log out").click()

    expect(page.locator(".login-notice")).to_have_text(
        "You are logged out. Your comment is still here."
    )
    assert page.url == live_server.url + article.get_absolute_url()
    assert page.locator("#id_comment").input_value() == TEXT
    expect(page.get_by_role("button", name=f"Log in with {OIDC_NAME}")).to_be_visible()


def test_change_without_javascript_goes_back_to_the_icons_keeping_the_text(
    live_server, nojs_page, oidc_provider, article
):
    page = nojs_page
    log_in_without_javascript(page, live_server, article)
    page.wait_for_url("**#respond")

    page.get_by_role("button", name="Change").click()

    page.wait_for_url(f"**{article.get_absolute_url()}#comment-login")
    assert page.locator("#id_comment").input_value() == TEXT
    expect(page.get_by_role("textbox", name="Name")).to_be_visible()


def test_with_popups_blocked_the_icon_falls_back_to_the_round_trip(
    live_server, page, oidc_provider, article
):
    page.add_init_script("window.open = () => null")
    open_article(page, live_server, article)

    page.get_by_role("button", name=f"Log in with {OIDC_NAME}").click()
    page.get_by_role("button", name="dana", exact=True).click()

    page.wait_for_url(f"**{article.get_absolute_url()}#respond")
    expect(page.locator(".logged-in-as")).to_contain_text(f"your {OIDC_NAME} account")
    assert page.locator("#id_comment").input_value() == TEXT


def test_the_popups_first_page_waits_for_a_click_unless_the_article_opened_it(
    live_server, page, oidc_provider, article
):
    connect = f"{live_server.url}/comments/login/{article.pk}/connect/?provider=demo"

    page.goto(connect)

    expect(page.get_by_role("status")).to_have_text(f"Connecting to {OIDC_NAME}…")
    expect(page.get_by_role("button", name=f"Continue to {OIDC_NAME}")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.url == connect
