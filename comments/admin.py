"""Editors' moderation of comments: the queue (filters by status, article and reason, the
pipeline's reasons shown), bulk actions that go through comments.moderation.actions, blocking
commenters, the blocklist, readers' reports and commenters' data requests.

Everything about comments sits in one "Discussion" section: comments through a proxy model
in this app, and the stock django_comments / xtd entries (flags, xtd's domain blacklist,
which Wirepress's blocklist replaces) are unregistered. The desk's per-row actions, reply
and change form are in comments.moderation.desk."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django_comments.models import CommentFlag
from django_comments_xtd.admin import XtdCommentsAdmin
from django_comments_xtd.models import BlackListedDomain, XtdComment

from blog.models import Article
from comments.discussion.selectors import STATUS_FILTERS
from comments.models import (
    BlockedCommenter,
    BlocklistEntry,
    Comment,
    CommentModeration,
    CommentReport,
    DataRequest,
    Delivery,
    Mailing,
    Subscription,
)
from comments.moderation import actions as services
from comments.moderation.akismet import akismet_enabled
from comments.moderation.desk import ModerationDeskMixin
from comments.moderation.reasons import CHECK_LABELS
from comments.privacy import data as privacy

for stock_model in (XtdComment, CommentFlag, BlackListedDomain):
    admin.site.unregister(stock_model)

Status = CommentModeration.Status


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in STATUS_FILTERS:
            return queryset.filter(STATUS_FILTERS[self.value()])
        return queryset


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return list(CHECK_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in CHECK_LABELS:
            return queryset.filter(moderation__checks__contains=f" {self.value()} ")
        return queryset


class ArticleFilter(admin.SimpleListFilter):
    title = "article"
    parameter_name = "article"

    def lookups(self, request, model_admin):
        commented = XtdComment.objects.values_list("object_pk", flat=True).distinct()
        ids = [int(pk) for pk in commented if pk.isdigit()]
        articles = Article.objects.filter(pk__in=ids).order_by("-published_at")[:50]
        return [(str(article.pk), article.title[:60]) for article in articles]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                content_type=ContentType.objects.get_for_model(Article), object_pk=self.value()
            )
        return queryset


@admin.register(Comment)
class CommentAdmin(ModerationDeskMixin, XtdCommentsAdmin):
    # Four columns and the buttons fit 1280 px beside the filters (static/css/comment-desk.css).
    list_display = [
        "comment_summary",
        "article_link",
        "status_and_reasons",
        "report_count",
        "desk_buttons",
    ]
    list_display_links = ["comment_summary"]
    list_filter = [StatusFilter, ReasonFilter, ArticleFilter, "submit_date"]
    list_select_related = ["moderation"]
    ordering = ["-submit_date", "-pk"]  # newest first, as a moderation queue reads
    fieldsets = [
        (None, {"fields": ["article_and_thread", "status_and_reasons", "comment"]}),
        (
            "Author",
            {
                "fields": [
                    "user_name",
                    "user_email",
                    "user_url",
                    "account",
                    "submit_date",
                    "ip_address",
                    "user_agent",
                ]
            },
        ),
        ("History", {"fields": ["history"]}),
    ]
    readonly_fields = [
        "article_and_thread",
        "status_and_reasons",
        "account",
        "submit_date",
        "ip_address",
        "user_agent",
        "history",
    ]
    actions = [
        "approve_comments",
        "unpublish_comments",
        "mark_spam",
        "mark_not_spam",
        "remove_comments",
        "block_commenters",
        "export_commenter_data",
        "erase_commenter_data",
    ]
    # Exporting hands out emails, IP addresses and user agents: moderators only, like the rest.
    moderator_actions = set(actions)

    class Media:
        css = {"all": ["css/comment-desk.css"]}
        js = ["js/comment-desk.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("moderation")
            .annotate(report_total=Count("reports", distinct=True))
        )

    def has_add_permission(self, request):
        return False  # comments come from readers; editors reply from a comment

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("django_comments.can_moderate"):
            for name in self.moderator_actions:
                actions.pop(name, None)
        return actions

    @admin.display(description="reports", ordering="report_total")
    def report_count(self, comment):
        return comment.report_total

    def _each(self, request, queryset, service, done: str) -> int:
        count = 0
        for comment in queryset:
            service(comment, by=request.user)
            self.log_change(request, comment, done.capitalize() + ".")
            count += 1
        self.message_user(request, f"{count} comment(s) {done}.", messages.SUCCESS)
        return count

    @admin.action(description="Approve selected comments (publish)")
    def approve_comments(self, request, queryset):
        self._each(request, queryset, services.comment_approve, "approved")

    @admin.action(description="Hold selected comments for moderation (unpublish)")
    def unpublish_comments(self, request, queryset):
        self._each(request, queryset, services.comment_hold, "held for moderation")

    @admin.action(description="Remove selected comments")
    def remove_comments(self, request, queryset):
        self._each(request, queryset, services.comment_remove, "removed")

    def _akismet_corrections(self, request, queryset, service, done: str):
        told = count = 0
        for comment in queryset:
            told += bool(service(comment, by=request.user))
            self.log_change(request, comment, done.capitalize() + ".")
            count += 1
        self.message_user(request, f"{count} comment(s) {done}.", messages.SUCCESS)
        if akismet_enabled():
            level = messages.SUCCESS if told == count else messages.WARNING
            self.message_user(request, f"Akismet was told about {told} of {count}.", level)

    @admin.action(description="Mark selected comments as spam")
    def mark_spam(self, request, queryset):
        self._akismet_corrections(request, queryset, services.comment_mark_spam, "marked as spam")

    @admin.action(description="Mark selected comments as not spam (publish)")
    def mark_not_spam(self, request, queryset):
        self._akismet_corrections(
            request, queryset, services.comment_mark_ham, "marked as not spam and published"
        )

    @admin.action(description="Block the authors of selected comments (future comments → spam)")
    def block_commenters(self, request, queryset):
        blocked = 0
        for comment in queryset.select_related("user"):
            blocked += services.commenter_block(
                email=comment.user_email,
                user=comment.user,
                by=request.user,
                reason=f"Blocked from comment {comment.pk}",
            )
        self.message_user(request, f"{blocked} commenter(s) blocked.", messages.SUCCESS)

    @staticmethod
    def _emails(queryset) -> list[str]:
        emails = {
            (comment.user.email if comment.user else comment.user_email).strip().lower()
            for comment in queryset.select_related("user")
        }
        return sorted(email for email in emails if email)

    @admin.action(description="Export the personal data of the authors of selected comments (JSON)")
    def export_commenter_data(self, request, queryset):
        data = [privacy.data_export(email=email) for email in self._emails(queryset)]
        response = HttpResponse(
            json.dumps({"commenters": data}, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
        return response

    @admin.action(description="Erase the personal data of the authors of selected comments…")
    def erase_commenter_data(self, request, queryset):
        emails = self._emails(queryset)
        if request.POST.get("confirmed"):
            delete_text = request.POST.get("delete_text") == "on"
            count = sum(privacy.data_erase(email=e, delete_text=delete_text) for e in emails)
            self.message_user(
                request,
                f"Personal data of {len(emails)} commenter(s) erased from {count} comment(s).",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase commenters' personal data",
            "emails": emails,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/comments/erase_confirmation.html", context)


@admin.register(BlocklistEntry)
class BlocklistEntryAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "action", "note", "created_at"]
    list_filter = ["kind", "action"]
    search_fields = ["value", "note"]


@admin.register(BlockedCommenter)
class BlockedCommenterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "user", "reason", "created_at", "created_by"]
    search_fields = ["email", "user__email", "user__username", "reason"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "comment_link", "reason", "user", "email"]
    list_select_related = ["comment", "user"]
    search_fields = ["email", "reason", "comment__comment"]
    raw_id_fields = ["comment", "user"]

    @admin.display(description="comment")
    def comment_link(self, report):
        url = reverse("admin:comments_comment_change", args=[report.comment_id])
        return format_html('<a href="{}">{}</a>', url, report.comment)


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "delete_text", "created_at", "completed_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
    readonly_fields = ["email", "kind", "delete_text", "token_hash", "created_at", "completed_at"]

    def has_add_permission(self, request):
        return False  # readers make them; editors export or erase from the comments list


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
