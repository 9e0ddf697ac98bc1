from django.urls import include, path

urlpatterns = [
    path("", include("django_comments_xtd.urls")),
]
