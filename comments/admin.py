"""Editors' moderation of comments: xtd's admin plus "unpublish" and readable columns."""

from django.contrib import admin, messages
from django_comments_xtd.admin import XtdCommentsAdmin
from django_comments_xtd.models import XtdComment

admin.site.unregister(XtdComment)


@admin.register(XtdComment)
class CommentAdmin(XtdCommentsAdmin):
    list_display = ["cid", "name", "excerpt", "submit_date", "is_public", "is_removed"]
    list_filter = ["is_public", "is_removed", "submit_date"]
    actions = [*XtdCommentsAdmin.actions, "unpublish_comments"]

    @admin.display(description="comment")
    def excerpt(self, comment):
        return comment.comment[:80] + ("…" if len(comment.comment) > 80 else "")

    @admin.action(description="Unpublish selected comments (hold for moderation)")
    def unpublish_comments(self, request, queryset):
        count = queryset.update(is_public=False)
        self.message_user(request, f"{count} comment(s) unpublished.", messages.SUCCESS)
