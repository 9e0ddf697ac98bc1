"""sitemap.xml and robots.txt: search engines see published pages only."""

import datetime
import xml.etree.ElementTree as ET
from urllib.robotparser import RobotFileParser

from django.contrib.sites.models import Site
from django.utils import timezone

from blog.apps import sync_site_from_settings
from blog.models import Article, Category
from blog.sitemaps import ArticleSitemap

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "http://127.0.0.1:8000"


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)  # noqa: S314 - our own sitemap


def sitemap_entries(client):
    """Every URL of every section the sitemap index lists, with its lastmod."""
    entries = {}
    for section in xml(client, "/sitemap.xml").findall("s:sitemap/s:loc", NS):
        assert section.text.startswith(f"{SITE}/sitemap-")
        for url in xml(client, section.text.removeprefix(SITE)).findall("s:url", NS):
            entries[url.find("s:loc", NS).text] = url.find("s:lastmod", NS).text
    return entries


def test_the_sitemap_index_lists_the_sections_with_their_last_change(client, make_article):
    article = make_article()
    make_article(status=Article.Status.DRAFT)  # edited later, but not public
    index = xml(client, "/sitemap.xml")
    lastmods = {
        entry.findtext("s:loc", namespaces=NS): entry.findtext("s:lastmod", namespaces=NS)
        for entry in index.findall("s:sitemap", NS)
    }
    assert lastmods[f"{SITE}/sitemap-articles.xml"] == article.updated_at.isoformat()
    sections = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert sections == [
        f"{SITE}/sitemap-home.xml",
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-categories.xml",
        f"{SITE}/sitemap-sources.xml",
    ]


def test_many_articles_are_split_into_pages(client, make_article, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(5):
        make_article()
    sections = [loc.text for loc in xml(client, "/sitemap.xml").findall("s:sitemap/s:loc", NS)]
    assert [section for section in sections if "articles" in section] == [
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-articles.xml?p=2",
        f"{SITE}/sitemap-articles.xml?p=3",
    ]
    assert len(sitemap_entries(client)) == 5 + 1 + 1  # articles, home, source


def test_the_sitemap_lists_published_articles_only(client, make_article):
    published = make_article(title="Out")
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + datetime.timedelta(days=1))
    entries = sitemap_entries(client)
    assert f"{SITE}{published.get_absolute_url()}" in entries
    assert f"{SITE}{draft.get_absolute_url()}" not in entries
    assert f"{SITE}{scheduled.get_absolute_url()}" not in entries


def test_articles_have_their_last_change_as_lastmod(client, make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        updated_at=datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC),
        published_at=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC),
    )
    article.refresh_from_db()
    assert sitemap_entries(client)[f"{SITE}{article.get_absolute_url()}"] == "2024-03-05"


def test_categories_with_published_stories_are_listed_with_their_newest(client, make_article):
    world = Category.objects.create(name="World", slug="world")
    empty = Category.objects.create(name="Empty", slug="empty")
    only_drafts = Category.objects.create(name="Drafts", slug="drafts")
    make_article(published_at=datetime.datetime(2023, 1, 2, tzinfo=datetime.UTC)).categories.add(
        world
    )
    make_article(published_at=datetime.datetime(2023, 2, 3, tzinfo=datetime.UTC)).categories.add(
        world
    )
    make_article(status=Article.Status.DRAFT).categories.add(only_drafts)
    entries = sitemap_entries(client)
    assert entries[f"{SITE}/category/world/"] == "2023-02-03"
    assert f"{SITE}{empty.get_absolute_url()}" not in entries
    assert f"{SITE}{only_drafts.get_absolute_url()}" not in entries
    assert entries[f"{SITE}/source/unian/"] == "2023-02-03"
    assert entries[f"{SITE}/"] == "2023-02-03"


def test_the_site_row_follows_the_settings_on_migrate(db, settings):
    settings.SITE_URL = "https://news.example.org"
    settings.SITE_NAME = "Example News"
    sync_site_from_settings()
    try:
        site = Site.objects.get_current()
        assert (site.domain, site.name) == ("news.example.org", "Example News")
    finally:
        Site.objects.clear_cache()  # the row is rolled back; the process cache is not


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_pages(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("User-agent: *\n")
    for private in ("/admin/", "/accounts/", "/search/"):
        assert f"Disallow: {private}\n" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_robots_txt_lets_crawlers_read_the_privacy_page_only_of_the_comment_pages(client, db):
    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())
    assert robots.can_fetch("Googlebot", "/comments/privacy/")
    assert robots.can_fetch("Googlebot", "/2021/10/21/a-story/")
    for private in (
        "/comments/post/1/",
        "/comments/privacy/request/",
        "/comments/privacy/confirm/a-token/",
        "/admin/",
    ):
        assert not robots.can_fetch("Googlebot", private), private
