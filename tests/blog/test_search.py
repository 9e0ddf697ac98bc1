"""Search: finds published stories by any of their words, highlights them, pages them."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from blog.models import Article, Source
from blog.search import articles_search, highlight


def search(client, query, **params):
    return client.get("/search/", {"q": query, **params})


def test_finds_a_story_by_a_word_of_its_body(client, make_article):
    story = make_article(title="Summit ends", body="<p>Talks about grain corridors.</p>")
    make_article(title="Weather", body="<p>Rain tomorrow.</p>")
    html = search(client, "corridors").content.decode()
    assert story.title in html and "Weather" not in html
    assert "One story found." in html


def test_finds_by_title_standfirst_and_source(client, make_article):
    reuters = Source.objects.create(name="Reuters", slug="reuters")
    by_title = make_article(title="Stoltenberg in Brussels")
    by_standfirst = make_article(standfirst="The secretary general spoke of Brussels.")
    by_source = make_article(title="Markets", source=reuters)
    assert set(articles_search(query="brussels")) == {by_title, by_standfirst}
    assert list(articles_search(query="reuters")) == [by_source]


def test_ignores_drafts_and_scheduled_stories(client, make_article):
    make_article(title="Draft about corridors", status=Article.Status.DRAFT)
    make_article(
        title="Scheduled corridors story",
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    html = search(client, "corridors").content.decode()
    assert "Nothing found." in html
    assert "corridors story" not in html


def test_every_word_must_match(make_article):
    both = make_article(body="<p>Grain and corridors.</p>")
    make_article(body="<p>Grain only.</p>")
    assert list(articles_search(query="grain corridors")) == [both]


def test_the_query_is_highlighted_and_escaped(client, make_article):
    make_article(title="Talks <b>resume</b>", body="<p>The talks resume on Monday.</p>")
    html = search(client, "resume").content.decode()
    assert "Talks &lt;b&gt;<mark>resume</mark>&lt;/b&gt;" in html
    assert "talks <mark>resume</mark> on Monday" in html
    assert "<b>resume</b>" not in html


def test_a_hostile_query_is_shown_escaped(client, make_article):
    html = search(client, '<script>alert("x")</script>').content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_an_empty_query_shows_just_the_form(client, make_article):
    make_article()
    response = search(client, "   ")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-title">Search</h1>' in html
    assert 'class="summary search-result"' not in html


def test_an_overlong_query_gets_a_clear_error_not_a_500(client, make_article):
    response = search(client, "grain " * 50)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in html


def test_results_are_paginated_and_keep_the_query(client, make_article):
    for n in range(12):
        make_article(title=f"Corridor report {n}")
    first = search(client, "corridor").content.decode()
    assert first.count('class="summary search-result"') == 10
    assert "12 stories found." in first
    assert 'href="?q=corridor&amp;page=2"' in first
    second = search(client, "corridor", page=2).content.decode()
    assert second.count('class="summary search-result"') == 2
    assert 'href="?q=corridor&amp;page=1"' in second


def test_a_page_beyond_the_results_is_404(client, make_article):
    make_article(title="Corridor report")
    assert search(client, "corridor", page=5).status_code == 404


def test_the_excerpt_shows_the_text_around_the_match(make_article, client):
    before = " ".join(f"alpha{n}" for n in range(200))
    after = " ".join(f"omega{n}" for n in range(200))
    make_article(standfirst="", body=f"<p>{before} needle {after}</p>")
    html = search(client, "needle").content.decode()
    assert "alpha199 <mark>needle</mark> omega0" in html
    assert "alpha0 " not in html and "omega199" not in html


@pytest.mark.parametrize("count", [2, 15])
def test_search_costs_the_same_queries_for_any_number_of_results(
    client, make_article, count, django_assert_num_queries
):
    for n in range(count):
        make_article(title=f"Corridor report {n}")
    client.get("/")  # fill the sidebar cache
    # count + one page of results (source joined)
    with django_assert_num_queries(2):
        search(client, "corridor")


def test_highlight_marks_every_word_case_insensitively():
    assert highlight("Grain and GRAIN & corridors", "grain corridors") == (
        "<mark>Grain</mark> and <mark>GRAIN</mark> &amp; <mark>corridors</mark>"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search: PostgreSQL")
def test_postgres_ranks_title_matches_first_and_stems_words(make_article):
    in_body = make_article(title="Other news", body="<p>Negotiations went on.</p>")
    in_title = make_article(title="Negotiations resume", published_at=in_body.published_at)
    results = list(articles_search(query="negotiation"))
    assert results == [in_title, in_body]
    assert "\ue000Negotiations\ue001" in results[0].title_headline


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search: PostgreSQL")
def test_postgres_understands_web_search_syntax(make_article):
    grain = make_article(body="<p>Grain corridor reopened.</p>")
    make_article(body="<p>Grain prices fell.</p>")
    assert list(articles_search(query='"grain corridor"')) == [grain]
    assert list(articles_search(query="grain -prices")) == [grain]


def test_an_edited_story_is_found_by_its_new_words(make_article):
    story = make_article(body="<p>Old words.</p>")
    # update() bypasses save(): on PostgreSQL the trigger still refreshes the document.
    Article.objects.filter(pk=story.pk).update(body="<p>Fresh wording about ceasefire.</p>")
    assert list(articles_search(query="ceasefire")) == [story]
    assert list(articles_search(query="old")) == []


@pytest.mark.parametrize("query", ["\x00", "grain\x00corridor"])
def test_a_null_character_gets_a_clear_error_not_a_500(client, make_article, query):
    response = search(client, query)
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0"])
def test_a_bad_page_number_is_404_not_500(client, make_article, page):
    make_article(title="Corridor report")
    assert search(client, "corridor", page=page).status_code == 404
