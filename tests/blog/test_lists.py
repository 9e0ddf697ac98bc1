"""Category, tag and source pages: their published stories, paginated, in fixed queries."""

import pytest

from blog.models import Article, Category, Source, Tag


@pytest.fixture
def world(db):
    return Category.objects.create(name="World", slug="world")


@pytest.fixture
def nato(db):
    return Tag.objects.create(name="NATO", slug="nato")


def test_a_category_page_lists_its_published_stories(client, make_article, world):
    inside = make_article(title="Inside story")
    inside.categories.add(world)
    make_article(title="Outside story")
    make_article(title="Draft inside", status=Article.Status.DRAFT).categories.add(world)
    html = client.get("/category/world/").content.decode()
    assert '<h1 class="page-title">Category: World</h1>' in html
    assert "Inside story" in html
    assert "Outside story" not in html and "Draft inside" not in html
    assert '<a href="/category/world/feed/">RSS feed</a>' in html


def test_a_tag_page_lists_its_stories(client, make_article, nato):
    make_article(title="Tagged").tags.add(nato)
    make_article(title="Untagged")
    html = client.get("/tag/nato/").content.decode()
    assert '<h1 class="page-title">Tag: NATO</h1>' in html
    assert "Tagged" in html and "Untagged" not in html


def test_a_source_page_names_the_agency(client, make_article):
    make_article()
    html = client.get("/source/unian/").content.decode()
    assert '<h1 class="page-title">Stories from UNIAN</h1>' in html
    assert '<a href="/source/unian/feed/atom/">Atom feed</a>' in html


@pytest.mark.parametrize("url", ["/category/nothing/", "/tag/nothing/", "/source/nothing/"])
def test_an_unknown_list_is_404(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/category/world/", "/tag/nato/", "/source/unian/"])
def test_list_pages_are_paginated(client, make_article, world, nato, url):
    for _ in range(13):
        article = make_article()
        article.categories.add(world)
        article.tags.add(nato)
    first = client.get(url).content.decode()
    second = client.get(f"{url}?page=2").content.decode()
    assert first.count('class="summary"') == 10
    assert second.count('class="summary"') == 3
    assert '<a rel="next" href="?page=2">' in first
    assert client.get(f"{url}?page=3").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("url", ["/category/world/", "/tag/nato/", "/source/unian/"])
def test_list_pages_cost_a_fixed_number_of_queries(
    client, make_article, world, nato, url, count, django_assert_num_queries
):
    for _ in range(count):
        article = make_article()
        article.categories.add(world)
        article.tags.add(nato)
    Source.objects.create(name="Reuters", slug="reuters")
    client.get("/")  # fill the sidebar cache
    # the category/tag/source, count, page of stories (source joined)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
