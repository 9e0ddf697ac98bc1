"""The admin's "Import from WordPress" (superusers): upload an export, read the dry run's
summary, then import it; and "Export to WordPress", a download. The upload is staged
(blog/wordpress/staging.py) between the two steps; the options travel signed, so the
confirmation imports what the summary showed. The dry run and the confirmed import run as
a task (`wordpress_import_task`, by the task worker); their page shows a progress bar,
reloading itself, then the summary."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify

from blog.forms import WordPressImportForm
from blog.tasks import wordpress_import_task
from blog.wordpress import ImportSummary
from blog.wordpress.export import wordpress_export
from blog.wordpress.staging import (
    export_stage,
    export_staged,
    status_read,
    status_write,
)

SIGNING_SALT = "blog.wordpress-import"
CONFIRM_MAX_AGE = 3600
REFRESH_SECONDS = 2  # the progress page reloads itself this often


class WordPressImportAdminMixin:
    def get_urls(self):
        return [
            path(
                "import-wordpress/",
                self.admin_site.admin_view(self.wordpress_import_view),
                name="blog_article_wordpress_import",
            ),
            path(
                "import-wordpress/<str:token>/",
                self.admin_site.admin_view(self.wordpress_import_status_view),
                name="blog_article_wordpress_import_status",
            ),
            path(
                "export-wordpress/",
                self.admin_site.admin_view(self.wordpress_export_view),
                name="blog_article_wordpress_export",
            ),
            *super().get_urls(),
        ]

    def wordpress_export_view(self, request):
        """The whole site as a WordPress export (WXR 1.2), downloaded."""
        if not request.user.is_superuser:
            raise PermissionDenied
        # Spooled: a large site goes to a temporary file, not into memory. FileResponse
        # closes it once sent.
        out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        wordpress_export(out=out)
        out.seek(0)
        name = f"{slugify(settings.SITE_NAME) or 'wirepress'}-{timezone.localdate()}.xml"
        return FileResponse(out, as_attachment=True, filename=name, content_type="text/xml")

    def wordpress_import_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._wordpress_import_confirm(request)
        form = WordPressImportForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        context = {"form": form}
        if request.method == "POST" and form.is_valid():
            token = export_stage(form.cleaned_data["export"])
            options = {
                "token": token,
                "name": form.cleaned_data["export"].name,
                "author_map": form.cleaned_data["author_map"],
                "pingbacks": form.cleaned_data["pingbacks"],
            }
            # The dry run is a task too: a large export takes minutes to check.
            status_write(token, state="queued", name=options["name"], dry_run=True)
            wordpress_import_task.enqueue(
                token=token, options={**options, "dry_run": True}, editor_id=request.user.pk
            )
            return redirect("admin:blog_article_wordpress_import_status", token=token)
        return self._wordpress_page(request, context)

    def _wordpress_import_confirm(self, request):
        try:
            options = signing.loads(
                request.POST["confirm"], salt=SIGNING_SALT, max_age=CONFIRM_MAX_AGE
            )
        except signing.BadSignature:
            options = None
        if options is None or export_staged(options["token"]) is None:
            self.message_user(
                request, "That upload is no longer here: upload the export again.", messages.ERROR
            )
            return redirect("admin:blog_article_wordpress_import")
        token = options["token"]
        status = status_read(token) or {}
        if status.get("state") == "checked":  # confirmed twice: the first import goes on
            status_write(token, state="queued", name=options["name"], dry_run=False)
            wordpress_import_task.enqueue(
                token=token, options={**options, "dry_run": False}, editor_id=request.user.pk
            )
        return redirect("admin:blog_article_wordpress_import_status", token=token)

    def wordpress_import_status_view(self, request, token):
        """The dry run, then the confirmed import: its progress while the task worker
        reads the file (the page reloads itself, no script needed), then its summary (the
        dry run's with the button that imports it)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        status = status_read(token)
        if status is None:
            self.message_user(request, "There is no such import.", messages.ERROR)
            return redirect("admin:blog_article_wordpress_import")
        context = {"file_name": status.get("name", ""), "status": status}
        if status["state"] == "checked":
            context |= {
                "summary": ImportSummary.from_dict(status["summary"]),
                "confirm": signing.dumps(status["options"], salt=SIGNING_SALT),
            }
        elif status["state"] == "done":
            context |= {"summary": ImportSummary.from_dict(status["summary"]), "done": True}
        elif status["state"] == "failed":
            context["error"] = status.get("error", "The import failed.")
        else:
            context["refresh_seconds"] = REFRESH_SECONDS
        return self._wordpress_page(request, context)

    def _wordpress_page(self, request, context):
        context = {
            **self.admin_site.each_context(request),
            "title": "Import from WordPress",
            "opts": self.opts,
            **context,
        }
        return TemplateResponse(request, "admin/blog/article/wordpress_import.html", context)
