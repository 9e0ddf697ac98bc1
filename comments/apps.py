from django.apps import AppConfig
from django.db.models.signals import pre_save


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Discussion"

    def ready(self):
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        # xtd hides (and on approval re-publishes) every reply under a comment whose state
        # changes, which would publish held replies along with an approved parent. Wirepress
        # keeps each comment's own state and shows a placeholder above visible replies.
        pre_save.disconnect(
            publish_or_unpublish_on_pre_save, sender="django_comments_xtd.XtdComment"
        )
