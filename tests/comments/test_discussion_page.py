"""The discussion under an article: the tree, its numbers, avatars and its cost in queries."""

import hashlib

import pytest
from django.test import Client
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG

from comments.discussion.avatars import avatar_key
from comments.discussion.text import CommentDates
from tests.factories import add_comment, make_discussion, make_users
from tests.helpers import (
    comment_author,
    comment_avatar,
    comment_item,
    comment_likes,
    comment_text,
    parse,
    text_of,
)


def test_the_demo_article_shows_the_reference_discussion(client, demo):
    page = parse(client.get(demo.get_absolute_url()))
    assert text_of(page, '//h2[@id="comments-title"]') == f"5 thoughts on “{demo.title}”"
    top_level = page.xpath('//ol[@class="comment-list"]/li')
    assert [comment_author(li) for li in top_level] == [
        "Sheldon",
        "foccusser",
        "Mark Hunter",
        "Jan de Vries",
    ]
    assert [comment_likes(li) for li in top_level] == [
        "Liked by 3 people",
        "Liked by 5 people",
        "Liked by 3 people",
        "Liked by 4 people",
    ]
    (reply,) = top_level[1].xpath('./ol[@class="children"]/li')
    assert comment_author(reply) == "Stella Kyiv"
    assert comment_likes(reply) == "Liked by 3 people"
    assert comment_text(reply).startswith("…and Norway is still in NATO 🙂")
    assert text_of(page, '//*[@id="reply-title"]') == "Leave a Reply Cancel reply"


def test_each_comment_has_avatar_author_permalink_date_likes_and_reply(client, article):
    comment = add_comment(article, "Hello.", user_name="Taras", user_url="https://taras.example/")
    item = comment_item(parse(client.get(article.get_absolute_url())), comment.pk)
    assert comment_avatar(item) == f"/comments/avatar/{avatar_key('olena@example.org')}.svg"
    assert item.xpath('.//a[@class="comment-author"]/@href') == ["https://taras.example/"]
    permalink = item.xpath('.//a[@class="comment-permalink"]')[0]
    assert permalink.get("href") == f"#comment-{comment.pk}"
    assert permalink.text == CommentDates()(comment.submit_date)
    assert item.xpath('.//button[@class="comment-like-button"]')
    assert item.xpath('.//a[@class="comment-reply-link"]/@href') == [
        f"?replytocom={comment.pk}#respond"
    ]


def test_identicons_are_served_locally_and_differ_per_email(client, db):
    first = client.get(f"/comments/avatar/{avatar_key('a@example.org')}.svg")
    again = client.get(f"/comments/avatar/{avatar_key('a@example.org')}.svg")
    other = client.get(f"/comments/avatar/{avatar_key('b@example.org')}.svg")
    assert first["Content-Type"] == "image/svg+xml"
    assert first.content.startswith(b"<svg") and first.content == again.content
    assert first.content != other.content
    assert "immutable" in first["Cache-Control"]
    assert client.get("/comments/avatar/short.svg").status_code == 404


def test_avatar_urls_do_not_reveal_the_email(article, client):
    add_comment(article, user_email="olena@example.org")
    html = client.get(article.get_absolute_url()).content.decode()
    # The hashes Gravatar uses can be reversed by guessing addresses: the page has neither.
    for digest in (hashlib.md5, hashlib.sha256):
        assert digest(b"olena@example.org").hexdigest()[:32] not in html


def test_gravatar_is_used_when_enabled(client, article, settings):
    settings.AVATARS_GRAVATAR = True
    comment = add_comment(article)
    item = comment_item(parse(client.get(article.get_absolute_url())), comment.pk)
    assert comment_avatar(item).startswith("https://www.gravatar.com/avatar/")


def test_a_reader_sees_which_comments_they_like(client, article, reader):
    liked, other = add_comment(article, "Liked"), add_comment(article, "Not liked")
    CommentFlag.objects.create(comment=liked, user=reader, flag=LIKEDIT_FLAG)
    client.force_login(reader)
    page = parse(client.get(article.get_absolute_url()))
    pressed = {
        comment.pk: comment_item(page, comment.pk).xpath(".//button/@aria-pressed")[0]
        for comment in (liked, other)
    }
    assert pressed == {liked.pk: "true", other.pk: "false"}


def test_an_article_without_comments_invites_the_first(client, article):
    page = parse(client.get(article.get_absolute_url()))
    assert text_of(page, '//h2[@id="comments-title"]') == "No comments yet"
    assert not page.xpath('//ol[@class="comment-list"]/li')
    assert page.xpath('//form[@id="commentform"]')


# --- Queries: the same number whatever the size of the discussion -------------------------------


def big_discussion(article, count, reader):
    """`count` comments at mixed depths, half by registered users, liked by some readers (the
    signed-in reader among them), a few by the reader and one of theirs held."""
    members = make_users("member", 10)
    likers = [reader, *make_users("liker", 4)]
    comments = make_discussion(article, count, commenters=[*members, reader], likers=likers)
    held = add_comment(article, "Mine, held", user=reader, public=False)
    return comments, held


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize(
    ("who", "queries"),
    [
        # the article (with its source), its categories, its tags (the related stories are
        # kept in the cache since the first render); the comments with their like counts
        # and commenters' social pictures; the social-login apps configured in the admin
        # (for the icons)
        ("anonymous", 5),
        # + the session and the user; + the reader's likes, their social profile (instead of
        # the apps: the icons are not shown) and whether they follow the discussion
        ("signed-in", 9),
    ],
)
def test_the_article_page_costs_the_same_queries_at_any_size(
    article, reader, count, who, queries, django_assert_num_queries
):
    comments, held = big_discussion(article, count, reader)
    client = Client()
    if who == "signed-in":
        client.force_login(reader)
    client.get(article.get_absolute_url())  # warms the ContentType and related caches
    with django_assert_num_queries(queries):
        response = client.get(article.get_absolute_url())
    page = parse(response)
    assert len(page.xpath('//li[starts-with(@id, "comment-")]')) == count + (who == "signed-in")
    assert text_of(page, '//h2[@id="comments-title"]').startswith(f"{count} thoughts on")
    liked_by_reader = page.xpath('//button[@aria-pressed="true"]')
    assert bool(liked_by_reader) == (who == "signed-in")
    assert (comment_item(page, held.pk) is not None) == (who == "signed-in")
