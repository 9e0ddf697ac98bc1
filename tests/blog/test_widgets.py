"""The sidebar: recent comments, popular stories, categories, archives — cheap to render."""

import pytest
from django.core.cache import cache

from blog.models import Article, Category
from blog.services import article_like_toggle
from tests.factories import add_comment


def sidebar(html):
    return html[html.index('<aside class="sidebar"') : html.index("</aside>")]


def test_recent_comments_link_to_the_comment(client, article):
    comment = add_comment(article, user_name="Olena")
    html = sidebar(client.get("/").content.decode())
    assert "Recent comments" in html
    assert f'Olena on <a href="{article.get_absolute_url()}#comment-{comment.pk}">' in html


def test_recent_comments_are_the_five_latest_public_ones(client, article):
    for minutes in range(1, 8):
        add_comment(article, user_name=f"Reader {minutes}", minutes_ago=minutes)
    add_comment(article, user_name="Held back", minutes_ago=0, public=False)
    add_comment(article, user_name="Removed", minutes_ago=0, is_removed=True)
    html = sidebar(client.get("/").content.decode())
    names = [f"Reader {minutes}" for minutes in range(1, 6)]
    assert [html.index(name) for name in names] == sorted(html.index(name) for name in names)
    assert "Reader 6" not in html and "Held back" not in html and "Removed" not in html


def test_comments_on_drafts_stay_out_of_the_sidebar(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    add_comment(draft, user_name="Taras")
    assert "Taras" not in client.get("/").content.decode()


def test_names_and_titles_are_escaped(client, make_article):
    article = make_article(title="<i>Italic</i> story")
    add_comment(article, user_name="<b>Bold</b>")
    html = sidebar(client.get("/").content.decode())
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html
    assert "&lt;i&gt;Italic&lt;/i&gt; story" in html


def test_popular_stories_are_ranked_by_likes_and_comments(client, make_article, reader, stranger):
    quiet = make_article(title="Quiet story")
    liked = make_article(title="Liked story")
    discussed = make_article(title="Discussed story")
    article_like_toggle(article=liked, user=reader)
    for _ in range(2):
        add_comment(discussed)
    add_comment(liked, public=False)  # held comments do not count
    html = sidebar(client.get("/").content.decode())
    popular = html[html.index("Popular stories") :]
    assert popular.index("Discussed story") < popular.index("Liked story")
    assert quiet.title not in popular


def test_popularity_adds_likes_and_comments(client, make_article, reader, stranger):
    liked_twice = make_article(title="Liked twice")
    mixed = make_article(title="Liked once and discussed")
    for fan in (reader, stranger):
        article_like_toggle(article=liked_twice, user=fan)
    article_like_toggle(article=mixed, user=reader)
    add_comment(mixed)
    add_comment(mixed)
    html = sidebar(client.get("/").content.decode())
    popular = html[html.index("Popular stories") :]
    assert popular.index(mixed.title) < popular.index(liked_twice.title)


def test_categories_show_how_many_published_stories_they_hold(client, make_article):
    world = Category.objects.create(name="World", slug="world")
    Category.objects.create(name="Empty", slug="empty")
    make_article().categories.add(world)
    make_article(status=Article.Status.DRAFT).categories.add(world)
    html = sidebar(client.get("/").content.decode())
    assert '<a href="/category/world/">World</a> (1)' in html
    assert "Empty" not in html


def test_the_sidebar_is_computed_once_then_served_from_the_cache(
    client, article, django_assert_num_queries
):
    add_comment(article)
    # home: count + page; sidebar: comments + their articles, popular (comment counts +
    # candidates), categories, months
    with django_assert_num_queries(2 + 6):
        client.get("/")
    with django_assert_num_queries(2):
        client.get("/")


def test_the_sidebar_is_refreshed_when_the_cache_expires(client, make_article):
    article = make_article(title="First story")
    client.get("/")
    add_comment(article, user_name="Latecomer")
    assert "Latecomer" not in sidebar(client.get("/").content.decode())
    cache.clear()  # what WIDGETS_CACHE_SECONDS does
    assert "Latecomer" in sidebar(client.get("/").content.decode())


@pytest.mark.parametrize("count", [3, 30])
def test_a_cold_sidebar_costs_the_same_for_any_amount_of_content(
    client, make_article, count, django_assert_num_queries
):
    world = Category.objects.create(name="World", slug="world")
    for _ in range(count):
        article = make_article()
        article.categories.add(world)
        add_comment(article)
    with django_assert_num_queries(2 + 6):
        client.get("/")
