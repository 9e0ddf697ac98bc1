"""RSS 2.0 and Atom feeds: parse with feedparser, carry the required fields and the
attribution, list only what readers may see."""

import feedparser
import pytest

from blog.models import Article, Category, Source
from tests.factories import add_comment

SITE = "http://127.0.0.1:8000"  # SITE_URL's default, written into the Site on migrate


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


@pytest.fixture
def world(db):
    return Category.objects.create(name="World", slug="world")


@pytest.mark.parametrize(
    ("url", "version", "content_type"),
    [
        ("/feed/", "rss20", "application/rss+xml; charset=utf-8"),
        ("/feed/atom/", "atom10", "application/atom+xml; charset=utf-8"),
    ],
)
def test_the_site_feed_has_the_required_fields(client, article, url, version, content_type):
    response, feed = parse(client, url)
    assert response["Content-Type"] == content_type
    assert feed.version == version
    assert feed.feed.title == "Wirepress"
    assert feed.feed.link == f"{SITE}/"
    entry = feed.entries[0]
    assert entry.title == article.title
    assert entry.link == f"{SITE}{article.get_absolute_url()}"
    assert entry.id == entry.link
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    assert entry.author == "UNIAN correspondent"


def test_feed_items_carry_the_story_and_its_attribution(client, article):
    _, feed = parse(client, "/feed/")
    description = feed.entries[0].description
    assert article.standfirst in description
    assert "Body of story" in description
    assert f"(C)UNIAN {article.published_at.year}" in description
    assert 'href="https://www.unian.info/world/nato-russia.html"' in description


def test_feed_html_is_sanitized_on_the_way_out(client, make_article):
    article = make_article()
    # Bypass save(): a body that somehow holds a script must still not reach readers.
    Article.objects.filter(pk=article.pk).update(body="<p>Text</p><script>alert(1)</script>")
    response, feed = parse(client, "/feed/")
    assert "<script>" not in feed.entries[0].description
    assert b"&lt;script&gt;" not in response.content


def test_feeds_leave_out_drafts_and_scheduled_stories(client, make_article):
    from django.utils import timezone

    make_article(title="Visible")
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="Later", published_at=timezone.now() + timezone.timedelta(days=1))
    _, feed = parse(client, "/feed/")
    assert [entry.title for entry in feed.entries] == ["Visible"]


def test_the_feed_holds_the_latest_items_only(client, make_article, settings):
    settings.FEED_ITEMS = 3
    for _ in range(5):
        make_article()
    _, feed = parse(client, "/feed/atom/")
    assert [entry.title for entry in feed.entries] == [
        "Story number 1",
        "Story number 2",
        "Story number 3",
    ]


def test_category_feeds_list_their_category_only(client, make_article, world):
    inside = make_article(title="Inside")
    inside.categories.add(world)
    make_article(title="Outside")
    for url in ("/category/world/feed/", "/category/world/feed/atom/"):
        _, feed = parse(client, url)
        assert feed.feed.title == "Wirepress » World"
        assert [entry.title for entry in feed.entries] == ["Inside"]
        assert [tag.term for tag in feed.entries[0].tags] == ["World"]


def test_source_feeds_list_their_source_only(client, make_article):
    reuters = Source.objects.create(name="Reuters", slug="reuters")
    make_article(title="From UNIAN")
    make_article(title="From Reuters", source=reuters)
    _, feed = parse(client, "/source/reuters/feed/")
    assert feed.feed.title == "Wirepress » Reuters"
    assert [entry.title for entry in feed.entries] == ["From Reuters"]


def test_an_unknown_category_feed_is_404(client, db):
    assert client.get("/category/nothing/feed/").status_code == 404


def test_an_articles_comments_feed_lists_its_public_comments(client, article):
    add_comment(article, user_name="Older", text="First!", minutes_ago=10)
    add_comment(article, user_name="Newer", text="Second\n\nparagraph", minutes_ago=5)
    add_comment(article, user_name="Held", text="In moderation", public=False)
    add_comment(article, user_name="Gone", text="Removed", is_removed=True)
    for url in (f"{article.get_absolute_url()}feed/", f"{article.get_absolute_url()}feed/atom/"):
        _, feed = parse(client, url)
        assert feed.feed.title == f"Comments on: {article.title}"
        assert [entry.title for entry in feed.entries] == ["By: Newer", "By: Older"]
        newest = feed.entries[0]
        assert newest.author == "Newer"
        assert newest.link.startswith(f"{SITE}{article.get_absolute_url()}#comment-")
        assert "<p>Second</p>" in newest.description and "<p>paragraph</p>" in newest.description


def test_a_drafts_comments_feed_is_404(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(f"{draft.get_absolute_url()}feed/").status_code == 404


def test_comment_text_is_escaped_in_feeds(client, article):
    add_comment(article, text="<img src=x onerror=alert(1)>")
    _, feed = parse(client, "/feed/comments/")
    assert "<img" not in feed.entries[0].description
    assert "&lt;img src=x onerror=alert(1)&gt;" in feed.entries[0].description


def test_the_site_comments_feed_skips_comments_on_drafts(client, make_article):
    public = make_article(title="Public story")
    draft = make_article(title="Draft story", status=Article.Status.DRAFT)
    add_comment(public, user_name="Olena")
    add_comment(draft, user_name="Taras")
    for url in ("/feed/comments/", "/feed/comments/atom/"):
        _, feed = parse(client, url)
        assert [entry.title for entry in feed.entries] == ["Comment on Public story by Olena"]


@pytest.mark.parametrize("count", [2, 20])
def test_feeds_cost_a_fixed_number_of_queries(
    client, make_article, world, count, django_assert_num_queries
):
    for _ in range(count):
        article = make_article()
        article.categories.add(world)
        add_comment(article)
    parse(client, "/feed/")  # the Site is cached per process after its first read
    with django_assert_num_queries(2):  # articles (source joined) + their categories
        parse(client, "/feed/")
    with django_assert_num_queries(2):  # comments + their articles
        parse(client, "/feed/comments/")


def test_pages_announce_their_feeds(client, article, world):
    article.categories.add(world)
    home = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Wirepress » Feed" href="/feed/">'
        in home
    )
    assert 'type="application/atom+xml" title="Wirepress » Atom feed" href="/feed/atom/"' in home
    assert 'title="Wirepress » Comments feed" href="/feed/comments/"' in home
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'Comments feed" href="{article.get_absolute_url()}feed/"' in page
    category = client.get("/category/world/").content.decode()
    assert 'title="Wirepress » World Feed" href="/category/world/feed/"' in category
    source = client.get("/source/unian/").content.decode()
    assert 'title="Wirepress » UNIAN Atom feed" href="/source/unian/feed/atom/"' in source
