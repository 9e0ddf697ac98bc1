"""Discussion views: post a comment, like or report one, the identicon avatars, the privacy
page with its data requests, logging in (or out) to comment without losing what was typed,
and following by email with the pages the email links lead to (confirm, stop, manage).

Every view that changes data is POST-only (or shows a page with a button on GET) and
CSRF-protected, but for the RFC 8058 one-click unsubscribe endpoint. Requests sent by the
page's script (header `X-Requested-With: fetch`) get JSON with HTML fragments; plain form
posts get a redirect or the article page again, so everything works without JavaScript.
"""

import ipaddress
import json
import logging
import re
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_comments_xtd.models import XtdComment
from requests import RequestException

from blog.models import Article
from comments import privacy as privacy_services
from comments import services
from comments.avatars import identicon_svg
from comments.forms import CommentForm, DataRequestForm, FollowForm, ReportForm
from comments.models import DataRequest, Subscription
from comments.moderation import CommentRejected, PostingTooFast, akismet_enabled
from comments.selectors import (
    CommentNode,
    discussion_for,
    discussion_subscription,
    is_comment_id,
    likeable_comment,
    public_comments,
)
from comments.social import (
    EMAIL_LOGIN,
    comment_draft_keep,
    comment_draft_pop,
    login_notice_pop,
    login_notice_set,
    login_option,
    login_provider,
    social_profile_of,
)
from comments.text import likes_label

OWN_COMMENTS_SESSION_KEY = "own_comment_ids"
AVATAR_KEY = re.compile(r"[0-9a-f]{32}")
REMEMBER_COOKIE = "comment_author"
REMEMBER_MAX_AGE = 365 * 24 * 3600
REMEMBER_SALT = "comments.remember"

logger = logging.getLogger(__name__)


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def client_ip(request) -> str | None:
    """The reader's IP address: behind a proxy, the last X-Forwarded-For entry (the one our
    proxy added; earlier ones are whatever the client claimed)."""
    if settings.BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass  # absent or garbled: the database column only takes addresses
    return request.META.get("REMOTE_ADDR") or None


def _own_comment_ids(request) -> list[int]:
    return request.session.get(OWN_COMMENTS_SESSION_KEY, [])


def _remembered_identity(request) -> dict:
    try:
        data = signing.loads(
            request.COOKIES.get(REMEMBER_COOKIE, ""), salt=REMEMBER_SALT, max_age=REMEMBER_MAX_AGE
        )
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    identity = {key: str(data.get(key, "")) for key in ("name", "email", "url")}
    return {**identity, "remember": True}


