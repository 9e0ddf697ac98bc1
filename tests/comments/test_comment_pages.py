"""Comment pages (COMMENTS_PAGE_SIZE, COMMENTS_PAGE_ORDER): `?cpage=N` on the article's
address, threads kept whole, permalinks that land on the right page, and a constant cost."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django_comments_xtd.models import XtdComment

from tests.factories import add_comment, comment_form_data, post_form
from tests.helpers import comment_item, comment_text, parse, parts, post_url, text_of


def threads(article, count, replies_each=1):
    """`count` top-level comments, oldest first, each with `replies_each` replies."""
    roots = []
    for index in range(count):
        root = add_comment(article, f"Thread {index + 1}", minutes_ago=1000 - index)
        for reply in range(replies_each):
            add_comment(article, f"Reply {reply + 1} to thread {index + 1}", parent=root)
        roots.append(root)
    return roots


def top_level_texts(page) -> list[str]:
    return [comment_text(li) for li in page.xpath('//ol[@class="comment-list"]/li')]


@pytest.fixture
def paged(settings):
    settings.COMMENTS_PAGE_SIZE = 2
    settings.COMMENTS_PAGE_ORDER = "oldest"
    return settings


def test_paging_is_off_by_default_and_shows_every_comment(client, article, settings):
    assert settings.COMMENTS_PAGE_SIZE == 0
    threads(article, 5)
    page = parse(client.get(article.get_absolute_url()))
    assert len(top_level_texts(page)) == 5
    assert not page.xpath('//nav[@class="comment-navigation"]')
    assert client.get(f"{article.get_absolute_url()}?cpage=2").status_code == 404


def test_pages_split_top_level_threads_and_keep_their_replies(client, article, paged):
    roots = threads(article, 5, replies_each=2)
    url = article.get_absolute_url()
    first, second, third = (parse(client.get(f"{url}?cpage={n}")) for n in (1, 2, 3))
    assert top_level_texts(first) == ["Thread 1", "Thread 2"]
    assert top_level_texts(second) == ["Thread 3", "Thread 4"]
    assert top_level_texts(third) == ["Thread 5"]
    replies = comment_item(second, roots[2].pk).xpath('./ol[@class="children"]/li')
    assert [comment_text(li) for li in replies] == [
        "Reply 1 to thread 3",
        "Reply 2 to thread 3",
    ]
    # The count is of the whole discussion, on every page.
    assert text_of(second, '//h2[@id="comments-title"]').startswith("15 thoughts on")
    assert text_of(second, '//p[@class="comment-page-number"]') == "Comment page 2 of 3"


def test_the_newest_threads_come_first_when_so_configured(client, article, paged):
    paged.COMMENTS_PAGE_ORDER = "newest"
    threads(article, 5)
    url = article.get_absolute_url()
    assert top_level_texts(parse(client.get(url))) == ["Thread 4", "Thread 5"]
    assert top_level_texts(parse(client.get(f"{url}?cpage=2"))) == ["Thread 2", "Thread 3"]
    assert top_level_texts(parse(client.get(f"{url}?cpage=3"))) == ["Thread 1"]


@pytest.mark.parametrize(("order", "older", "newer"), [("oldest", 1, 3), ("newest", 3, 1)])
def test_navigation_links_older_and_newer_pages_with_labels(
    client, article, paged, order, older, newer
):
    paged.COMMENTS_PAGE_ORDER = order
    threads(article, 5)
    url = article.get_absolute_url()
    page = parse(client.get(f"{url}?cpage=2"))
    nav = page.xpath('//nav[@class="comment-navigation"]')[0]
    assert nav.get("aria-label") == "Comment pages"
    (older_link,) = nav.xpath('./a[text()="Older comments"]')
    (newer_link,) = nav.xpath('./a[text()="Newer comments"]')
    address = {1: f"{url}#comments", 3: f"{url}?cpage=3#comments"}
    assert older_link.get("href") == address[older]
    assert newer_link.get("href") == address[newer]
    assert {older_link.get("rel"), newer_link.get("rel")} == {"prev", "next"}
    assert page.xpath('//link[@rel="canonical"]/@href') == [f"http://testserver{url}"]


@pytest.mark.parametrize("value", ["0", "-1", "4", "two", "1.5", "%00", "2%002", "9" * 40, ""])
def test_a_comment_page_that_does_not_exist_is_not_found(client, article, paged, value):
    threads(article, 5)
    response = client.get(f"{article.get_absolute_url()}?cpage={value}")
    assert response.status_code == 404


def test_a_comment_permalink_lands_on_the_page_holding_it(client, article, paged):
    roots = threads(article, 5)
    reply = XtdComment.objects.get(parent_id=roots[3].pk, level=1)
    url = article.get_absolute_url()
    content_type = ContentType.objects.get_for_model(XtdComment)
    # "View on site" in the admin, feeds and the sidebar go through the comment's address.
    response = client.get(f"/comments/cr/{content_type.pk}/{reply.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{url}?cpage=2#comment-{reply.pk}"
    assert comment_item(parse(client.get(f"{url}?cpage=2")), reply.pk) is not None
    assert comment_item(parse(client.get(url)), reply.pk) is None


def test_the_cache_keeps_each_comment_page_apart(article, paged, settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    threads(article, 3)
    url = article.get_absolute_url()
    reader = Client()
    for _ in range(2):
        first = parse(reader.get(url))
        second = parse(reader.get(f"{url}?cpage=2"))
        assert top_level_texts(first) == ["Thread 1", "Thread 2"]
        assert top_level_texts(second) == ["Thread 3"]


def test_a_reply_posted_on_page_two_without_javascript_returns_there(client, article, paged):
    roots = threads(article, 3, replies_each=0)
    url = article.get_absolute_url()
    page = parse(client.get(f"{url}?cpage=2"))
    reply_link = comment_item(page, roots[2].pk).xpath('.//a[@class="comment-reply-link"]')[0]
    assert reply_link.get("href") == f"?cpage=2&replytocom={roots[2].pk}#respond"
    response = client.post(
        post_url(article),
        comment_form_data(article, comment="Answer on page two.", reply_to=roots[2].pk),
    )
    reply = XtdComment.objects.get(comment="Answer on page two.")
    assert response["Location"] == f"{url}?cpage=2#comment-{reply.pk}"
    item = comment_item(parse(client.get(response["Location"])), reply.pk)
    assert comment_text(item) == "Answer on page two."


@pytest.mark.parametrize(("count", "on_page_two"), [(3, 1), (100, 2)])
# As the unpaged page (tests/comments/test_discussion_page.py, related stories kept in the
# cache since the first render): the page is cut in Python.
@pytest.mark.parametrize(("who", "queries"), [("anonymous", 5), ("signed-in", 9)])
def test_a_comment_page_costs_the_same_queries_at_any_size(
    article, paged, reader, count, on_page_two, who, queries, django_assert_num_queries
):
    paged.PAGE_CACHE_SECONDS = 0
    threads(article, count)
    client = Client()
    if who == "signed-in":
        client.force_login(reader)
    url = article.get_absolute_url()
    client.get(url)  # warms the ContentType cache
    with django_assert_num_queries(queries):
        response = client.get(f"{url}?cpage=2")
    assert len(top_level_texts(parse(response))) == on_page_two


def test_a_notification_email_links_to_the_page_holding_the_comment(
    client, smtp, article, paged, follower
):
    roots = threads(article, 3, replies_each=0)
    follower("ann@example.org", article)
    reply = post_form(client, article, name="Boris", comment="Late answer.", reply_to=roots[2].pk)
    (text, _html) = parts(smtp.messages[0])
    url = article.get_absolute_url()
    assert f"http://testserver{url}?cpage=2#comment-{reply.pk}" in text


def test_the_moderation_desk_links_a_comment_to_its_page(client, article, paged, editor):
    roots = threads(article, 3, replies_each=0)
    client.force_login(editor)
    address = f"{article.get_absolute_url()}?cpage=2#comment-{roots[2].pk}"
    change = client.get(f"/admin/comments/comment/{roots[2].pk}/change/")
    assert f'href="{address}"' in change.content.decode()
    # The list links through the comment's address, which finds the page when followed.
    listed = parse(client.get("/admin/comments/comment/"))
    (link,) = listed.xpath(f'//a[contains(@href, "/{roots[2].pk}/") and contains(@href, "/cr/")]')
    assert client.get(link.get("href"))["Location"] == address


def test_a_reply_posted_with_javascript_gets_the_address_of_its_page(client, article, paged):
    roots = threads(article, 3, replies_each=0)
    response = client.post(
        post_url(article),
        comment_form_data(article, comment="Scripted answer.", reply_to=roots[2].pk),
        HTTP_X_REQUESTED_WITH="fetch",
    )
    reply = XtdComment.objects.get(comment="Scripted answer.")
    # The script puts it in the address bar: a reload shows the page holding the reply.
    assert response.json()["url"] == f"{article.get_absolute_url()}?cpage=2#comment-{reply.pk}"


def test_a_guests_held_thread_is_shown_to_them_without_moving_anyone_elses_page(
    client, article, paged
):
    threads(article, 4, replies_each=0)
    mine = post_form(client, article, comment="Mine, waiting.")
    # Held afterwards, as a moderator would (the browser still knows it posted it).
    XtdComment.objects.filter(pk=mine.pk).update(is_public=False)
    url = article.get_absolute_url()
    # Everyone else still has two pages of two threads; the guest sees theirs on the last.
    assert top_level_texts(parse(Client().get(f"{url}?cpage=2"))) == ["Thread 3", "Thread 4"]
    assert Client().get(f"{url}?cpage=3").status_code == 404
    own_page = parse(client.get(f"{url}?cpage=2"))
    assert top_level_texts(own_page)[-1] == "Mine, waiting."


def test_a_refused_reply_without_javascript_comes_back_on_its_parents_page(client, article, paged):
    roots = threads(article, 3, replies_each=0)
    response = client.post(
        post_url(article), comment_form_data(article, comment="", reply_to=roots[2].pk)
    )
    assert response.status_code == 400
    page = parse(response)
    assert top_level_texts(page) == ["Thread 3"]
    assert page.xpath('//form[@id="commentform"]//input[@name="reply_to"]/@value') == [
        str(roots[2].pk)
    ]
