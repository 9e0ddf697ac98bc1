from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page

from blog import feeds, views
from blog.sitemaps import CACHE_SECONDS, SITEMAPS
from comments import urls as comments_urls

ARTICLE = "<int:year>/<int:month>/<int:day>/<slug:slug>/"

blog_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(ARTICLE, views.article_detail, name="article"),
    path("category/<slug:slug>/", views.category_articles, name="category"),
    path("tag/<slug:slug>/", views.tag_articles, name="tag"),
    path("source/<slug:slug>/", views.source_articles, name="source"),
    # Reader features: archive, search, likes, feeds.
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{1,2})/$",
        views.MonthArchive.as_view(),
        name="archive_month",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("articles/<int:pk>/like/", views.article_like, name="article_like"),
    path("feed/", feeds.ArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.ArticlesAtomFeed(), name="atom"),
    path("feed/comments/", feeds.CommentsFeed(), name="comments_feed"),
    path("feed/comments/atom/", feeds.CommentsAtomFeed(), name="comments_atom"),
    path("category/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("category/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category_atom"),
    path("source/<slug:slug>/feed/", feeds.SourceFeed(), name="source_feed"),
    path("source/<slug:slug>/feed/atom/", feeds.SourceAtomFeed(), name="source_atom"),
    path(f"{ARTICLE}feed/", feeds.ArticleCommentsFeed(), name="article_comments_feed"),
    path(f"{ARTICLE}feed/atom/", feeds.ArticleCommentsAtomFeed(), name="article_comments_atom"),
]

# Staff sign in through allauth's login: rate-limited per address and account, and asking
# for the second factor of accounts that set one up. /admin/login/ only redirects there.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include((blog_patterns, "blog"))),
    path(
        "sitemap.xml",
        cache_page(CACHE_SECONDS)(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(CACHE_SECONDS)(sitemaps.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon),
    path("comments/", include("comments.urls")),
    path("comments/", include(comments_urls.redirect_patterns)),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.media_file),
    ]

# A body that cannot be read (a form in UTF-16) must get its 400, not a second error.
handler400 = "blog.views.bad_request"
# The 500 page must work when the database does not (see views.server_error).
handler500 = "blog.views.server_error"
