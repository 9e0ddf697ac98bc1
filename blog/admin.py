"""The editors' workflow: write or paste a wire story, attribute it, preview, publish."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from blog.models import Article, Category, Source, Tag


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage", "copyright_notice", "canonical_required"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category, Tag)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "published_at", "source", "author"]
    list_filter = ["status", "source", "categories", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["title", "standfirst", "body", "original_byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["source", "categories", "tags"]
    readonly_fields = ["preview_link", "created_at", "updated_at"]
    list_select_related = ["source", "author"]
    actions = ["publish_now", "unpublish"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "author", "preview_link"],
                "description": "Set the status to Published to publish now, or Published "
                "with a future time to schedule. Drafts are only visible to staff.",
            },
        ),
        (
            "Attribution",
            {"fields": ["source", "original_url", "original_byline", "copyright_line"]},
        ),
        ("Photo", {"fields": ["photo", "photo_alt", "photo_caption", "photo_credit"]}),
        ("Filing", {"fields": ["categories", "tags"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="state", ordering="status")
    def state(self, article):
        if article.is_scheduled:
            return "Scheduled"
        return article.get_status_display()

    @admin.display(description="preview")
    def preview_link(self, article):
        if not article.pk:
            return "Save the article first."
        label = "View on site" if article.is_public else "Preview draft"
        return format_html('<a href="{}" target="_blank">{}</a>', article.get_absolute_url(), label)

    def save_model(self, request, obj, form, change):
        if not obj.author_id:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected articles now")
    def publish_now(self, request, queryset):
        count = 0
        for article in queryset.exclude(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        ):
            article.status = Article.Status.PUBLISHED
            article.published_at = timezone.now()
            article.save()
            count += 1
        self.message_user(request, f"{count} article(s) published.", messages.SUCCESS)

    @admin.action(description="Return selected articles to draft")
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(request, f"{count} article(s) returned to draft.", messages.SUCCESS)
