"""Signed-in commenters' pictures in the discussion, in a constant number of queries."""

import pytest
from django.contrib.auth import get_user_model
from django_comments_xtd.models import XtdComment

from comments.models import SocialProfile
from tests.factories import post
from tests.helpers import comment_item, parse

pytestmark = pytest.mark.django_db


def discuss(article, count):
    """`count` comments, every other one by a reader who logged in with X."""
    users = get_user_model()
    for n in range(count):
        user = None
        if n % 2:
            user = users.objects.create_user(f"x{n}", "", first_name=f"Reader {n}")
            SocialProfile.objects.create(
                user=user,
                provider="twitter_oauth2",
                provider_name="X",
                avatar_url=f"https://pbs.twimg.com/{n}.jpg",
            )
        post(
            article,
            user=user,
            name=f"Reader {n}",
            email="" if user else f"guest{n}@example.org",
            text=f"Comment {n}",
        )


def test_a_social_commenter_shows_their_picture_and_a_guest_an_identicon(client, article):
    discuss(article, 2)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "--avatar:url(&quot;https://pbs.twimg.com/1.jpg&quot;)" in html
    assert html.count("--avatar:url(&quot;/comments/avatar/") == 1


@pytest.mark.parametrize("count", [4, 40])
def test_the_article_page_costs_the_same_queries_for_4_or_40_comments(
    client, article, count, django_assert_num_queries
):
    discuss(article, count)
    client.get(article.get_absolute_url())  # the Sites cache is warm from here on

    # article, its categories and tags (related stories kept in the cache since), the
    # discussion (pictures joined in), the admin's SocialApps for the login icons
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())

    assert (
        response.content.decode().count("--avatar:url(&quot;https://pbs.twimg.com/") == count // 2
    )


@pytest.mark.parametrize("count", [4, 40])
def test_a_signed_in_reader_costs_the_same_whatever_the_count(
    client, article, reader, count, django_assert_num_queries
):
    discuss(article, count)
    client.force_login(reader)
    client.get(article.get_absolute_url())

    # article, its categories and tags (related stories kept in the cache since), session,
    # user, discussion, the reader's likes, their social profile, whether they follow the
    # discussion
    with django_assert_num_queries(9):
        client.get(article.get_absolute_url())


def test_a_picture_address_cannot_restyle_the_page(client, article):
    """A social account's picture address is the reader's to choose: whatever it holds stays
    inside the comment's avatar (no quote or bracket of it ends the CSS url())."""
    discuss(article, 2)
    SocialProfile.objects.update(avatar_url='https://x.example/a.png");background:url("/b.png')
    item = comment_item(parse(client.get(article.get_absolute_url())), XtdComment.objects.last().pk)
    assert item.get("style") == (
        '--avatar:url("https://x.example/a.png%22%29;background:url%28%22/b.png")'
    )
