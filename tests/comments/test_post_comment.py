"""Posting a comment or a reply: POST /comments/post/<article id>/, with and without JavaScript."""

import pytest
from django.test import Client
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment

from comments.discussion.forms import CommentForm
from comments.discussion.page import REMEMBER_COOKIE
from tests.factories import add_comment, comment_form_data
from tests.helpers import (
    comment_author,
    comment_item,
    comment_text,
    form_values,
    parse,
    parse_fragment,
    parse_html,
    post_url,
    text_of,
)

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def test_a_guest_comment_is_published_and_the_guest_lands_on_it(client, article):
    response = client.post(post_url(article), comment_form_data(article, comment="Great report."))
    comment = XtdComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert (comment.is_public, comment.user, comment.user_name) == (True, None, "Olena")
    page = parse(client.get(article.get_absolute_url()))
    item = comment_item(page, comment.pk)
    assert comment_text(item) == "Great report."
    assert comment_author(item) == "Olena"
    assert text_of(page, '//h2[@id="comments-title"]') == f"1 thought on “{article.title}”"
    assert "olena@example.org" not in text_of(page, '//ol[@class="comment-list"]')


def test_a_signed_in_reader_comments_as_their_account(client, article, reader):
    client.force_login(reader)
    page = parse(client.get(article.get_absolute_url()))
    assert "You are commenting as Rita Reader" in text_of(page, '//*[@class="logged-in-as"]')
    assert page.xpath('//form[@id="commentform"]//input[@name="email"]/@type') == ["hidden"]
    # Whatever the hidden fields say, the account is who comments.
    data = comment_form_data(article, user=reader, name="Someone Else", email="x@example.org")
    response = client.post(post_url(article), data)
    comment = XtdComment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert (comment.user, comment.user_name, comment.user_email) == (
        reader,
        "Rita Reader",
        "reader@example.org",
    )


def test_a_reply_is_nested_under_its_parent(client, article):
    parent = add_comment(article, "First!", user_name="Taras")
    response = client.post(
        post_url(article), comment_form_data(article, comment="Welcome.", reply_to=parent.pk)
    )
    reply = XtdComment.objects.get(comment="Welcome.")
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    assert (reply.parent_id, reply.level, reply.thread_id) == (parent.pk, 1, parent.pk)
    page = parse(client.get(article.get_absolute_url()))
    nested = page.xpath(
        f'//ol[@class="comment-list"]/li[@id="comment-{parent.pk}"]'
        f'/ol[@class="children"]/li[@id="comment-{reply.pk}"]'
    )
    assert nested and "depth-1" in nested[0].get("class")
    assert text_of(page, '//h2[@id="comments-title"]').startswith("2 thoughts on")


def test_replies_nest_five_levels_deep_and_no_further(client, article):
    chain = [add_comment(article, "Level 0")]
    for level in range(1, 5):
        chain.append(add_comment(article, f"Level {level}", parent=chain[-1]))
    page = parse(client.get(article.get_absolute_url()))
    for comment in chain[:-1]:
        assert comment_item(page, comment.pk).xpath('./a[@class="comment-reply-link"]')
    deepest = comment_item(page, chain[-1].pk)
    assert "depth-4" in deepest.get("class")
    assert not deepest.xpath('.//a[@class="comment-reply-link"]')

    response = client.post(
        post_url(article), comment_form_data(article, comment="Too deep", reply_to=chain[-1].pk)
    )
    assert response.status_code == 400
    assert "This thread is as deep as it can go" in text_of(parse(response), '//*[@role="alert"]')
    assert form_values(parse(response))["comment"] == "Too deep"
    assert XtdComment.objects.count() == 5


def test_the_depth_limit_follows_the_setting(client, article, settings):
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 1
    top = add_comment(article, "Top")
    reply = add_comment(article, "Reply", parent=top)
    page = parse(client.get(article.get_absolute_url()))
    assert not comment_item(page, reply.pk).xpath('.//a[@class="comment-reply-link"]')
    response = client.post(post_url(article), comment_form_data(article, reply_to=reply.pk))
    assert response.status_code == 400
    assert XtdComment.objects.count() == 2


def test_without_javascript_reply_opens_the_form_bound_to_the_comment(client, article):
    parent = add_comment(article, "First!", user_name="foccusser")
    page = parse(client.get(f"{article.get_absolute_url()}?replytocom={parent.pk}"))
    assert text_of(page, '//*[@id="reply-title"]') == "Leave a Reply to foccusser Cancel reply"
    assert page.xpath('//a[@id="cancel-comment-reply-link"]')[0].get("hidden") is None
    values = form_values(page)
    assert values["reply_to"] == str(parent.pk)

    values.update(name="Stella Kyiv", email="stella@example.org", comment="…and Norway is in NATO")
    response = client.post(post_url(article), values)
    reply = XtdComment.objects.get(user_name="Stella Kyiv")
    assert reply.parent_id == parent.pk
    assert response["Location"].endswith(f"#comment-{reply.pk}")


