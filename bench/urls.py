"""The site's URLs, plus xtd's (its stock tree links to them), the stock-rendered page and
the "Django ceiling" (`bench.pages`)."""

import functools
import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path

from bench.comments_tree import stock_article_detail
from blog.urls import urlpatterns as site_urlpatterns


@functools.cache
def saved_page() -> bytes:
    return Path(os.environ["BENCH_CEILING_FILE"]).read_bytes()


def ceiling(request):
    """The fastest page the site's stack can serve: every middleware, a view that only
    returns the bytes of a page saved to BENCH_CEILING_FILE."""
    return HttpResponse(saved_page(), content_type="text/html; charset=utf-8")


urlpatterns = [
    *site_urlpatterns,
    path("bench/stock/<int:article_id>/", stock_article_detail, name="bench-stock-article"),
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("xtd/", include("django_comments_xtd.urls")),
]
