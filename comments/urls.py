from django.urls import path

from comments.discussion import redirects
from comments.discussion import views as discussion
from comments.moderation import views as moderation
from comments.notifications import views as notifications
from comments.privacy import views as privacy
from comments.social import views as social

app_name = "comments"

# Emailed links carry secrets.token_urlsafe() tokens: exactly the slug alphabet, so any other
# character (a NUL the database refuses) is a 404 before a view runs.

urlpatterns = [
    path("post/<int:article_id>/", discussion.post_comment, name="post"),
    path("<int:comment_id>/like/", discussion.like_comment, name="like"),
    path("<int:comment_id>/report/", moderation.report_comment, name="report"),
    path("avatar/<str:key>.svg", discussion.avatar, name="avatar"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/request/", privacy.data_request, name="data_request"),
    path("privacy/confirm/<slug:token>/", privacy.data_request_confirm, name="data_confirm"),
    path("form/<int:article_id>/", social.comment_form, name="form"),
    path("login/<int:article_id>/", social.social_login, name="login"),
    path("login/<int:article_id>/connect/", social.social_login_connect, name="login_connect"),
    path("login/<int:article_id>/done/", social.social_login_done, name="login_done"),
    path("logout/<int:article_id>/", social.comment_logout, name="logout"),
    path("follow/", notifications.follow, name="follow"),
    path("follow/<int:article_id>/", notifications.follow_article, name="follow_article"),
    path("subscriptions/<slug:token>/", notifications.subscriptions, name="subscriptions"),
    path(
        "subscriptions/<slug:token>/confirm/",
        notifications.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "subscriptions/<slug:token>/stop/",
        notifications.subscription_stop,
        name="subscription_stop",
    ),
    path(
        "subscriptions/<slug:token>/resume/",
        notifications.subscription_resume,
        name="subscription_resume",
    ),
    path("subscriptions/<slug:token>/one-click/", notifications.one_click, name="one_click"),
]

# django-comments' models link to their target through this name (admin "View on site").
redirect_patterns = [
    path(
        "cr/<int:content_type_id>/<str:object_id>/",
        redirects.comment_target,
        name="comments-url-redirect",
    ),
]