def _remember_identity(response, request, identity: dict) -> None:
    # Signed JSON in base64: names in any script fit in a cookie (raw UTF-8 does not).
    response.set_cookie(
        REMEMBER_COOKIE,
        signing.dumps(identity, salt=REMEMBER_SALT),
        max_age=REMEMBER_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def comment_form_for(request, article) -> CommentForm:
    """An empty comment form for this reader (a remembered guest's details filled in)."""
    initial = {} if request.user.is_authenticated else _remembered_identity(request)
    # A comment typed before logging in (or out) without JavaScript comes back here.
    initial.update(comment_draft_pop(request, article))
    form = CommentForm(article, user=request.user, initial=initial)
    form.login_notice = login_notice_pop(request)
    return form


def reply_target(article, parent_id) -> XtdComment | None:
    """The public comment a no-JS "Reply" link (?replytocom=N) points at, if valid."""
    try:
        parent_id = int(parent_id or 0)
    except ValueError:
        return None
    if not is_comment_id(parent_id):
        return None
    return public_comments(article).filter(pk=parent_id).first()


def article_discussion(request, article, *, form=None) -> dict:
    """Template context for the discussion under `article`: the tree (the same for every
    reader but for their likes and their own held comments) and the reader's form."""
    if form is not None:
        # A form sent back (with errors, or expired) keeps the comment it replied to.
        replying_to = reply_target(article, form["reply_to"].value())
    else:
        # A draft kept while the reader logged in may be a reply too.
        form = comment_form_for(request, article)
        parent_id = request.GET.get("replytocom") or form.initial.get("reply_to")
        replying_to = reply_target(article, parent_id)
        if replying_to:
            form.initial["reply_to"] = replying_to.pk
    return {
        "discussion": discussion_for(
            article, user=request.user, own_comment_ids=_own_comment_ids(request)
        ),
        "comment_form": form,
        "replying_to": replying_to,
        "comments_open": article.is_public,
        "discussion_followed": discussion_subscription(article, request.user),
    }


def _render_form(request, article, form, replying_to=None) -> str:
    return render_to_string(
        "comments/_form.html",
        {"article": article, "comment_form": form, "replying_to": replying_to},
        request=request,
    )


def _form_error_response(request, article, form, *, status=400):
    """The form again, with what the reader typed and what went wrong."""
    if _wants_json(request):
        replying_to = reply_target(article, request.POST.get("reply_to"))
        return JsonResponse(
            {"ok": False, "form": _render_form(request, article, form, replying_to)},
            status=status,
        )
    context = {"article": article, **article_discussion(request, article, form=form)}
    return render(request, "blog/article_detail.html", context, status=status)


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@require_POST
def post_comment(request, article_id):
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        if _wants_json(request):
            return _json_error("Comments are closed: this article is not published.", 404)
        raise Http404("No such article.")
    form = CommentForm(article, user=request.user, data=request.POST)
    if not form.is_valid():
        if form.is_stale:
            # An expired or tampered form is no reason to lose what the reader typed.
            form = form.fresh_copy()
            form.stale = True
        return _form_error_response(request, article, form)

    identity = form.identity()
    try:
        comment = services.comment_post(
            article=article,
            user=request.user,
            text=form.cleaned_data["comment"],
            parent=form.parent,
            notify=form.cleaned_data["notify_comments"],
            notify_posts=form.cleaned_data["notify_posts"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:500],
            referrer=request.headers.get("Referer", "")[:500],
            **form.screening(),
            **identity,
        )
    except CommentRejected as rejection:
        form.rejection = rejection.message
        response = _form_error_response(request, article, form, status=rejection.status)
        if isinstance(rejection, PostingTooFast):
            response["Retry-After"] = str(rejection.wait_seconds)
        return response
    request.session[OWN_COMMENTS_SESSION_KEY] = [*_own_comment_ids(request), comment.pk][-50:]
    anchor = f"{article.get_absolute_url()}#comment-{comment.pk}"

    if _wants_json(request):
        profile = social_profile_of(request.user) if request.user.is_authenticated else None
        node = CommentNode(
            comment=comment,
            avatar=profile.avatar_url if profile else "",
            depth=comment.level,
            like_count=0,
            visible=True,
            pending=not comment.is_public,
            can_reply=comment.is_public and comment.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL,
        )
        response = JsonResponse(
            {
                "ok": True,
                "id": comment.pk,
                "parent": form.parent.pk if form.parent else None,
                "url": anchor,
                "pending": not comment.is_public,
                "comment": render_to_string(
                    "comments/_comment.html", {"node": node, "article": article}, request=request
                ),
                "form": _render_form(request, article, _next_form(request, article, form)),
            }
        )
    else:
        response = redirect(anchor)
    if not request.user.is_authenticated:
        if form.cleaned_data.get("remember"):
            _remember_identity(response, request, identity)
        else:
            response.delete_cookie(REMEMBER_COOKIE)
    return response


def _next_form(request, article, posted: CommentForm) -> CommentForm:
    """The empty form that replaces the one just posted, still filled in with the guest's
    name, email and website: they are on the page already, typed by this reader."""
    if request.user.is_authenticated:
        return CommentForm(article, user=request.user)
    initial = {**posted.identity(), "remember": posted.cleaned_data.get("remember", False)}
    return CommentForm(article, user=request.user, initial=initial)


@require_POST
def like_comment(request, comment_id):
    try:
        comment, article = likeable_comment(comment_id)
    except Http404:
        if _wants_json(request):
            return _json_error("This comment is not available any more.", 404)
        raise
    anchor = f"{article.get_absolute_url()}#comment-{comment.pk}"
    if not request.user.is_authenticated:
        to_login = redirect_to_login(anchor)
        if _wants_json(request):
            return JsonResponse({"ok": False, "login": to_login["Location"]}, status=401)
        return to_login
    liked = services.like_toggle(comment=comment, user=request.user)
    if not _wants_json(request):
        return redirect(anchor)
    count = services.like_count(comment)
    return JsonResponse({"ok": True, "liked": liked, "count": count, "label": likes_label(count)})


@require_GET
@cache_control(max_age=365 * 24 * 3600, public=True, immutable=True)
def avatar(request, key):
    if not AVATAR_KEY.fullmatch(key):
        raise Http404
    return HttpResponse(identicon_svg(key), content_type="image/svg+xml")


@require_http_methods(["GET", "POST"])
def report_comment(request, comment_id):
    """Report a comment to the editors. Signed-in readers post the button under the comment;
    guests (and anyone without a reason typed yet) fill a small form here."""
    comment, article = likeable_comment(comment_id)
    anchor = f"{article.get_absolute_url()}#comment-{comment.pk}"
    form = ReportForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data.get("email", "")
        # One report per guest and browser address a day, whatever emails they type.
        ip_key = f"comments:report:{comment.pk}:{client_ip(request)}"
        first_from_ip = request.user.is_authenticated or cache.add(ip_key, 1, timeout=86400)
        counted = first_from_ip and services.comment_report(
            comment=comment, user=request.user, email=email, reason=form.cleaned_data["reason"]
        )
        if counted:
            messages.success(request, "Thank you: the editors will review this comment.")
        else:
            messages.info(request, "You have already reported this comment: editors will see it.")
        return redirect(anchor)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "comments/report.html",
        {"form": form, "comment": comment, "article": article, "anchor": anchor},
        status=status,
    )


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
    }