@pytest.mark.parametrize("replytocom", ["abc", "999999", "-1", str(10**20)])
def test_a_reply_link_to_no_comment_shows_the_plain_form(client, article, replytocom):
    response = client.get(f"{article.get_absolute_url()}?replytocom={replytocom}")
    assert response.status_code == 200
    page = parse(response)
    assert text_of(page, '//*[@id="reply-title"]') == "Leave a Reply Cancel reply"
    assert page.xpath('//a[@id="cancel-comment-reply-link"]')[0].get("hidden") is not None
    assert form_values(page)["reply_to"] == ""


def test_remember_me_fills_in_the_guests_details_next_time(client, article):
    data = comment_form_data(
        article, name="Олена 🌻", url="https://olena.example.org/", remember="on"
    )
    response = client.post(post_url(article), data)
    cookie = response.cookies[REMEMBER_COOKIE]
    # A real server sends headers as latin-1: the name must not travel as raw UTF-8.
    cookie.OutputString().encode("latin-1")
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    values = form_values(parse(client.get(article.get_absolute_url())))
    assert (values["name"], values["email"], values["url"]) == (
        "Олена 🌻",
        "olena@example.org",
        "https://olena.example.org/",
    )
    assert values["remember"] == "on"
    assert values["comment"] == ""


def test_posting_without_remember_me_forgets_the_guest(client, article):
    client.post(post_url(article), comment_form_data(article, remember="on"))
    response = client.post(post_url(article), comment_form_data(article, comment="Again"))
    assert response.cookies[REMEMBER_COOKIE]["max-age"] == 0
    values = form_values(parse(client.get(article.get_absolute_url())))
    assert (values["name"], values["email"], "remember" in values) == ("", "", False)


def test_a_tampered_remember_me_cookie_is_ignored(client, article):
    client.cookies[REMEMBER_COOKIE] = "eyJuYW1lIjoiTWFsbG9yeSJ9:forged:signature"
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert form_values(parse(response))["name"] == ""


def test_a_held_comment_is_shown_to_its_author_only(client, article, reader, hold_everything):
    response = client.post(post_url(article), comment_form_data(article, comment="Hold me."))
    comment = XtdComment.objects.get()
    assert not comment.is_public
    assert response["Location"].endswith(f"#comment-{comment.pk}")

    page = parse(client.get(article.get_absolute_url()))
    item = comment_item(page, comment.pk)
    assert text_of(item, './/*[@class="comment-awaiting-moderation"]') == (
        "Your comment is awaiting moderation."
    )
    assert comment_text(item) == "Hold me."
    assert not item.xpath(
        './/button[@class="comment-like-button"]'
    )  # nothing to like until approved
    assert not item.xpath('.//a[@class="comment-reply-link"]')
    assert text_of(page, '//h2[@id="comments-title"]') == "No comments yet"

    another_guest, signed_in_reader = Client(), Client()
    signed_in_reader.force_login(reader)
    for other in (another_guest, signed_in_reader):
        assert comment_item(parse(other.get(article.get_absolute_url())), comment.pk) is None


def test_a_signed_in_readers_held_comment_follows_their_account(article, reader, hold_everything):
    browser_one, browser_two = Client(), Client()
    browser_one.force_login(reader)
    browser_one.post(post_url(article), comment_form_data(article, user=reader))
    comment = XtdComment.objects.get()
    browser_two.force_login(reader)
    item = comment_item(parse(browser_two.get(article.get_absolute_url())), comment.pk)
    assert "awaiting moderation" in text_of(item, './/*[@class="comment-awaiting-moderation"]')


# --- With JavaScript: the page's script asks for JSON -------------------------------------------


