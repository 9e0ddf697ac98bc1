from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from blog import views
from blog.avatars import DIGEST_LENGTH

blog_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "<int:year>/<int:month>/<int:day>/<slug:slug>/",
        views.article_detail,
        name="article",
    ),
    path("category/<slug:slug>/", views.category_articles, name="category"),
    path("tag/<slug:slug>/", views.tag_articles, name="tag"),
    path("source/<slug:slug>/", views.source_articles, name="source"),
    re_path(rf"^avatar/(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})\.svg$", views.avatar, name="avatar"),
]

urlpatterns = [
    path("", include((blog_patterns, "blog"))),
    path("comments/", include("comments.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
