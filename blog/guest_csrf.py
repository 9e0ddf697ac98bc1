"""CSRF protection for the forms of public pages, which carry no per-reader token.

A public page is one cached copy for every guest (blog.pagecache), so it cannot hold a CSRF
token, and a guest without a session has no CSRF cookie either. The POSTs a guest can make
from such a page (comment, log in from the comment form, follow, report, and the Like
buttons, which send guests to log in) are protected instead by where they come from: the
browser's `Origin` header (or, when a browser sends none, `Referer`) must be this site.
Browsers set both themselves and a page on another site cannot change them, which is what a
CSRF token proves too. A POST naming another site, `Origin: null` (sandboxed frames,
privacy redirects) or neither header is refused with a 403 page that says why.

The comment form also carries django-comments' signed security hash with its timestamp
(COMMENTS_TIMEOUT): a form is valid only as rendered by this site, for this article, and
not for ever. What is left to an attacker is making a visitor's browser post a guest
comment the attacker could post themselves; only the visitor's IP address would differ.

Signed-in readers (and guests with a session) are not served public pages: their pages
carry Django's token, masked anew in each response, and their POSTs keep Django's full
check, since a forged request could act as their account.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseForbidden
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from comments.web import json_error, wants_json

REFUSED = (
    "This form was sent from another site, or your browser did not say where it came "
    "from, so it was not accepted. Please go back to the page, reload it and send the "
    "form again."
)


def request_origin(request) -> str | None:
    """Where the browser says this request comes from: `Origin`, else `Referer`'s origin."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.scheme and referer.netloc:
        return f"{referer.scheme}://{referer.netloc}"
    return None


def is_same_site_origin(request, origin: str | None) -> bool:
    if not origin or origin == "null":
        return False
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    if origin == own:
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        scheme, _, host = trusted.partition("://")
        parts = urlsplit(origin)
        if parts.scheme == scheme and is_same_domain(parts.netloc, host.lstrip("*")):
            return True
    return False


def guest_origin_protect(view):
    """Django's CSRF check for signed-in readers; for guests, the same-origin check above."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        # The test client's own switch, as Django's CsrfViewMiddleware honours it.
        checked = not getattr(request, "_dont_enforce_csrf_checks", False)
        if (
            checked
            and request.method == "POST"
            and not is_same_site_origin(request, request_origin(request))
        ):
            if wants_json(request):
                return json_error(REFUSED, 403)
            return HttpResponseForbidden(_refused_page())
        if request.method == "POST":
            # Read the body here, as Django's CSRF check does: one that cannot be read (a
            # form in UTF-16) is a 400 now, not an error inside the 404 page of a missing
            # comment (Django's 404 handler reads the body for its own CSRF token).
            request.POST  # noqa: B018
        return view(request, *args, **kwargs)

    return wrapped


def _refused_page() -> str:
    from blog.views import standalone_page

    return standalone_page("403_origin.html", message=REFUSED)
