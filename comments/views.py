"""Discussion views: post a comment, like one, and the identicon avatars.

Every view that changes data is POST-only and CSRF-protected. Requests sent by the page's
script (header `X-Requested-With: fetch`) get JSON with HTML fragments; plain form posts get
a redirect or the article page again, so everything works without JavaScript.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django_comments_xtd.models import XtdComment

from blog.models import Article
from comments import services
from comments.avatars import identicon_svg
from comments.forms import CommentForm
from comments.selectors import (
    CommentNode,
    discussion_for,
    is_comment_id,
    likeable_comment,
    public_comments,
)
from comments.text import likes_label

OWN_COMMENTS_SESSION_KEY = "own_comment_ids"
REMEMBER_COOKIE = "comment_author"
REMEMBER_MAX_AGE = 365 * 24 * 3600
REMEMBER_SALT = "comments.remember"


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


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
    return CommentForm(article, user=request.user, initial=initial)


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
        form = comment_form_for(request, article)
        replying_to = reply_target(article, request.GET.get("replytocom"))
        if replying_to:
            form.initial["reply_to"] = replying_to.pk
    return {
        "discussion": discussion_for(
            article, user=request.user, own_comment_ids=_own_comment_ids(request)
        ),
        "comment_form": form,
        "replying_to": replying_to,
        "comments_open": article.is_public,
    }


def _render_form(request, article, form, replying_to=None) -> str:
    return render_to_string(
        "comments/_form.html",
        {"article": article, "comment_form": form, "replying_to": replying_to},
        request=request,
    )


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
        status = 400
        if _wants_json(request):
            replying_to = reply_target(article, request.POST.get("reply_to"))
            return JsonResponse(
                {"ok": False, "form": _render_form(request, article, form, replying_to)},
                status=status,
            )
        context = {"article": article, **article_discussion(request, article, form=form)}
        return render(request, "blog/article_detail.html", context, status=status)

    identity = form.identity()
    comment = services.comment_post(
        article=article,
        user=request.user,
        text=form.cleaned_data["comment"],
        parent=form.parent,
        notify=form.cleaned_data["notify_comments"],
        ip_address=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", "")[:500],
        **identity,
    )
    request.session[OWN_COMMENTS_SESSION_KEY] = [*_own_comment_ids(request), comment.pk][-50:]
    anchor = f"{article.get_absolute_url()}#comment-{comment.pk}"

    if _wants_json(request):
        node = CommentNode(
            comment=comment,
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
    if len(key) != 32:
        raise Http404
    return HttpResponse(identicon_svg(key), content_type="image/svg+xml")
