"""The article page's context, built in one place: the story with its likes and related
stories, and the discussion under it. Used by the article view and by the comment view that
shows the page again when a comment is refused without JavaScript, so both show the same
page."""

from django.http import Http404

from blog.models import Article
from blog.selectors import article_likes_summary, related_stories
from comments.discussion.page import article_discussion


def published_article_or_404(pk) -> Article:
    """The published article `pk`, or a 404: readers like, comment on, log in from and
    follow published articles only."""
    article = Article.objects.published().filter(pk=pk).first()
    if article is None:
        raise Http404("No such article.")
    return article


def article_page_context(request, article: Article, *, form=None) -> dict:
    """Everything `blog/article_detail.html` shows. `form` is a comment form sent back with
    what the reader typed (and what went wrong); without it the reader gets a fresh one."""
    return {
        "article": article,
        # Every comment page's canonical address is the article's own.
        "article_address": request.build_absolute_uri(article.get_absolute_url()),
        "likes": article_likes_summary(article=article, user=request.user),
        "related_articles": related_stories(article=article),
        **article_discussion(request, article, form=form),
    }