@require_POST
def data_request(request):
    form = DataRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/privacy.html", _privacy_context(form), status=400)
    try:
        privacy_services.data_request_create(
            email=form.cleaned_data["email"],
            kind=form.cleaned_data["kind"],
            delete_text=form.cleaned_data["delete_text"],
            site_url=request.build_absolute_uri("/"),
        )
    except privacy_services.ConfirmationNotSent:
        form.add_error(
            None,
            "We could not send the confirmation email just now. Nothing was recorded: "
            "please try again in a few minutes.",
        )
        return render(request, "comments/privacy.html", _privacy_context(form), status=503)
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


# --- Logging in (or out) to comment ------------------------------------------------------------
# The icons above the form are submit buttons of the comment form itself, so without
# JavaScript the typed comment travels with the click and waits in the session while the
# reader is at the provider. With JavaScript the provider opens in a popup: the page stays,
# and the popup's last page tells it to fetch the form again (now with the reader's identity).


def _discussion_anchor(article, anchor="respond") -> str:
    return f"{article.get_absolute_url()}#{anchor}"


@require_POST
def social_login(request, article_id):
    """Start logging in with the provider the reader clicked, then come back to the form."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
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
    article = get_object_or_404(Article.objects.published(), pk=article_id)
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
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    return render(request, "comments/login_done.html", {"article": article})


@require_GET
@never_cache
def comment_form(request, article_id):
    """The comment form alone, for who the reader is now (fetched after a popup login)."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    return HttpResponse(_render_form(request, article, comment_form_for(request, article)))


