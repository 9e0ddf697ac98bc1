"""Related stories under an article: same category, tag or source, newest first."""

import pytest
from django.core.cache import cache

from blog.models import Article, Category, Source, Tag
from blog.selectors import RELATED_CACHE_KEY


def related_titles(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    if '<section class="related"' not in html:
        return []
    section = html[html.index('<section class="related"') :]
    section = section[: section.index("</section>")]
    shown = [
        title
        for title in Article.objects.values_list("title", flat=True)
        if f">{title}</a>" in section
    ]
    return sorted(shown, key=lambda title: section.index(f">{title}</a>"))


@pytest.fixture
def reuters(db):
    return Source.objects.create(name="Reuters", slug="reuters")


def test_stories_sharing_a_topic_come_before_those_sharing_only_the_source(
    client, make_article, reuters
):
    world = Category.objects.create(name="World", slug="world")
    nato = Tag.objects.create(name="NATO", slug="nato")
    # make_article: each newer than the next one made
    same_source = make_article(title="Same agency, other topic")
    same_tag = make_article(title="Same tag", source=reuters)
    same_category = make_article(title="Same category", source=reuters)
    make_article(title="Unrelated", source=reuters)
    story = make_article(title="The story")
    story.categories.add(world)
    story.tags.add(nato)
    same_category.categories.add(world)
    same_tag.tags.add(nato)
    # Both topic matches first (newest first), then the same agency's story.
    assert related_titles(client, story) == [
        same_tag.title,
        same_category.title,
        same_source.title,
    ]


def test_related_stories_are_published_and_at_most_three(client, make_article):
    story = make_article(title="The story")
    for n in range(5):
        make_article(title=f"Other {n}")
    make_article(title="A draft", status=Article.Status.DRAFT)
    titles = related_titles(client, story)
    assert titles == ["Other 0", "Other 1", "Other 2"]


def test_a_story_with_nothing_in_common_has_no_related_section(client, make_article, reuters):
    story = make_article(title="Lonely", source=None)
    make_article(title="Elsewhere", source=reuters)
    assert related_titles(client, story) == []


@pytest.mark.parametrize("topics", [3, 12])
def test_related_stories_cost_one_query_when_topics_fill_the_list(
    client, make_article, topics, django_assert_num_queries
):
    story = make_article()
    for n in range(topics):
        category = Category.objects.create(name=f"C{n}", slug=f"c{n}")
        tag = Tag.objects.create(name=f"T{n}", slug=f"t{n}")
        story.categories.add(category)
        story.tags.add(tag)
        make_article().categories.add(category)
    client.get("/")  # fill the sidebar cache
    client.get(story.get_absolute_url())  # and the ContentType cache the discussion uses
    cache.delete(RELATED_CACHE_KEY.format(pk=story.pk))
    # article, categories, tags, related; the discussion, the social-login apps
    with django_assert_num_queries(6):
        client.get(story.get_absolute_url())
    # Kept for the next readers: the page is rendered again without looking them up.
    with django_assert_num_queries(5):
        client.get(story.get_absolute_url())


def test_a_new_related_story_shows_once_the_kept_list_expires(client, make_article):
    story = make_article(title="The story")
    assert related_titles(client, story) == []
    make_article(title="Newer on the same wire", source=story.source)
    cache.clear()  # what WIDGETS_CACHE_SECONDS does
    assert related_titles(client, story) == ["Newer on the same wire"]


@pytest.mark.parametrize("others", [1, 30])
def test_topping_up_from_the_source_costs_one_more_query(
    client, make_article, others, django_assert_num_queries
):
    story = make_article()
    for _ in range(others):
        make_article()
    client.get("/")
    client.get(story.get_absolute_url())
    cache.delete(RELATED_CACHE_KEY.format(pk=story.pk))
    # article, categories, tags, related by topic, related by source; the discussion, the
    # social-login apps
    with django_assert_num_queries(7):
        client.get(story.get_absolute_url())
