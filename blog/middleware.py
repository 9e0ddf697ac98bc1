"""Requests the database cannot serve, answered with a 4xx or 503 instead of a 500.

An admin query string the database cannot store (a NUL) is a 400 before any view runs:
Django's changelists and our image picker pass `?q=` straight to a query, and PostgreSQL
answers a NUL with an error. Reader pages read their parameters through forms, whose fields
refuse NUL with a message on the page itself (tests/reliability/test_fuzz.py sweeps them)."""

import logging

from django.core.exceptions import BadRequest
from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse
from django.urls import reverse

from blog.validators import storable
from blog.views import standalone_page
from comments.web import json_error, wants_json

logger = logging.getLogger(__name__)


class RefuseUnstorableAdminQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        for key, values in request.GET.lists():
            if not all(storable(text) for text in (key, *values)):
                raise BadRequest("The query string holds a character no database can store.")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached, or cannot be written (read-only, disk full), is a
    503 with Retry-After, not a 500: the reader is told to try again, and a comment being
    posted comes back in a form with its text (the page's script gets JSON and keeps the
    text in place). The error is still logged for the operator."""

    RETRY_AFTER = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError, InternalError)):
            return None
        logger.error("Database unavailable: %s", exception, exc_info=exception)
        if wants_json(request):
            response = json_error(
                "This could not be saved just now (a short technical problem). "
                "Please try again in a minute.",
                503,
            )
        elif request.method == "POST" and _url_name(request) == "comments:post":
            fields = [(k, v) for k, v in request.POST.items() if k != "comment"]
            page = standalone_page(
                "comments/unavailable.html",
                action=request.path,
                fields=fields,
                text=request.POST.get("comment", ""),
            )
            response = HttpResponse(page, status=503)
        else:
            response = HttpResponse(standalone_page("503.html"), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER)
        return response


def _url_name(request) -> str:
    match = request.resolver_match
    return match.view_name if match else ""
