"""The discussion in a real browser, with JavaScript (no reloads) and without it."""

import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.test import Client
from django_comments_xtd.models import XtdComment
from playwright.sync_api import expect

from tests.browser.discussion import comment_author, comment_likes, comment_text

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user):
    """Give the browser a session for `user`, as if they had logged in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def mark_page(page):
    """Tag the loaded document, to tell later whether the browser loaded a new one."""
    page.evaluate("window.stillTheSamePage = true")


def same_page(page) -> bool:
    return page.evaluate("window.stillTheSamePage === true")


def fill_guest_form(form, *, name, email, text):
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="Email", exact=True).fill(email)


def test_a_guest_posts_a_comment_and_sees_it_without_reload(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    mark_page(page)
    form = page.locator("#commentform")
    fill_guest_form(form, name="Олена", email="olena@example.org", text="Дякую! Thanks 🙂")
    form.get_by_role("button", name="Post Comment").click()

    comment = page.locator("ol.comment-list > li").last
    expect(comment_text(comment)).to_have_text("Дякую! Thanks 🙂")
    assert comment_author(comment) == "Олена"
    assert page.locator("#comments-title").inner_text() == f"6 thoughts on “{demo.title}”"
    assert same_page(page)
    saved = XtdComment.objects.get(user_name="Олена")
    assert page.url.endswith(f"#comment-{saved.pk}")
    # The form is ready for the next comment, still knowing who the guest is.
    assert form.get_by_role("textbox", name="Comment", exact=True).input_value() == ""
    assert form.get_by_role("textbox", name="Name", exact=True).input_value() == "Олена"


def test_a_guest_replies_in_place_cancels_and_replies_again(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    mark_page(page)
    sheldon = page.locator("ol.comment-list > li").first
    sheldon.get_by_role("link", name="Reply to Sheldon").click()

    respond = page.locator("#respond")
    assert respond.locator("#reply-title").inner_text() == "Leave a Reply to Sheldon Cancel reply"
    assert sheldon.locator("#respond").count() == 1  # the form moved under the comment
    assert page.get_by_role("textbox", name="Comment", exact=True).evaluate(
        "field => field === document.activeElement"
    )

    respond.get_by_role("link", name="Cancel reply").click()
    assert respond.locator("#reply-title").inner_text().startswith("Leave a Reply")
    assert respond.locator("#cancel-comment-reply-link").is_hidden()
    assert sheldon.locator("#respond").count() == 0

    sheldon.get_by_role("link", name="Reply to Sheldon").click()
    fill_guest_form(
        page.locator("#commentform"),
        name="Taras",
        email="taras@example.org",
        text="Agreed.",
    )
    page.get_by_role("button", name="Post Comment").click()

    reply = sheldon.locator(":scope > ol.children > li")
    expect(comment_text(reply)).to_have_text("Agreed.")
    assert same_page(page)
    saved = XtdComment.objects.get(user_name="Taras")
    first = XtdComment.objects.get(user_name="Sheldon")
    assert (saved.parent_id, saved.level) == (first.pk, 1)
    # The form went back to the end of the discussion, for a new top-level comment.
    assert sheldon.locator("#respond").count() == 0
    assert page.locator("#reply-title").inner_text().startswith("Leave a Reply")
    assert page.locator("#commentform input[name=reply_to]").input_value() == ""


def test_a_form_error_shows_in_place_and_keeps_the_text(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    mark_page(page)
    form = page.locator("#commentform")
    fill_guest_form(form, name="Olena", email="olena@example", text="My words")
    # The browser's own checks would stop this address; the server's are what is tested.
    form.evaluate("form => form.noValidate = true")
    form.get_by_role("button", name="Post Comment").click()
    assert "Please give a valid email address" in page.locator(".field-error").inner_text()
    assert page.get_by_role("textbox", name="Comment", exact=True).input_value() == "My words"
    assert same_page(page)
    assert not XtdComment.objects.filter(user_name="Olena").exists()


def test_a_proxy_error_keeps_the_text_and_the_reader_sends_it_again(live_server, page, demo):
    """A gateway's HTML error page instead of the server's JSON (the server went away)."""
    page.goto(live_server.url + demo.get_absolute_url())
    mark_page(page)
    page.route(
        "**/comments/post/**",
        lambda route: route.fulfill(
            status=502, content_type="text/html", body="<h1>Bad gateway</h1>"
        ),
    )
    form = page.locator("#commentform")
    fill_guest_form(form, name="Olena", email="olena@example.org", text="Worth keeping")
    form.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("alert")).to_contain_text("could not be saved just now")
    assert form.get_by_role("textbox", name="Comment", exact=True).input_value() == "Worth keeping"
    assert same_page(page) and not XtdComment.objects.filter(user_name="Olena").exists()

    page.unroute("**/comments/post/**")
    form.get_by_role("button", name="Post Comment").click()
    expect(comment_text(page.locator("ol.comment-list > li").last)).to_have_text("Worth keeping")
    assert XtdComment.objects.filter(user_name="Olena").count() == 1


def test_a_reader_likes_a_comment_without_reload(live_server, page, demo, reader):
    sign_in(page, live_server, reader)
    page.goto(live_server.url + demo.get_absolute_url())
    mark_page(page)
    foccusser = page.locator("ol.comment-list > li").nth(1)
    button = foccusser.locator(":scope > .comment-like-button")
    announced = page.get_by_role("status").and_(page.locator("#comment-like-status"))
    expect(button).to_have_accessible_name("Like the comment by foccusser")
    assert comment_likes(foccusser) == "Liked by 5 people"

    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(announced).to_have_text("Liked by 6 people")
    assert comment_likes(foccusser) == "Liked by 6 people"
    expect(button).to_have_accessible_name("Liked the comment by foccusser")

    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(announced).to_have_text("Liked by 5 people")
    assert comment_likes(foccusser) == "Liked by 5 people"
    assert same_page(page)


def test_a_guest_who_clicks_like_is_asked_to_log_in(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    page.locator("ol.comment-list > li").first.get_by_role(
        "button", name=re.compile("^Like")
    ).click()
    page.wait_for_url("**/accounts/login/**")
    first = XtdComment.objects.get(user_name="Sheldon")
    assert unquote(page.url).endswith(f"next={demo.get_absolute_url()}#comment-{first.pk}")


# --- Without JavaScript ----------------------------------------------------------------------------


def test_without_javascript_a_guest_posts_replies_and_is_remembered(live_server, nojs_page, demo):
    page = nojs_page
    page.goto(live_server.url + demo.get_absolute_url())
    form = page.locator("#commentform")
    fill_guest_form(form, name="Олена", email="olena@example.org", text="Plain HTML works.")
    form.get_by_label("Save my name, email, and website").check()
    form.get_by_role("button", name="Post Comment").click()

    comment = XtdComment.objects.get(comment="Plain HTML works.")
    page.wait_for_url(f"**{demo.get_absolute_url()}#comment-{comment.pk}")
    assert comment_text(page.locator(f"#comment-{comment.pk}")).inner_text() == (
        "Plain HTML works."
    )

    jan = page.locator("ol.comment-list > li").filter(has_text="Jan de Vries").first
    jan.get_by_role("link", name="Reply to Jan de Vries").click()
    page.wait_for_url("**?replytocom=*")
    assert page.locator("#reply-title").inner_text() == "Leave a Reply to Jan de Vries Cancel reply"
    # Remembered from the first comment (a cookie holding a Cyrillic name).
    assert page.get_by_role("textbox", name="Name", exact=True).input_value() == "Олена"
    page.get_by_role("textbox", name="Comment", exact=True).fill("A reply without JavaScript.")
    page.get_by_role("button", name="Post Comment").click()

    reply = XtdComment.objects.get(comment="A reply without JavaScript.")
    page.wait_for_url(f"**{demo.get_absolute_url()}#comment-{reply.pk}")
    nested = page.locator(f"#comment-{reply.parent_id} > ol.children > #comment-{reply.pk}")
    assert comment_text(nested).inner_text() == "A reply without JavaScript."


def test_without_javascript_a_reader_likes_and_comes_back_to_the_comment(
    live_server, nojs_page, demo, reader
):
    page = nojs_page
    sign_in(page, live_server, reader)
    page.goto(live_server.url + demo.get_absolute_url())
    mark = XtdComment.objects.get(user_name="Mark Hunter")
    page.locator(f"#comment-{mark.pk}").get_by_role("button", name=re.compile("^Like")).click()
    page.wait_for_url(f"**{demo.get_absolute_url()}#comment-{mark.pk}")
    item = page.locator(f"#comment-{mark.pk}")
    assert comment_likes(item) == "Liked by 4 people"
    assert item.locator(".comment-like-button").get_attribute("aria-pressed") == "true"


def test_without_javascript_a_guest_like_leads_to_login_and_back(
    live_server, nojs_page, demo, reader
):
    page = nojs_page
    page.goto(live_server.url + demo.get_absolute_url())
    mark = XtdComment.objects.get(user_name="Mark Hunter")
    page.locator(f"#comment-{mark.pk}").get_by_role("button", name=re.compile("^Like")).click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_role("main").get_by_label("Email").fill(reader.email)
    page.get_by_label("Password").fill("reader-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{demo.get_absolute_url()}#comment-{mark.pk}")
    assert comment_likes(page.locator(f"#comment-{mark.pk}")) == "Liked by 3 people"
