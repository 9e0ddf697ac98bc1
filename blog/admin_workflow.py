"""The newsroom's rules in the article admin (mixed into blog.admin.ArticleAdmin): who sees,
changes and publishes which story (blog/workflow.py), the review queue, and sending a story
back to its author with a note. Enforced on the server: querysets, form fields, per-object
permissions and actions, whatever the page shows."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from blog import workflow
from blog.autosave import autosave_discard
from blog.forms import SendBackForm
from blog.models import Article
from blog.redirects import article_moved_record


class StatusFilter(admin.SimpleListFilter):
    """Draft, Pending review, Scheduled, Published: what an editor calls a story's state."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("pending", "Pending review"),
            ("scheduled", "Scheduled"),
            ("published", "Published"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Article.Status.PUBLISHED)
        match self.value():
            case "draft" | "pending":
                return queryset.filter(status=self.value())
            case "scheduled":
                return published.filter(published_at__gt=now)
            case "published":
                return published.filter(published_at__lte=now)
        return queryset


class WorkflowAdminMixin:
    def get_queryset(self, request):
        return workflow.articles_editable_by(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return workflow.article_editable_by(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return workflow.article_editable_by(obj, request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not workflow.user_can_publish(request.user):
            # Bulk deletion checks no story's state: a Contributor deletes a draft from its
            # page, where the per-story right applies.
            actions.pop("delete_selected", None)
        return actions

    def has_publish_permission(self, request):
        return workflow.user_can_publish(request.user)

    def has_review_permission(self, request):
        return workflow.user_edits_any(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.user_can_publish(request.user):
            fields.append("published_at")  # a time is how a story is scheduled
        if not workflow.user_edits_any(request.user):
            fields.append("author")
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not workflow.user_can_publish(request.user):
            # Posting "published" anyway fails the form's validation.
            kwargs["choices"] = [
                (Article.Status.DRAFT, Article.Status.DRAFT.label),
                (Article.Status.PENDING, Article.Status.PENDING.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = workflow.staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        before = Article.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        previous = before.status if before else ""
        workflow.article_status_changed(article=obj, previous=previous, by=request.user)
        if before is not None and before.is_public:
            article_moved_record(article=obj, old_path=before.get_absolute_url())
        # What was typed is saved now: the autosave has done its job.
        autosave_discard(user=request.user, article=before)

    def get_urls(self):
        return [
            path(
                "<int:pk>/send-back/",
                self.admin_site.admin_view(self.send_back_view),
                name="blog_article_send_back",
            ),
            *super().get_urls(),
        ]

    def send_back_view(self, request, pk):
        """Return a story under review to its author, as a draft, with a note by email."""
        article = get_object_or_404(Article, pk=pk, status=Article.Status.PENDING)
        if not self.has_review_permission(request):
            raise PermissionDenied
        form = SendBackForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            workflow.article_send_back(
                article=article, note=form.cleaned_data["note"], by=request.user
            )
            self.message_user(
                request, f"“{article.title}” is back with its author as a draft.", messages.SUCCESS
            )
            return redirect("admin:blog_article_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Send “{article.title}” back to its author",
            "opts": self.opts,
            "original": article,
            "form": form,
        }
        return TemplateResponse(request, "admin/blog/article/send_back.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_wire": request.user.has_perm("blog.import_wire"),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_review"] = obj is not None and self.has_review_permission(request)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def _each_permitted(self, request, articles, change, done: str) -> None:
        """Apply `change` to each of `articles` the user may change, and say how many."""
        count = 0
        for article in articles:
            if self.has_change_permission(request, article):
                change(article)
                count += 1
        self.message_user(request, f"{count} article(s) {done}.", messages.SUCCESS)

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._each_permitted(
            request,
            queryset.exclude(status=Article.Status.PUBLISHED, published_at__lte=timezone.now()),
            lambda article: workflow.article_publish(article=article, by=request.user),
            "published",
        )

    @admin.action(description="Return selected articles to draft", permissions=["publish"])
    def unpublish(self, request, queryset):
        def to_draft(article):
            article.status = Article.Status.DRAFT
            article.save()

        self._each_permitted(
            request,
            queryset.exclude(status=Article.Status.DRAFT),
            to_draft,
            "returned to draft",
        )

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        def submit(article):
            article.status = Article.Status.PENDING
            article.save()
            workflow.article_status_changed(
                article=article, previous=Article.Status.DRAFT, by=request.user
            )

        self._each_permitted(
            request,
            queryset.filter(status=Article.Status.DRAFT),
            submit,
            "submitted for review",
        )
