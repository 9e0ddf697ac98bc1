"""A guest follows a discussion from the comment form, hears of a reply by email (through a
real SMTP server on loopback), and mutes the article from the email's link."""

import re

import pytest

from tests.browser.discussion import paragraph
from tests.helpers import assert_inbox_stays, inbox, parts

pytestmark = pytest.mark.browser


def link(message, pattern):
    text, _ = parts(message)
    return next(url for url in re.findall(r"https?://\S+", text) if re.search(pattern, url))


def write_comment(page, text, *, name, email, notify=False):
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Email").fill(email)
    if notify:
        form.get_by_label("Notify me of new comments via email.").check()
    form.get_by_role("button", name="Post Comment").click()
    paragraph(page, text).wait_for()


def test_a_guest_hears_of_a_reply_by_email_and_mutes_the_article(
    live_server, browser, page, smtp, settings, article
):
    settings.SITE_URL = live_server.url
    page.goto(live_server.url + article.get_absolute_url())
    write_comment(
        page, "Who will talk first?", name="Olena", email="olena@example.org", notify=True
    )

    # Double opt-in: the first email asks to confirm, and nothing else comes before that.
    (confirmation,) = inbox(smtp, "olena@example.org", 1)
    assert confirmation["Subject"].strip() == "[Wirepress] Please confirm your subscription"
    page.goto(link(confirmation, r"/confirm/$"))
    page.get_by_role("button", name="Yes, confirm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Subscription confirmed"

    other = browser.new_context().new_page()
    other.goto(live_server.url + article.get_absolute_url())
    other.get_by_role("link", name="Reply to Olena").click()
    write_comment(other, "Both, at once.", name="Taras", email="taras@example.org")

    notification = inbox(smtp, "olena@example.org", 2)[1]
    text, html = parts(notification)
    assert "Both, at once." in text
    assert "Both, at once." in html
    assert smtp.to("taras@example.org") == []  # he did not ask

    page.goto(link(notification, r"/stop/$"))
    page.get_by_role("button", name="Stop notifications").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Notifications stopped"

    write_comment(other, "Anyone still here?", name="Taras", email="taras@example.org")
    # Tasks run inside the request, so an email would be on its way already; poll a moment.
    assert_inbox_stays(smtp, "olena@example.org", 2)
    other.context.close()
