"""The discussion part of the article page, as one reader sees it: the comment tree, the
reader's form (a remembered guest's details, a draft kept across a login, a reply target) and
whether they follow the discussion. `blog.pages.article_page_context` puts it on the page."""

from django.core import signing
from django.http import Http404
from django.template.loader import render_to_string

from comments.discussion.forms import CommentForm
from comments.discussion.markup import comment_markup
from comments.discussion.paging import requested_page
from comments.discussion.selectors import (
    comment_page_number,
    discussion_for,
    discussion_subscription,
    public_comment,
)
from comments.social.identity import comment_draft_pop, login_notice_pop

OWN_COMMENTS_SESSION_KEY = "own_comment_ids"
REMEMBER_COOKIE = "comment_author"
REMEMBER_MAX_AGE = 365 * 24 * 3600
REMEMBER_SALT = "comments.remember"


def own_comment_ids(request) -> list[int]:
    """The comments this browser posted lately (its held ones are shown to it alone)."""
    return request.session.get(OWN_COMMENTS_SESSION_KEY, [])


def own_comment_add(request, comment) -> None:
    request.session[OWN_COMMENTS_SESSION_KEY] = [*own_comment_ids(request), comment.pk][-50:]


def remembered_identity(request) -> dict:
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


def remember_identity(response, request, identity: dict) -> None:
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
    initial = {} if request.user.is_authenticated else remembered_identity(request)
    # A comment typed before logging in (or out) without JavaScript comes back here.
    initial.update(comment_draft_pop(request, article))
    form = CommentForm(article, user=request.user, initial=initial)
    form.login_notice = login_notice_pop(request)
    return form


def article_discussion(request, article, *, form=None) -> dict:
    """Template context for the discussion under `article`: the tree (the same for every
    reader but for their likes and their own held comments) on the comment page the address
    asks for (`?cpage=N`, a 404 when there is no such page), and the reader's form."""
    if form is not None:
        # A form sent back (with errors, or expired) keeps the comment it replied to.
        replying_to = public_comment(article, form["reply_to"].value())
    else:
        # A draft kept while the reader logged in may be a reply too.
        form = comment_form_for(request, article)
        parent_id = request.GET.get("replytocom") or form.initial.get("reply_to")
        replying_to = public_comment(article, parent_id)
        if replying_to:
            form.initial["reply_to"] = replying_to.pk
    if form is not None and replying_to is not None:
        # A refused reply sent without JavaScript comes back on the page of its parent.
        page = comment_page_number(replying_to, article)
    else:
        page = requested_page(request.GET.get("cpage"))
    discussion = discussion_for(
        article, user=request.user, own_comment_ids=own_comment_ids(request), page=page
    )
    if page > discussion.page.count:
        raise Http404("No such comment page.")
    signed_in = request.user.is_authenticated
    for node in discussion.nodes:
        node.markup = comment_markup(node, signed_in=signed_in, page_number=discussion.page.number)
    return {
        "discussion": discussion,
        "comment_form": form,
        "replying_to": replying_to,
        "comments_open": article.is_public,
        "discussion_followed": discussion_subscription(article, request.user),
    }


def comment_form_html(request, article, form, replying_to=None) -> str:
    """The comment form alone, as the page's script swaps it in."""
    return render_to_string(
        "comments/_form.html",
        {"article": article, "comment_form": form, "replying_to": replying_to},
        request=request,
    )
