"""The monthly archive: /2021/10/ lists that month's stories."""

import datetime

import pytest

from blog.models import Article


def at(year, month, day=15):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def test_a_month_lists_its_published_stories_newest_first(client, make_article):
    early = make_article(title="Early October", published_at=at(2021, 10, 2))
    late = make_article(title="Late October", published_at=at(2021, 10, 28))
    make_article(title="September story", published_at=at(2021, 9, 30))
    make_article(title="October draft", published_at=at(2021, 10, 5), status="draft")
    response = client.get("/2021/10/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-title">Stories from October 2021</h1>' in html
    assert html.index(late.title) < html.index(early.title)
    assert "September story" not in html and "October draft" not in html


def test_the_archive_links_to_the_neighbouring_months_with_stories(client, make_article):
    make_article(published_at=at(2021, 7))
    make_article(published_at=at(2021, 10))
    make_article(published_at=at(2022, 1))
    html = client.get("/2021/10/").content.decode()
    assert '<a href="/2021/07/">← July 2021</a>' in html
    assert '<a href="/2022/01/">January 2022 →</a>' in html


def test_an_empty_month_is_404(client, make_article):
    make_article(published_at=at(2021, 10))
    assert client.get("/2021/11/").status_code == 404
    assert client.get("/2021/13/").status_code == 404


def test_a_month_of_drafts_only_is_404(client, make_article):
    make_article(published_at=at(2021, 10), status=Article.Status.DRAFT)
    assert client.get("/2021/10/").status_code == 404


def test_the_archive_is_paginated(client, make_article):
    for day in range(1, 13):
        make_article(published_at=at(2021, 10, day))
    first = client.get("/2021/10/").content.decode()
    second = client.get("/2021/10/?page=2").content.decode()
    assert first.count('class="summary"') == 10
    assert second.count('class="summary"') == 2


def test_the_sidebar_lists_the_months_with_stories(client, make_article):
    make_article(published_at=at(2021, 10))
    make_article(published_at=at(2021, 7))
    make_article(published_at=at(2021, 8), status=Article.Status.DRAFT)
    html = client.get("/").content.decode()
    assert '<a href="/2021/10/">October 2021</a>' in html
    assert '<a href="/2021/07/">July 2021</a>' in html
    assert "August 2021" not in html


@pytest.mark.parametrize("count", [3, 25])
def test_the_archive_costs_a_fixed_number_of_queries(
    client, make_article, count, django_assert_num_queries
):
    for n in range(count):
        make_article(published_at=at(2021, 10, 1 + n % 28))
    client.get("/")  # fill the sidebar cache
    # any stories in the month?, count, page, previous month, next month
    with django_assert_num_queries(5):
        assert client.get("/2021/10/").status_code == 200
