"""The site's URLs, plus xtd's (its stock tree links to them) and the stock-rendered page."""

from django.urls import include, path

from bench.comments_tree import stock_article_detail
from blog.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("bench/stock/<int:article_id>/", stock_article_detail, name="bench-stock-article"),
    path("xtd/", include("django_comments_xtd.urls")),
]
