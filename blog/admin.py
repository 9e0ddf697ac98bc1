"""The editors' workflow: write or paste a wire story, attribute it, preview, publish."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus

from blog import wire
from blog.admin_editing import EditingAdminMixin
from blog.admin_media import thumbnail
from blog.admin_wordpress import WordPressImportAdminMixin
from blog.admin_workflow import StatusFilter, WorkflowAdminMixin
from blog.agency_update import PARTS, agency_update_apply
from blog.forms import ArticleForm, PasteStoryForm, editor_importmap_source
from blog.models import Article, Category, Redirect, Source, SourceFeed, Tag
from blog.revisions import revision_view
from blog.tasks import wire_import_task


class SourceFeedInline(admin.TabularInline):
    model = SourceFeed
    extra = 1
    fields = ["url", "is_active", "interval_minutes", "last_checked_at", "last_status"]
    readonly_fields = ["last_checked_at", "last_status"]

    @admin.display(description="last import")
    def last_status(self, feed):
        if not feed.last_outcome:
            return "never imported"
        return f"{feed.get_last_outcome_display()}: {feed.last_message}"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "homepage",
        "copyright_notice",
        "canonical_required",
        "publish_on_import",
        "feed_count",
    ]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SourceFeedInline]
    actions = ["import_now"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "homepage", "licence_note"]}),
        (
            "Attribution",
            {"fields": ["copyright_notice", "canonical_required"]},
        ),
        (
            "Wire import",
            {
                "fields": ["default_category", "publish_on_import"],
                "description": "Stories from the feeds below are imported by “Import now” "
                "(in the list of sources) and by the import_wire command (see the README).",
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(feed_count=Count("feeds"))

    @admin.display(description="feeds", ordering="feed_count")
    def feed_count(self, source):
        return source.feed_count

    def has_import_permission(self, request):
        return request.user.has_perm("blog.import_wire")

    @admin.action(description="Import now", permissions=["import"])
    def import_now(self, request, queryset):
        result = wire_import_task.enqueue(source_ids=list(queryset.values_list("pk", flat=True)))
        if result.status == TaskResultStatus.SUCCESSFUL:
            self._report_import(request, wire.ImportSummary.from_dict(result.return_value))
        elif result.status == TaskResultStatus.FAILED:
            self.message_user(request, "The import failed: see the server log.", messages.ERROR)
        else:
            self.message_user(
                request,
                "Import queued: the task worker runs it shortly. Each feed's last import "
                "shows on its source's page.",
                messages.INFO,
            )

    def _report_import(self, request, summary):
        for name in summary.sources_without_feeds:
            self.message_user(request, f"{name} has no active feed.", messages.WARNING)
        for feed in summary.feeds:
            line = f"{feed.source} · {feed.url}: {feed.describe()}"
            failures = [item for item in feed.items if item.outcome == "failed"]
            if failures:
                line += ". Failed: " + "; ".join(f"“{i.title}” ({i.reason})" for i in failures[:5])
            if feed.count("held"):
                line += ". Held updates wait in the articles filtered by “agency update”"
            level = messages.WARNING if feed.has_problems else messages.SUCCESS
            self.message_user(request, line, level)


@admin.register(Category, Tag)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class WireUpdateFilter(admin.SimpleListFilter):
    title = "agency update"
    parameter_name = "wire_update"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for review")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(wire_update__isnull=False)
        return queryset


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]


@admin.register(Article)
class ArticleAdmin(
    WordPressImportAdminMixin, WorkflowAdminMixin, EditingAdminMixin, admin.ModelAdmin
):
    form = ArticleForm
    list_display = ["photo", "title", "state", "published_at", "source", "author"]
    list_display_links = ["photo", "title"]
    list_filter = [
        StatusFilter,
        WireUpdateFilter,
        "source",
        "categories",
        ("published_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "standfirst", "body", "original_byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["source", "categories", "tags", "featured_image"]
    readonly_fields = ["preview_link", "created_at", "updated_at", "wire_guid", "featured_preview"]
    list_select_related = ["source", "author", "featured_image"]
    actions = ["publish_now", "submit_for_review", "unpublish"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "author", "preview_link"],
                "description": "Set the status to Published to publish now, or Published "
                "with a future time to schedule; Pending review asks an editor to publish it. "
                "Drafts are only visible to staff.",
            },
        ),
        (
            "Attribution",
            {"fields": ["source", "original_url", "original_byline", "copyright_line"]},
        ),
        (
            "Featured photo",
            {
                "fields": ["featured_image", "featured_preview"],
                "description": "Pick a photo of the media library, or upload one with +.",
            },
        ),
        (
            "Agency photo",
            {
                "fields": ["photo_url", "photo_alt", "photo_caption", "photo_credit"],
                "classes": ["collapse"],
                "description": "The agency's own copy of a wire photo, shown when there is "
                "no featured photo.",
            },
        ),
        ("Filing", {"fields": ["categories", "tags"]}),
        (
            "History",
            {"fields": ["created_at", "updated_at", "wire_guid"], "classes": ["collapse"]},
        ),
    ]

    @admin.display(description="photo")
    def photo(self, article):
        return thumbnail(article.featured_image)

    @admin.display(description="preview")
    def featured_preview(self, article):
        return thumbnail(article.featured_image, width=320) or "—"

    @admin.display(description="state", ordering="status")
    def state(self, article):
        state = "Scheduled" if article.is_scheduled else article.get_status_display()
        if article.wire_update:
            return f"{state} · agency update waiting"
        return state

    def get_urls(self):
        return [
            path(
                "paste/",
                self.admin_site.admin_view(self.paste_view),
                name="blog_article_paste",
            ),
            path(
                "<int:pk>/wire-update/<str:decision>/",
                self.admin_site.admin_view(require_POST(self.wire_update_view)),
                name="blog_article_wire_update",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.wire_update:
            context["wire_update_received"] = parse_datetime(obj.wire_update["received_at"])
        response = super().render_change_form(request, context, *args, obj=obj, **kwargs)
        response._csp_update = {"script-src": [editor_importmap_source()]}  # django-csp
        return response

    @revision_view("Created from a pasted wire story.")
    def paste_view(self, request):
        """Paste a wire story (or give its address) and get an attributed draft."""
        if not request.user.has_perm("blog.import_wire"):
            raise PermissionDenied
        form = PasteStoryForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                item = wire.pasted_story_extract(
                    text=form.cleaned_data["text"], url=form.cleaned_data["url"]
                )
            except (wire.FetchError, wire.PasteError) as exc:
                form.add_error(None, str(exc))
            else:
                article, created = wire.pasted_story_create(
                    source=form.cleaned_data["source"], item=item, editor=request.user
                )
                if created:
                    notes = f" (Note: {'; '.join(item.notes)}.)" if item.notes else ""
                    self.message_user(
                        request,
                        f"Draft “{article.title}” created from the pasted story: check it and "
                        f"publish it.{notes}",
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request,
                        "That story is already on the site: here it is.",
                        messages.WARNING,
                    )
                return redirect("admin:blog_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Paste a wire story",
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/blog/article/paste.html", context)

    def wire_update_view(self, request, pk, decision):
        """Apply or dismiss the agency's update of an edited or published article."""
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if decision == "apply":
            agency_update_apply(article=article, parts=list(PARTS), user=request.user)
            self.message_user(request, "The agency's update is applied.", messages.SUCCESS)
        elif decision == "dismiss":
            wire.wire_update_dismiss(article=article)
            self.message_user(request, "The agency's update is dismissed.", messages.SUCCESS)
        else:
            raise Http404("No such decision.")
        return redirect(reverse("admin:blog_article_change", args=[article.pk]))

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
