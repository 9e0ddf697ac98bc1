"""sitemap.xml: an index of sections (the front page, published articles, and the
categories and sources that have published articles), each URL with its last change.

Rendering a sitemap costs about a third of a millisecond per URL in Django's template, so
sections are paged at ARTICLES_PER_SITEMAP and served from the cache for CACHE_SECONDS
(see `make bench`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, Category, Source

ARTICLES_PER_SITEMAP = 1000
CACHE_SECONDS = 10 * 60


class Sitemap(DjangoSitemap):
    """Links with SITE_URL's scheme (the host comes from the Site row, kept equal to
    SITE_URL's on migrate), whatever scheme the request arrived with."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["blog:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = ARTICLES_PER_SITEMAP

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at", "created_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return max(article.updated_at, article.published_at)

    def get_latest_lastmod(self):
        # The default calls lastmod() on every article, for the index's one date.
        latest = Greatest("updated_at", "published_at")
        return self.items().aggregate(latest=Max(latest))["latest"]


class _ListingSitemap(Sitemap):
    """Categories or sources with published articles; lastmod is their newest story."""

    changefreq = "daily"
    priority = 0.5
    model = None

    def items(self):
        published = Q(
            articles__status=Article.Status.PUBLISHED, articles__published_at__lte=timezone.now()
        )
        return (
            self.model.objects.annotate(latest=Max("articles__published_at", filter=published))
            .filter(latest__isnull=False)
            .order_by("name")
        )

    def lastmod(self, item):
        return item.latest


class CategorySitemap(_ListingSitemap):
    model = Category


class SourceSitemap(_ListingSitemap):
    model = Source


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "sources": SourceSitemap,
}
