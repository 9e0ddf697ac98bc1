"""Changes readers make to articles: liking one, and taking the like back."""

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from blog.models import Article, ArticleLike


@transaction.atomic
def article_like_toggle(*, article: Article, user) -> bool:
    """Like `article` as `user`, or take an existing like back. Returns whether the user
    likes it now. The article's like_count is recounted, so it cannot drift."""
    # Toggles of one article take turns: a recount that ran beside another toggle's
    # uncommitted like would store a count one off (PostgreSQL's READ COMMITTED).
    _articles_lock(article_ids=[article.pk])
    deleted, _ = ArticleLike.objects.filter(article=article, user=user).delete()
    liked = not deleted
    if liked:
        try:
            # A savepoint: a double-click racing this one must not break the transaction.
            with transaction.atomic():
                ArticleLike.objects.create(article=article, user=user)
        except IntegrityError:
            pass  # the other request liked it already; the outcome is the same
    _like_counts_store(article_ids=[article.pk])
    article.refresh_from_db(fields=["like_count"])
    return liked


@transaction.atomic
def article_like_recount(*, article_ids) -> None:
    """Store each article's like count as its number of like rows, once toggles of these
    articles running meanwhile have committed."""
    _articles_lock(article_ids=article_ids)
    _like_counts_store(article_ids=article_ids)


def _articles_lock(*, article_ids) -> None:
    # In id order, so that two recounts of several articles cannot deadlock.
    rows = Article.objects.select_for_update().filter(pk__in=article_ids).order_by("pk")
    list(rows.values_list("pk", flat=True))


def _like_counts_store(*, article_ids) -> None:
    likes = (
        ArticleLike.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(count=Count("pk"))
        .values("count")
    )
    Article.objects.filter(pk__in=article_ids).update(
        like_count=Coalesce(Subquery(likes), Value(0))
    )