def test_posting_with_javascript_returns_the_comment_and_a_fresh_form(client, article):
    response = client.post(post_url(article), comment_form_data(article, comment="Hi!"), **FETCH)
    comment = XtdComment.objects.get()
    data = response.json()
    assert response.status_code == 200
    assert data["ok"] and data["id"] == comment.pk and data["parent"] is None
    assert data["url"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert data["pending"] is False
    item = parse_fragment(data["comment"])
    assert item.get("id") == f"comment-{comment.pk}"
    assert comment_text(item) == "Hi!"
    form = parse_fragment(data["form"])
    values = form_values(form)
    # Ready for the next comment: empty text, the guest's details kept, new security data.
    assert values["comment"] == "" and values["name"] == "Olena"
    assert CommentForm(article, data={**values, "comment": "Next"}).is_valid()


def test_a_reply_with_javascript_says_where_it_goes(client, article):
    parent = add_comment(article, "First!")
    response = client.post(
        post_url(article), comment_form_data(article, reply_to=parent.pk), **FETCH
    )
    data = response.json()
    assert data["parent"] == parent.pk
    assert "depth-1" in parse_fragment(data["comment"]).get("class")


def test_a_held_comment_with_javascript_is_marked_pending(client, article, hold_everything):
    data = client.post(post_url(article), comment_form_data(article), **FETCH).json()
    assert data["pending"] is True
    item = parse_fragment(data["comment"])
    assert "awaiting moderation" in text_of(item, './/*[@class="comment-awaiting-moderation"]')


def test_invalid_input_with_javascript_returns_the_form_with_errors(client, article):
    parent = add_comment(article, "First!", user_name="Taras")
    response = client.post(
        post_url(article),
        comment_form_data(article, email="nope", comment="My text", reply_to=parent.pk),
        **FETCH,
    )
    assert response.status_code == 400
    data = response.json()
    form = parse_fragment(data["form"])
    assert data["ok"] is False
    assert "Please give a valid email address" in text_of(form, '//*[@class="field-error"]')
    assert text_of(form, '//*[@id="reply-title"]').startswith("Leave a Reply to Taras")
    values = form_values(form)
    assert (values["comment"], values["email"], values["reply_to"]) == (
        "My text",
        "nope",
        str(parent.pk),
    )
    assert XtdComment.objects.count() == 1


# --- What readers write is shown as text ----------------------------------------------------------


def test_html_in_a_comment_is_shown_as_text(client, article):
    client.post(
        post_url(article),
        comment_form_data(
            article,
            name='<script>alert("name")</script>',
            url='https://example.org/"onmouseover="alert(1)',
            comment='<b>bold</b> <script>alert("x")</script> <img src=x onerror=alert(1)>',
        ),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html
    item = comment_item(parse_html(html), XtdComment.objects.get().pk)
    author_link = item.xpath('.//a[@class="comment-author"]')[0]
    assert author_link.get("href") == 'https://example.org/"onmouseover="alert(1)'
    assert author_link.get("onmouseover") is None


def test_any_script_and_emoji_are_kept(client, article):
    text = "Слава Україні! Ελλάδα, 日本語, עברית 🇺🇦🙂"
    client.post(post_url(article), comment_form_data(article, name="Олена", comment=text))
    comment = XtdComment.objects.get()
    assert (comment.user_name, comment.comment) == ("Олена", text)
    item = comment_item(parse(client.get(article.get_absolute_url())), comment.pk)
    assert comment_text(item) == text
    assert comment_author(item) == "Олена"


def test_links_paragraphs_and_line_breaks_in_a_comment(client, article):
    text = "See https://example.org/a?b=1&c=2 and www.example.com.\nSecond line\n\nNew paragraph"
    client.post(post_url(article), comment_form_data(article, comment=text))
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<p>See <a href="https://example.org/a?b=1&amp;c=2" '
        'rel="nofollow ugc noopener">https://example.org/a?b=1&amp;c=2</a> and '
        '<a href="http://www.example.com" rel="nofollow ugc noopener">www.example.com</a>.'
        "<br>Second line</p><p>New paragraph</p>"
    ) in html


def test_a_guests_website_links_their_name_without_passing_rank(client, article):
    client.post(post_url(article), comment_form_data(article, url="olena.example.org"))
    item = comment_item(parse(client.get(article.get_absolute_url())), XtdComment.objects.get().pk)
    link = item.xpath('.//a[@class="comment-author"]')[0]
    assert (link.get("href"), link.text) == ("https://olena.example.org", "Olena")
    assert link.get("rel") == "external nofollow ugc noopener"


def test_a_reply_that_fails_half_way_leaves_nothing_behind(client, article, monkeypatch):
    parent = add_comment(article, "First!")

    def thread_data_fails(comment):
        raise RuntimeError("the database went away between xtd's two writes")

    # xtd inserts the comment, then works out its place in the thread: both or nothing.
    monkeypatch.setattr(XtdComment, "_calculate_thread_data", thread_data_fails)
    with pytest.raises(RuntimeError):
        client.post(post_url(article), comment_form_data(article, reply_to=parent.pk))
    assert list(Comment.objects.values_list("pk", flat=True)) == [parent.pk]
