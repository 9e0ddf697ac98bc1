"""Editors' moderation of comments: xtd's admin plus "unpublish" and readable columns."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django_comments_xtd.admin import XtdCommentsAdmin
from django_comments_xtd.models import XtdComment

from comments.models import Delivery, Mailing, Subscription
from comments.services import comment_approve

admin.site.unregister(XtdComment)


@admin.register(XtdComment)
class CommentAdmin(XtdCommentsAdmin):
    list_display = ["cid", "name", "excerpt", "submit_date", "is_public", "is_removed"]
    list_filter = ["is_public", "is_removed", "submit_date"]
    actions = [*XtdCommentsAdmin.actions, "unpublish_comments"]

    @admin.display(description="comment")
    def excerpt(self, comment):
        return comment.comment[:80] + ("…" if len(comment.comment) > 80 else "")

    @admin.action(description="Approve selected comments")
    def approve_comments(self, request, queryset):
        # Through the service, so the article's followers hear of each approved comment.
        self._bulk_flag(
            request,
            queryset,
            lambda request, comment: comment_approve(comment=comment, moderator=request.user),
            lambda n: "approved",
        )

    @admin.action(description="Unpublish selected comments (hold for moderation)")
    def unpublish_comments(self, request, queryset):
        count = queryset.update(is_public=False)
        self.message_user(request, f"{count} comment(s) unpublished.", messages.SUCCESS)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "article", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter), "bounced_at"]
    search_fields = ["email"]
    raw_id_fields = ["user", "article"]
    readonly_fields = ["token", "created_at", "confirmation_sent_at"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["subscription", "status", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0

    def get_queryset(self, request):
        # Only the deliveries worth a look: a big mailing has thousands of sent ones.
        queryset = super().get_queryset(request).select_related("subscription")
        return queryset.exclude(status=Delivery.Status.SENT)


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "sent", "pending", "attempts", "finished_at"]
    list_filter = ["kind", ("finished_at", admin.EmptyFieldListFilter), "given_up_at"]
    readonly_fields = [field.name for field in Mailing._meta.fields]
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__status="sent")),
                pending_count=Count("deliveries", filter=Q(deliveries__status="pending")),
            )
        )

    @admin.display(ordering="sent_count")
    def sent(self, mailing):
        return mailing.sent_count

    @admin.display(ordering="pending_count")
    def pending(self, mailing):
        return mailing.pending_count

    def has_add_permission(self, request):
        return False
