"""RSS 2.0 and Atom feeds: all articles, one category, one source, the comments of one
article, and the comments of the whole site.

Each article item carries the full story with its attribution (copyright line, agency,
link to the original), so it stays attributed wherever the feed is read. The only HTML
that is not escaped is the article body, and it goes through nh3 again on the way out.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from blog.media import OG_IMAGE_WIDTH, rendition_url
from blog.models import Article, Category, Source
from blog.sanitize import sanitize_article_html
from comments.discussion.selectors import (
    comment_link,
    public_comments,
    site_comments,
    with_articles,
)


class ArticlesFeed(Feed):
    """The latest published articles."""

    description_template = "blog/feeds/article_description.html"

    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return reverse("blog:home")

    def description(self, obj=None):
        return settings.SITE_TAGLINE

    def author_name(self, obj=None):
        return settings.SITE_NAME

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        articles = (
            self.articles(obj)
            .for_listing()
            .select_related("featured_image")
            .prefetch_related("categories")
        )
        return articles[: settings.FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        # A scheduled article was last edited before it went out.
        return max(article.updated_at, article.published_at)

    def item_author_name(self, article):
        return article.original_byline or (article.source.name if article.source else None)

    def item_categories(self, article):
        return [category.name for category in article.categories.all()]

    def item_copyright(self, article):
        return article.copyright_line or None

    def get_context_data(self, *, item, request, site, **kwargs):
        scheme = "https" if request.is_secure() else "http"
        share_url = ""
        if item.featured_image:
            share_url = rendition_url(item.featured_image, width=OG_IMAGE_WIDTH)[0]
        return {
            "article": item,
            "body_html": sanitize_article_html(item.body),
            "photo_url": f"{scheme}://{site.domain}{share_url}" if share_url else "",
        }


class CategoryFeed(ArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, category):
        return f"{settings.SITE_NAME} » {category.name}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return f"Stories in {category.name} on {settings.SITE_NAME}"

    def articles(self, category):
        return Article.objects.published().filter(categories=category)


class SourceFeed(ArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Source, slug=slug)

    def title(self, source):
        return f"{settings.SITE_NAME} » {source.name}"

    def link(self, source):
        return source.get_absolute_url()

    def description(self, source):
        return f"Stories from {source.name} on {settings.SITE_NAME}"

    def articles(self, source):
        return Article.objects.published().filter(source=source)


class CommentsFeed(Feed):
    """The latest public comments on published articles."""

    def title(self, obj=None):
        return f"Comments for {settings.SITE_NAME}"

    def link(self, obj=None):
        return reverse("blog:home")

    def description(self, obj=None):
        return f"The latest comments on {settings.SITE_NAME}"

    def author_name(self, obj=None):
        return settings.SITE_NAME

    def items(self, obj=None):
        return with_articles(site_comments()[: settings.FEED_ITEMS])

    def item_title(self, comment):
        return f"Comment on {comment.article.title} by {comment.user_name or 'Anonymous'}"

    def item_link(self, comment):
        return comment_link(comment)

    def item_description(self, comment):
        # Comments are plain text: escaped, with their paragraphs kept.
        return linebreaks(comment.comment, autoescape=True)

    def item_pubdate(self, comment):
        return comment.submit_date

    def item_author_name(self, comment):
        return comment.user_name or "Anonymous"


class ArticleCommentsFeed(CommentsFeed):
    def get_object(self, request, year, month, day, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, article):
        return f"Comments on: {article.title}"

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return f"The discussion of “{article.title}” on {settings.SITE_NAME}"

    def items(self, article):
        newest = public_comments(article).order_by("-submit_date", "-pk")
        comments = list(newest[: settings.FEED_ITEMS])
        for comment in comments:
            comment.article = article
        return comments

    def item_title(self, comment):
        return f"By: {comment.user_name or 'Anonymous'}"


def atom(feed_class: type[Feed]) -> type[Feed]:
    """The Atom 1.0 twin of an RSS feed class."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": Atom1Feed, "subtitle": feed_class.description},
    )


ArticlesAtomFeed = atom(ArticlesFeed)
CategoryAtomFeed = atom(CategoryFeed)
SourceAtomFeed = atom(SourceFeed)
CommentsAtomFeed = atom(CommentsFeed)
ArticleCommentsAtomFeed = atom(ArticleCommentsFeed)
