from django.urls import path

from comments import redirects, views

app_name = "comments"

urlpatterns = [
    path("post/<int:article_id>/", views.post_comment, name="post"),
    path("<int:comment_id>/like/", views.like_comment, name="like"),
    path("<int:comment_id>/report/", views.report_comment, name="report"),
    path("avatar/<str:key>.svg", views.avatar, name="avatar"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/request/", views.data_request, name="data_request"),
    path("privacy/confirm/<str:token>/", views.data_request_confirm, name="data_confirm"),
    path("form/<int:article_id>/", views.comment_form, name="form"),
    path("login/<int:article_id>/", views.social_login, name="login"),
    path("login/<int:article_id>/connect/", views.social_login_connect, name="login_connect"),
    path("login/<int:article_id>/done/", views.social_login_done, name="login_done"),
    path("logout/<int:article_id>/", views.comment_logout, name="logout"),
    path("follow/", views.follow, name="follow"),
    path("follow/<int:article_id>/", views.follow_article, name="follow_article"),
    path("subscriptions/<str:token>/", views.subscriptions, name="subscriptions"),
    path(
        "subscriptions/<str:token>/confirm/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("subscriptions/<str:token>/stop/", views.subscription_stop, name="subscription_stop"),
    path(
        "subscriptions/<str:token>/resume/",
        views.subscription_resume,
        name="subscription_resume",
    ),
    path("subscriptions/<str:token>/one-click/", views.one_click, name="one_click"),
]

# django-comments' models link to their target through this name (admin "View on site").
redirect_patterns = [
    path(
        "cr/<int:content_type_id>/<str:object_id>/",
        redirects.comment_target,
        name="comments-url-redirect",
    ),
]
