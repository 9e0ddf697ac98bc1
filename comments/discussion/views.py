"""Discussion views: post a comment, like one, the identicon avatars.

Requests sent by the page's script (header `X-Requested-With: fetch`) get JSON with HTML
fragments; plain form posts get a redirect or the article page again, so everything works
without JavaScript.
"""

import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from blog.guest_csrf import guest_origin_protect
from blog.pages import article_page_context, published_article_or_404
from comments.discussion.avatars import identicon_svg
from comments.discussion.forms import CommentForm
from comments.discussion.page import (
    REMEMBER_COOKIE,
    comment_form_html,
    own_comment_add,
    remember_identity,
)
from comments.discussion.selectors import (
    CommentNode,
    comment_url,
    like_count,
    likeable_comment,
    public_comment,
)
from comments.discussion.services import comment_post, like_toggle
from comments.discussion.text import likes_label
from comments.moderation.pipeline import CommentRejected, DuplicateComment, PostingTooFast
from comments.social.identity import (
    social_profile_of,
)
from comments.web import json_error, wants_json

AVATAR_KEY = re.compile(r"[0-9a-f]{32}")


def _form_error_response(request, article, form, *, status=400):
    """The form again, with what the reader typed and what went wrong."""
    if wants_json(request):
        replying_to = public_comment(article, request.POST.get("reply_to"))
        return JsonResponse(
            {"ok": False, "form": comment_form_html(request, article, form, replying_to)},
            status=status,
        )
    context = article_page_context(request, article, form=form)
    return render(request, "blog/article_detail.html", context, status=status)


@guest_origin_protect
@require_POST
def post_comment(request, article_id):
    try:
        article = published_article_or_404(article_id)
    except Http404:
        if wants_json(request):
            return json_error("Comments are closed: this article is not published.", 404)
        raise
    form = CommentForm(article, user=request.user, data=request.POST)
    if not form.is_valid():
        # An expired or tampered form is no reason to lose what the reader typed.
        form = form.fresh_copy() if form.is_stale else form
        return _form_error_response(request, article, form)
    try:
        comment = comment_post(submission=form.submission(request)).comment
    except DuplicateComment as duplicate:
        # Sent again (a double click, or the answer to the first was lost): the stored one.
        if duplicate.existing is None:
            return _rejection_response(request, article, form, duplicate)
        comment = duplicate.existing
    except CommentRejected as rejection:
        return _rejection_response(request, article, form, rejection)
    own_comment_add(request, comment)
    if wants_json(request):
        response = _posted_json(request, article, form, comment)
    else:
        response = redirect(comment_url(comment, article=article))
    if not request.user.is_authenticated:
        _remember_guest(request, response, form)
    return response


def _rejection_response(request, article, form, rejection: CommentRejected):
    form.rejection = rejection.message
    response = _form_error_response(request, article, form, status=rejection.status)
    if isinstance(rejection, PostingTooFast):
        response["Retry-After"] = str(rejection.wait_seconds)
    return response


def _posted_json(request, article, form, comment) -> JsonResponse:
    """The new comment as the page's script inserts it, and the empty form for the next."""
    profile = social_profile_of(request.user) if request.user.is_authenticated else None
    # The tree's query annotates this; a comment just posted has the poster's own flag.
    comment.author_is_staff = request.user.is_staff
    node = CommentNode(
        comment=comment,
        avatar=profile.avatar_url if profile else "",
        depth=comment.level,
        like_count=0,
        visible=True,
        pending=not comment.is_public,
        can_reply=comment.is_public and comment.level < settings.COMMENTS_XTD_MAX_THREAD_LEVEL,
    )
    html = render_to_string(
        "comments/_comment.html", {"node": node, "article": article}, request=request
    )
    return JsonResponse(
        {
            "ok": True,
            "id": comment.pk,
            # xtd makes a top-level comment its own parent.
            "parent": comment.parent_id if comment.parent_id != comment.pk else None,
            "url": comment_url(comment, article=article),
            "pending": not comment.is_public,
            "comment": html,
            "form": comment_form_html(request, article, _next_form(request, article, form)),
        }
    )


def _remember_guest(request, response, form) -> None:
    """A guest who ticked "Save my name…" is remembered in a cookie; one who did not is
    forgotten."""
    if form.cleaned_data.get("remember"):
        remember_identity(response, request, form.identity())
    else:
        response.delete_cookie(REMEMBER_COOKIE)


def _next_form(request, article, posted: CommentForm) -> CommentForm:
    """The empty form that replaces the one just posted, still filled in with the guest's
    name, email and website: they are on the page already, typed by this reader."""
    if request.user.is_authenticated:
        return CommentForm(article, user=request.user)
    initial = {**posted.identity(), "remember": posted.cleaned_data.get("remember", False)}
    return CommentForm(article, user=request.user, initial=initial)


@guest_origin_protect
@require_POST
def like_comment(request, comment_id):
    found = likeable_comment(comment_id)
    if found is None:
        if wants_json(request):
            return json_error("This comment is not available any more.", 404)
        raise Http404("No such comment.")
    comment, article = found
    anchor = comment_url(comment, article=article)
    if not request.user.is_authenticated:
        to_login = redirect_to_login(anchor)
        if wants_json(request):
            return JsonResponse({"ok": False, "login": to_login["Location"]}, status=401)
        return to_login
    liked = like_toggle(comment=comment, user=request.user)
    if not wants_json(request):
        return redirect(anchor)
    count = like_count(comment)
    return JsonResponse({"ok": True, "liked": liked, "count": count, "label": likes_label(count)})


@require_GET
@cache_control(max_age=365 * 24 * 3600, public=True, immutable=True)
def avatar(request, key):
    if not AVATAR_KEY.fullmatch(key):
        raise Http404
    return HttpResponse(identicon_svg(key), content_type="image/svg+xml")
