"""Logging in (or out) to comment.

The icons above the form are submit buttons of the comment form itself, so without
JavaScript the typed comment travels with the click and waits in the session while the
reader is at the provider. With JavaScript the provider opens in a popup: the page stays,
and the popup's last page tells it to fetch the form again (now with the reader's identity).
"""

import logging
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from requests import RequestException

from blog.guest_csrf import guest_origin_protect
from blog.pages import published_article_or_404
from comments.discussion.page import (
    comment_form_for,
    comment_form_html,
)
from comments.social.identity import (
    EMAIL_LOGIN,
    comment_draft_keep,
    login_notice_set,
    login_option,
    login_provider,
)
from comments.web import wants_json

logger = logging.getLogger(__name__)


def _discussion_anchor(article, anchor="respond") -> str:
    return f"{article.get_absolute_url()}#{anchor}"


@guest_origin_protect
@require_POST
def social_login(request, article_id):
    """Start logging in with the provider the reader clicked, then come back to the form."""
    article = published_article_or_404(article_id)
    popup = request.POST.get("popup") == "1"
    if not popup:
        comment_draft_keep(request, article, request.POST)
    # Where to land afterwards: always a page of this site, built here (no `next` to forge).
    back = (
        reverse("comments:login_done", args=[article.pk]) if popup else _discussion_anchor(article)
    )
    option = login_option(request, request.POST.get("provider", ""))
    if option is not None and option.id == EMAIL_LOGIN:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")
    provider = login_provider(request, option) if option is not None else None
    if provider is None:
        login_notice_set(request, "That way of logging in is not available any more.")
        return redirect(back)
    try:
        return provider.redirect(request, process=AuthProcess.LOGIN, next_url=back)
    except RequestException as exc:
        # An OpenID Connect provider is asked for its endpoints first; it may be down.
        logger.warning("Could not start a login with %s: %r", option.id, exc)
        login_notice_set(
            request, f"{option.name} cannot be reached right now. Please try again later."
        )
        return redirect(back)


@require_GET
def social_login_connect(request, article_id):
    """The login popup's first page: "Connecting to Google…", then on to the provider (a
    POST, with the CSRF token, as allauth wants a login started)."""
    article = published_article_or_404(article_id)
    option = login_option(request, request.GET.get("provider", ""))
    if option is None or not option.popup:
        raise Http404("No such way of logging in.")
    context = {"article": article, "option": option}
    return render(request, "comments/login_connect.html", context)


@require_GET
@never_cache
def social_login_done(request, article_id):
    """The login popup's last page, whether the login worked or not: it tells the article
    page (its opener) to fetch the form again, and closes. Opened on its own, it goes to the
    article."""
    article = published_article_or_404(article_id)
    return render(request, "comments/login_done.html", {"article": article})


@require_GET
@never_cache
def comment_form(request, article_id):
    """The comment form alone, for who the reader is now (fetched after a popup login)."""
    article = published_article_or_404(article_id)
    return HttpResponse(comment_form_html(request, article, comment_form_for(request, article)))


@require_POST
def comment_logout(request, article_id):
    """ "Log out" and "Change" under the form: end the session, keep the comment being typed,
    and stay on the article ("Change" leads to the login icons and guest fields)."""
    article = published_article_or_404(article_id)
    get_account_adapter(request).logout(request)
    # After logging out: the old session, where a draft would go, is gone.
    comment_draft_keep(request, article, request.POST)
    typed = request.POST.get("comment", "").strip()
    text = "You are logged out. Your comment is still here." if typed else "You are logged out."
    login_notice_set(request, text, level="info")
    if wants_json(request):
        form = comment_form_for(request, article)
        return JsonResponse({"ok": True, "form": comment_form_html(request, article, form)})
    return redirect(
        _discussion_anchor(article, "comment-login" if "change" in request.POST else "respond")
    )