@require_POST
def comment_logout(request, article_id):
    """ "Log out" and "Change" under the form: end the session, keep the comment being typed,
    and stay on the article ("Change" leads to the login icons and guest fields)."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    get_account_adapter(request).logout(request)
    # After logging out: the old session, where a draft would go, is gone.
    comment_draft_keep(request, article, request.POST)
    typed = request.POST.get("comment", "").strip()
    text = "You are logged out. Your comment is still here." if typed else "You are logged out."
    login_notice_set(request, text, level="info")
    if _wants_json(request):
        form = comment_form_for(request, article)
        return JsonResponse({"ok": True, "form": _render_form(request, article, form)})
    return redirect(
        _discussion_anchor(article, "comment-login" if "change" in request.POST else "respond")
    )


# --- Email subscriptions ---------------------------------------------------------------


def _subscription(token: str) -> Subscription | None:
    if len(token) > 64:
        return None
    return Subscription.objects.select_related("article").filter(token=token).first()


def _invalid_link(request):
    return render(request, "comments/subscription_invalid.html", status=404)


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@require_POST
def follow(request):
    """The "Follow" box: subscribe an address to new posts (confirmed by email first)."""
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/follow.html", {"follow_form": form}, status=400)
    email = form.cleaned_data["email"]
    subscription = services.subscription_create(
        email=email, kind=Subscription.Kind.POSTS, user=request.user
    )
    if subscription.is_active and request.user.is_authenticated:
        messages.success(request, f"Done: new posts will be emailed to {subscription.email}.")
    else:
        # The same answer whether or not the address follows already: the form must not
        # tell strangers who subscribes.
        messages.success(
            request,
            f"Almost done: we emailed a confirmation link to {subscription.email} (unless it "
            "follows new posts already). Nothing else is sent until it is clicked.",
        )
    return redirect(_safe_next(request, form.cleaned_data["next"]))


@require_POST
def follow_article(request, article_id):
    """A signed-in reader follows (or stops following) an article's discussion."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    anchor = f"{article.get_absolute_url()}#comments"
    if not request.user.is_authenticated:
        return redirect_to_login(anchor)
    if not request.user.email:
        messages.error(request, "Your account has no email address to send notifications to.")
        return redirect(anchor)
    if request.POST.get("follow") == "off":
        subscription = discussion_subscription(article, request.user)
        if subscription is not None:
            services.subscription_cancel(subscription=subscription)
        messages.success(request, "You no longer follow this discussion.")
        return redirect(anchor)
    subscription = services.subscription_create(
        email=request.user.email,
        kind=Subscription.Kind.COMMENTS,
        article=article,
        user=request.user,
    )
    if subscription.is_active:
        messages.success(request, "You follow this discussion: new comments will be emailed.")
    else:
        messages.success(
            request,
            f"Please confirm: we emailed a link to {subscription.email}. Nothing else is sent "
            "until it is clicked.",
        )
    return redirect(anchor)


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    """The double opt-in link: a page with a button (link checkers that open every link in
    an email must not confirm on the reader's behalf), which confirms."""
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    confirmed = []
    if subscription.unsubscribed_at:
        state = "stopped"
    elif subscription.confirmed_at:
        state = "already"
    elif subscription.confirmation_expired:
        state = "expired"
    elif request.method == "POST":
        confirmed = services.subscription_confirm(subscription=subscription)
        state = "done"
    else:
        state = "ask"
        confirmed = Subscription.objects.confirmed_together_with(subscription).select_related(
            "article"
        )
    context = {"subscription": subscription, "state": state, "confirmed": confirmed}
    return render(
        request,
        "comments/subscription_confirm.html",
        context,
        status=410 if state == "expired" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_stop(request, token):
    """Unsubscribe from new posts, or mute an article's comments: a page with a button."""
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    if request.method == "POST":
        state = "done" if services.subscription_cancel(subscription=subscription) else "already"
    else:
        state = "already" if subscription.unsubscribed_at else "ask"
    return render(
        request, "comments/subscription_stop.html", {"subscription": subscription, "state": state}
    )


# RFC 8058 one-click unsubscribe: the mailbox provider POSTs "List-Unsubscribe=One-Click"
# here, without the reader's cookies or a CSRF token. The random token in the address is
# what authorizes it (a forger cannot know it), so CSRF protection has nothing to add.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def one_click(request, token):
    if request.method == "GET":
        # A mail client without one-click support opens the link: show the page and button.
        return redirect("comments:subscription_stop", token=token)
    subscription = _subscription(token)
    if subscription is None:
        return HttpResponse("Unknown unsubscribe link.", status=404, content_type="text/plain")
    services.subscription_cancel(subscription=subscription)
    return HttpResponse("Unsubscribed.", content_type="text/plain")


@never_cache
@require_GET
def subscriptions(request, token):
    """Every subscription of the address the link was mailed to, with buttons to stop or
    resume each."""
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    address_subscriptions = (
        Subscription.objects.of_address(subscription.email)
        .select_related("article")
        .order_by("kind", "-created_at")
    )
    context = {"subscription": subscription, "subscriptions": address_subscriptions}
    return render(request, "comments/subscriptions.html", context)


@require_POST
def subscription_resume(request, token):
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    if services.subscription_resume(subscription=subscription):
        messages.success(request, f"Resumed: {subscription}.")
    return redirect(subscription.manage_url())
