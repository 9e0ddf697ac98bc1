"""The privacy page (how comment data is processed) and commenters' data requests: export or
erasure, confirmed through a link emailed to the address.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comments.discussion.page import (
    REMEMBER_MAX_AGE,
)
from comments.models import DataRequest
from comments.moderation.akismet import akismet_enabled
from comments.privacy import data as privacy_services
from comments.privacy.forms import DataRequestForm
from comments.ratelimit import mail_request_count, mail_request_wait, too_many_requests_message
from comments.web import too_many_requests


@require_GET
def privacy(request):
    """How comment data is processed, and the form to ask for an export or erasure."""
    return render(request, "comments/privacy.html", _privacy_context(DataRequestForm()))


def _privacy_context(form) -> dict:
    return {
        "form": form,
        "akismet_enabled": akismet_enabled(),
        "ip_retention_days": settings.COMMENTS_IP_RETENTION_DAYS,
        "spam_retention_days": settings.COMMENTS_SPAM_RETENTION_DAYS,
        "link_hours": privacy_services.DATA_REQUEST_LINK_HOURS,
        "keep_days": privacy_services.DATA_REQUEST_KEEP_DAYS,
        "remember_days": REMEMBER_MAX_AGE // 86400,
        "gravatar": settings.AVATARS_GRAVATAR,
        "mail_request_minutes": max(1, settings.COMMENTS_FOLLOW_RATE_WINDOW // 60),
    }


@require_POST
def data_request(request):
    form = DataRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/privacy.html", _privacy_context(form), status=400)
    wait = mail_request_wait(request)
    if wait:
        form.add_error(None, too_many_requests_message(wait))
        page = render(request, "comments/privacy.html", _privacy_context(form))
        return too_many_requests(page, wait)
    mail_request_count(request)
    # The email is queued: a mail server that is down delays it (the worker tries again),
    # it does not fail the request.
    privacy_services.data_request_create(
        email=form.cleaned_data["email"],
        kind=form.cleaned_data["kind"],
        delete_text=form.cleaned_data["delete_text"],
        site_url=request.build_absolute_uri("/"),
    )
    # The same answer whether or not the address has comments: it reveals nothing.
    messages.success(
        request,
        f"We have sent a confirmation link to {form.cleaned_data['email']}. "
        f"It works for {privacy_services.DATA_REQUEST_LINK_HOURS} hours.",
    )
    return redirect(reverse("comments:privacy") + "#your-data")


@require_http_methods(["GET", "POST"])
def data_request_confirm(request, token):
    """The emailed link opens a page with a button: mail scanners that follow links must
    not erase anything. The button carries the request out."""
    found = privacy_services.data_request_find(token)
    if found is None:
        return render(request, "comments/data_request_confirm.html", {"expired": True}, status=404)
    if request.method == "GET":
        return render(request, "comments/data_request_confirm.html", {"data_request": found})
    result = privacy_services.data_request_complete(found)
    if found.kind == DataRequest.Kind.EXPORT:
        response = HttpResponse(
            json.dumps(result, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="my-comment-data.json"'
        return response
    return render(
        request, "comments/data_request_confirm.html", {"erased": result, "data_request": found}
    )
