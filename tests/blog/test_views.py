import datetime

import pytest
from django.utils import timezone

from blog.models import Article


def test_home_lists_published_stories_newest_first(client, make_article):
    older = make_article(
        title="Older story", published_at=timezone.now() - datetime.timedelta(days=2)
    )
    newer = make_article(
        title="Newer story", published_at=timezone.now() - datetime.timedelta(days=1)
    )
    make_article(title="Secret draft", status=Article.Status.DRAFT)
    html = client.get("/").content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert "Secret draft" not in html


def test_home_is_paginated(client, make_article):
    for _ in range(12):
        make_article()
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert first.count('class="summary"') == 10
    assert second.count('class="summary"') == 2
    assert "Older stories" in first and "Newer stories" in second


def test_home_page_out_of_range_is_404(client, make_article):
    make_article()
    assert client.get("/?page=9").status_code == 404


def test_article_page_shows_story_and_attribution(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<h1 class="article-title">NATO-Russia Relations Reached Bottom – Stoltenberg</h1>' in html
    )
    assert article.standfirst in html
    assert f"(C)UNIAN {article.published_at.year}" in html
    assert 'href="https://www.unian.info/world/nato-russia.html"' in html
    assert "UNIAN correspondent" in html
    assert (
        '<meta property="og:title" content="NATO-Russia Relations Reached Bottom – Stoltenberg">'
        in html
    )
    assert f'<meta name="description" content="{article.standfirst}">' in html


def test_article_title_is_escaped(client, make_article):
    article = make_article(title="<script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_canonical_points_at_the_original_when_the_source_requires_it(client, article, unian):
    unian.canonical_required = True
    unian.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://www.unian.info/world/nato-russia.html">' in html


def test_canonical_points_at_itself_otherwise(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in html


def test_a_draft_is_404_for_readers(client, reader, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_scheduled_article_is_404_for_readers(client, make_article):
    scheduled = make_article(published_at=timezone.now() + datetime.timedelta(hours=2))
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_staff_see_a_draft_with_a_banner(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Draft — only staff can see this page." in html
    assert '<meta name="robots" content="noindex">' in html


def test_staff_see_when_a_scheduled_article_goes_out(client, editor, make_article):
    scheduled = make_article(published_at=datetime.datetime(2099, 1, 2, 9, 30, tzinfo=datetime.UTC))
    client.force_login(editor)
    html = client.get(scheduled.get_absolute_url()).content.decode()
    assert "Scheduled for January 2, 2099, 09:30" in html


def test_a_wrong_date_redirects_to_the_articles_address(client, article):
    response = client.get(f"/1999/1/1/{article.slug}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_unknown_article_is_404(client, db):
    assert client.get("/2021/10/21/nothing-here/").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_home_query_count_does_not_grow_with_articles(
    client, make_article, count, django_assert_num_queries
):
    for _ in range(count):
        make_article()
    client.get("/")  # fill the sidebar cache (tests/blog/test_widgets.py counts it)
    # count + page of articles (source joined)
    with django_assert_num_queries(2):
        assert client.get("/").status_code == 200


def test_source_page_lists_its_stories(client, article, make_article):
    other = make_article(source=None, title="Unsourced")
    html = client.get("/source/unian/").content.decode()
    assert article.title in html and other.title not in html
