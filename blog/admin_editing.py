"""Editing aids in the article admin (mixed into blog.admin.ArticleAdmin): revisions with
their differences and restore, autosave with the "someone is editing" notice, a preview of
the unsaved form, and applying an agency's update part by part."""

import reversion
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from blog import agency_update, autosave
from blog.forms import AgencyUpdateForm
from blog.models import Article
from blog.revisions import article_versions, revision_by, revision_restore, revisions_compare
from blog.sanitize import sanitize_article_html


class ArticlePreview:
    """An unsaved article as the reader's page shows it: its categories and tags are the
    ones chosen in the form, and it is never taken for a public page."""

    is_public = False

    def __init__(self, article: Article, categories, tags):
        self._article = article
        self.categories = _Chosen(categories)
        self.tags = _Chosen(tags)

    def __getattr__(self, name):
        return getattr(self._article, name)


class _Chosen:
    def __init__(self, items):
        self._items = list(items or [])

    def all(self):
        return self._items


class EditingAdminMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with revision_by(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The list's actions (publish, return to draft...) are revisions too.
        with revision_by(request.user):
            return super().changelist_view(request, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Created.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Saved without changes.")
        return entry

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/revisions/", view(self.revisions_view), name="blog_article_revisions"),
            path(
                "<int:pk>/revisions/<int:version_id>/restore/",
                view(require_POST(self.revision_restore_view)),
                name="blog_article_revision_restore",
            ),
            path("autosave/", view(require_POST(self.autosave_view)), name="blog_article_autosave"),
            path("preview/", view(require_POST(self.preview_view)), name="blog_article_preview"),
            path(
                "<int:pk>/preview/",
                view(require_POST(self.preview_view)),
                name="blog_article_preview",
            ),
            path(
                "<int:pk>/agency-update/",
                view(require_POST(self.agency_update_view)),
                name="blog_article_agency_update",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, pk, *, change: bool) -> Article:
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, article):
            raise PermissionDenied
        return article

    # --- Revisions -------------------------------------------------------------------------

    def revisions_view(self, request, pk):
        """The article's revisions; any two compared word by word, any one restored."""
        article = self._article_or_404(request, pk, change=False)
        versions = list(article_versions(article))
        by_id = {version.pk: version for version in versions}
        compared = None
        if len(versions) > 1:
            try:
                new = by_id[int(request.GET.get("new", versions[0].pk))]
                old = by_id[int(request.GET.get("old", versions[1].pk))]
            except (KeyError, ValueError):
                new, old = versions[0], versions[1]
            compared = {"old": old, "new": new, "fields": revisions_compare(old=old, new=new)}
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revisions of “{article.title}”",
            "opts": self.opts,
            "original": article,
            "versions": versions,
            "compared": compared,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/blog/article/revisions.html", context)

    def revision_restore_view(self, request, pk, version_id):
        article = self._article_or_404(request, pk, change=True)
        version = get_object_or_404(article_versions(article), pk=version_id)
        notes = revision_restore(article=article, version=version, user=request.user)
        self.message_user(
            request, "The revision is restored (and kept as the newest one).", messages.SUCCESS
        )
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        return redirect("admin:blog_article_change", article.pk)

    # --- Autosave and preview --------------------------------------------------------------

    def autosave_view(self, request):
        """Keep what the form holds now; answers who else is editing the story."""
        article = None
        if request.POST.get("article"):
            try:
                pk = int(request.POST["article"])
            except ValueError:
                raise Http404("No such article.") from None
            article = self._article_or_404(request, pk, change=True)
        elif not self.has_add_permission(request):
            raise PermissionDenied
        saved = autosave.autosave_store(user=request.user, article=article, data=request.POST)
        editors = autosave.editors_of(article=article, user=request.user) if article else []
        return JsonResponse(
            {"saved_at": timezone.localtime(saved.saved_at).isoformat(), "editors": editors}
        )

    def autosave_context(self, request, article: Article | None) -> dict:
        offer = autosave.autosave_to_offer(user=request.user, article=article)
        return {
            "autosave_seconds": settings.ARTICLE_AUTOSAVE_SECONDS,
            "autosave_offer": offer,
            "autosave_content": offer.content if offer else None,
            "other_editors": autosave.editors_of(article=article, user=request.user)
            if article
            else [],
        }

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context.update(self.autosave_context(request, obj))
        if obj is not None and obj.wire_update:
            context["agency_update_parts"] = agency_update.agency_update_parts(article=obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def preview_view(self, request, pk=None):
        """The reader's page of what the form holds now, saved or not; nothing is saved."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            article = Article()
        else:
            article = self._article_or_404(request, pk, change=False)
        form = self.get_form(request, article if pk else None)(
            request.POST, request.FILES, instance=article
        )
        # Validation fills the instance with every valid field; errors (a slug already
        # taken, say) do not stop a preview.
        form.is_valid()
        article.body = sanitize_article_html(article.body)
        cleaned = getattr(form, "cleaned_data", {})
        preview = ArticlePreview(
            article,
            cleaned.get("categories") if "categories" in cleaned else _saved(article, "categories"),
            cleaned.get("tags") if "tags" in cleaned else _saved(article, "tags"),
        )
        response = render(request, "blog/article_preview.html", {"article": preview})
        # Never kept by a shared cache, never indexed.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    # --- Agency updates --------------------------------------------------------------------

    def agency_update_view(self, request, pk):
        """Apply the ticked parts of the agency's update held for review."""
        article = self._article_or_404(request, pk, change=True)
        if not article.wire_update:
            self.message_user(request, "There is no agency update to apply.", messages.WARNING)
            return redirect("admin:blog_article_change", article.pk)
        form = AgencyUpdateForm(request.POST, choices=agency_update.PART_CHOICES)
        if not form.is_valid():
            self.message_user(request, " ".join(form.errors["fields"]), messages.ERROR)
            return redirect("admin:blog_article_change", article.pk)
        agency_update.agency_update_apply(
            article=article, parts=form.cleaned_data["fields"], user=request.user
        )
        self.message_user(
            request,
            "The agency's update is applied; the article as it was is kept in its revisions.",
            messages.SUCCESS,
        )
        return redirect("admin:blog_article_change", article.pk)


def _saved(article: Article, name: str):
    return getattr(article, name).all() if article.pk else []
