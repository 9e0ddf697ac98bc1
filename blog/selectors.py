"""Reads for the reader's side: likes, related stories, and the sidebar widgets (comment reads
live in comments.discussion.selectors).

Each function issues a small, fixed number of queries; the sidebar and each article's related
stories are computed once per WIDGETS_CACHE_SECONDS and kept in the shared cache as plain
values.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, Count, Q
from django.db.models.functions import Cast
from django.utils import timezone

from blog.models import Article, ArticleLike, Category
from comments.discussion.selectors import (
    comment_link,
    public_article_comments,
    site_comments,
    with_articles,
)

LIKERS_SHOWN = 12
RELATED_ARTICLES = 3
SIDEBAR_CACHE_KEY = "blog:sidebar:v1"
RELATED_CACHE_KEY = "blog:related:v1:{pk}"
RECENT_COMMENTS = 5
POPULAR_ARTICLES = 5


@dataclass(frozen=True)
class LikesSummary:
    count: int
    likers: list  # users, latest first, at most LIKERS_SHOWN
    liked_by_reader: bool


def article_likes_summary(*, article: Article, user) -> LikesSummary:
    """Who likes `article` (the latest likers) and whether `user` does: at most 2 queries,
    none when nobody likes it."""
    if not article.like_count:
        return LikesSummary(count=0, likers=[], liked_by_reader=False)
    likes = (
        ArticleLike.objects.filter(article=article)
        .select_related("user")
        .order_by("-created_at", "-pk")[:LIKERS_SHOWN]
    )
    likers = [like.user for like in likes]
    liked = False
    if user.is_authenticated:
        liked = any(liker.pk == user.pk for liker in likers) or (
            article.like_count > len(likers)
            and ArticleLike.objects.filter(article=article, user=user).exists()
        )
    return LikesSummary(count=article.like_count, likers=likers, liked_by_reader=liked)


def related_articles(*, article: Article, limit: int = RELATED_ARTICLES) -> list[Article]:
    """Other published articles sharing a category or a tag with `article`, newest first,
    topped up with the newest from the same source: one query, two when topping up.

    (One query ordering every article by "shares a topic" would sort the whole table: with
    a single agency, every article shares the source.)"""
    categories = Article.categories.through.objects
    tags = Article.tags.through.objects
    same_category = categories.filter(
        category_id__in=categories.filter(article_id=article.pk).values("category_id")
    ).values("article_id")
    same_tag = tags.filter(tag_id__in=tags.filter(article_id=article.pk).values("tag_id")).values(
        "article_id"
    )
    others = Article.objects.published().for_listing().exclude(pk=article.pk)
    related = list(others.filter(Q(pk__in=same_category) | Q(pk__in=same_tag))[:limit])
    if len(related) < limit and article.source_id:
        related += others.filter(source_id=article.source_id).exclude(
            pk__in=[other.pk for other in related]
        )[: limit - len(related)]
    return related


def related_stories(*, article: Article) -> list[dict]:
    """`related_articles` as the page shows them (address, title, date, agency), kept
    WIDGETS_CACHE_SECONDS per article: comments and likes re-render a busy story's page
    often, and its related stories need not be looked up each time."""

    def shown():
        return [
            {
                "url": other.get_absolute_url(),
                "title": other.title,
                "published_at": other.published_at,
                "source": other.source.name if other.source else "",
            }
            for other in related_articles(article=article)
        ]

    key = RELATED_CACHE_KEY.format(pk=article.pk)
    return cache.get_or_set(key, shown, settings.WIDGETS_CACHE_SECONDS)


def popular_articles(limit: int = POPULAR_ARTICLES) -> list[Article]:
    """Published articles readers engaged with most (likes plus public comments), most
    first. Two queries whatever the size of the site: the comment counts, grouped; then the
    candidates (every commented article and the most liked ones), ranked here.

    A correlated count per article would be one query, but SQLite then scans the comments
    table once per article (it picks the content-type index): seconds at a few thousand."""
    # Comments of unpublished articles are counted too: the candidates leave them out.
    comments = public_article_comments()
    comment_counts = dict(
        comments.values("object_pk").annotate(count=Count("pk")).values_list("object_pk", "count")
    )
    commented = comments.annotate(article_pk=Cast("object_pk", BigIntegerField())).values(
        "article_pk"
    )
    most_liked = Article.objects.published().filter(like_count__gt=0).order_by("-like_count", "-pk")
    candidates = (
        Article.objects.published()
        .filter(Q(pk__in=commented) | Q(pk__in=most_liked.values("pk")[:limit]))
        .only("title", "slug", "published_at", "created_at", "like_count")
    )
    for article in candidates:
        article.comment_count = comment_counts.get(str(article.pk), 0)
        article.engagement = article.like_count + article.comment_count
    ranked = sorted(
        candidates, key=lambda article: (-article.engagement, -article.published_at.timestamp())
    )
    return [article for article in ranked if article.engagement][:limit]


def sidebar_widgets() -> dict:
    """Recent comments, popular articles, categories and months with stories, as plain
    values: one cache read per page, six queries when the cache is cold."""
    return cache.get_or_set(SIDEBAR_CACHE_KEY, _sidebar_widgets, settings.WIDGETS_CACHE_SECONDS)


def _sidebar_widgets() -> dict:
    recent = with_articles(site_comments()[:RECENT_COMMENTS])
    now = timezone.now()
    categories = (
        Category.objects.annotate(
            article_count=Count(
                "articles",
                filter=Q(
                    articles__status=Article.Status.PUBLISHED, articles__published_at__lte=now
                ),
            )
        )
        .filter(article_count__gt=0)
        .order_by("name")
    )
    months = Article.objects.published().dates("published_at", "month", order="DESC")
    return {
        "recent_comments": [
            {
                "author": comment.user_name or "Anonymous",
                "article_title": comment.article.title,
                "url": comment_link(comment),
                "submitted": comment.submit_date,
            }
            for comment in recent
        ],
        "popular_articles": [
            {"title": article.title, "url": article.get_absolute_url()}
            for article in popular_articles()
        ],
        "categories": [
            {
                "name": category.name,
                "url": category.get_absolute_url(),
                "count": category.article_count,
            }
            for category in categories
        ],
        "months": list(months),
    }
