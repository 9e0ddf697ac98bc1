"""Public pages: what a reader without a session sees is the same for everyone, so it is
cached, in Django and by anything in front of it.

A request is *public* when it is a GET (or HEAD) of a reader page (front page, lists,
archives, articles, feeds) and carries none of the cookies that make a page personal: the
session (signed-in readers, guests with held comments or a draft kept across a login), the
remembered guest's details, and the short "fresh" cookie set after any POST (so whoever just
posted is not served a page from before their change). Public responses get no cookie, no
`Vary: Cookie`, a `Cache-Control: public, …` header from the PAGE_* settings, an ETag and a
Last-Modified (ConditionalGetMiddleware answers 304s from them), and no CSRF token in their
forms (`blog.guest_csrf` protects guests' POSTs instead). Other readers of those pages get
them `private, no-cache`.

Inside Django, public responses are kept PAGE_CACHE_SECONDS in the configured cache, under
their address, with the *generations* of what the page shows when it was rendered: the
site's (bumped by any change to an article, category, tag or source), the article's (a
comment or a like on it) and the comments' (any comment, for the site's comments feed). A
generation is the time of the last change in nanoseconds, so it also gives Last-Modified.
One cache read fetches the current generations and the kept copy together; the copy is
served if its generations are the current ones, so an edit or an unpublished article is seen
by every worker at its next request. A comment or a like (the article's and the comments'
generations) may reach other readers up to PAGE_DISCUSSION_LAG_SECONDS late: a copy rendered
less than that long ago is still served, so that a discussion taking many comments and
likes a second re-renders its page about once per lag, not once per comment, while whoever
posted sees their change at once (the "fresh" cookie). Past the lag, one worker renders the
page anew while the others keep serving the copy, if it is less than twice the lag old:
others see a change at most twice the lag late. The sidebar has its own freshness
(WIDGETS_CACHE_SECONDS), so a cached page may show it up to PAGE_CACHE_SECONDS later.

Generations are bumped from model signals (listed in `connect_signals`): every write path
(services, the admin, moderation actions, the demo loader) saves or deletes those models,
and a signal cannot be forgotten by a new one. Each bump runs again after the commit, so a
page rendered from the data before the commit is never kept with the latest generations.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from blog import compression
from comments.discussion.page import REMEMBER_COOKIE

logger = logging.getLogger(__name__)

FRESH_COOKIE = "fresh"
SITE = "pagegen:site"
COMMENTS = "pagegen:comments"
ARTICLE_VIEWS = {"blog:article", "blog:article_comments_feed", "blog:article_comments_atom"}
COMMENTS_FEEDS = {"blog:comments_feed", "blog:comments_atom"}
PUBLIC_VIEWS = {
    "blog:home",
    "blog:category",
    "blog:tag",
    "blog:source",
    "blog:archive_month",
    "blog:feed",
    "blog:atom",
    "blog:category_feed",
    "blog:category_atom",
    "blog:source_feed",
    "blog:source_atom",
    *ARTICLE_VIEWS,
    *COMMENTS_FEEDS,
}
# What a page keeps of a response: the headers the inner middleware added (CSP,
# X-Frame-Options, Cross-Origin-Opener-Policy); the outer ones add theirs on every answer.
_SKIPPED_HEADERS = {"vary", "set-cookie", "content-length"}
# How long a worker may take to render an outdated page before another one may start too.
RENDERING_SECONDS = 5


def _article_key(kwargs) -> str:
    return "pagegen:article:{year}-{month}-{day}-{slug}".format(**kwargs)


def generations_for(request) -> list[str] | None:
    """The generation keys of the page `request` asks for, or None when the request is not
    public (see the module's docstring)."""
    if request.method not in ("GET", "HEAD"):
        return None
    personal = (settings.SESSION_COOKIE_NAME, REMEMBER_COOKIE, FRESH_COOKIE, "messages")
    if any(name in request.COOKIES for name in personal):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name not in PUBLIC_VIEWS:
        return None
    keys = [SITE]
    if match.view_name in ARTICLE_VIEWS:
        keys.append(_article_key(match.kwargs))
    if match.view_name in COMMENTS_FEEDS:
        keys.append(COMMENTS)
    return keys


def _page_read(request, keys: list[str]) -> tuple[str, list[int], tuple | None, tuple | None]:
    """One cache read for a public page: its generations (made when missing) and the copy
    kept for its address. Returns the page's key, the generations, that copy's page if it
    may be served now (rendered at those generations, or at the same site generation less
    than PAGE_DISCUSSION_LAG_SECONDS ago) and, if not, the copy's page if it may be served
    while another worker renders the page anew (less than twice the lag old)."""
    page_key = _page_key(request)
    wanted = [*keys, page_key] if settings.PAGE_CACHE_SECONDS else keys
    found = cache.get_many(wanted)
    missing = [key for key in keys if key not in found]
    if missing:
        now = time.time_ns()
        for key in missing:
            cache.add(key, now, timeout=None)
        found.update(cache.get_many(missing))
    generations = [found.get(key, 0) for key in keys]
    kept = found.get(page_key)
    if kept is None:
        return page_key, generations, None, None
    kept_generations, stored, rendered_at = kept
    if kept_generations == generations:
        return page_key, generations, stored, None
    # The first generation is the site's: an edit is never served late.
    if kept_generations[0] != generations[0]:
        return page_key, generations, None, None
    age = (time.time_ns() - rendered_at) / 1e9
    lag = settings.PAGE_DISCUSSION_LAG_SECONDS
    if age < lag:
        return page_key, generations, stored, None
    return page_key, generations, None, stored if age < 2 * lag else None


def _claim_rendering(page_key: str) -> bool:
    """Claims the rendering of an outdated page: False when another worker has (for up to
    RENDERING_SECONDS, should it die on the way)."""
    return cache.add(f"{page_key}:rendering", 1, timeout=RENDERING_SECONDS)


def page_generation_bump(*keys: str) -> None:
    """Mark what those keys cover as changed: pages stored before are not served again."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump(list(keys))
        return
    # A cache in the database is written only after the commit: written inside the
    # writer's transaction, the generation rows (one shared by every comment) would be
    # locked until its end, and concurrent comments and likes, which also lock the
    # article, deadlock on PostgreSQL. Other caches are bumped at once as well, so that a
    # page rendered meanwhile is not kept.
    if not _in_database():
        _bump(list(keys))
    # Once after the commit, however many saves of the transaction asked for it (a comment
    # is saved three times): the first callback bumps every key asked for, the others find
    # none left. Keys of a transaction rolled back are bumped with the next one.
    pending = connection.__dict__.setdefault("page_generations_pending", set())
    pending.update(keys)
    transaction.on_commit(lambda: _bump_pending(connection))


def _bump_pending(connection) -> None:
    pending = connection.page_generations_pending
    keys = sorted(pending)
    pending.clear()
    if keys:
        _bump(keys)


def _bump(keys) -> None:
    now = time.time_ns()
    generations = {key: now for key in keys}
    if _in_database() and len(keys) > 1:
        # One transaction for the keys, not one each.
        with transaction.atomic():
            cache.set_many(generations, timeout=None)
    else:
        cache.set_many(generations, timeout=None)


def _in_database() -> bool:
    return isinstance(caches["default"], BaseDatabaseCache)


def article_pages_changed(article, *, comments: bool = True) -> None:
    """A comment or a like on `article`: its page and comment feeds change (and with
    `comments`, the site's comments feeds)."""
    key = _article_key(resolve(article.get_absolute_url()).kwargs)
    page_generation_bump(key, *([COMMENTS] if comments else []))


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{hashlib.sha256(address.encode()).hexdigest()}"


class PublicPageMiddleware:
    """Serves public pages from the cache and marks them public; see the module docstring.
    Placed above SessionMiddleware, so that a cached page needs neither the session nor
    the database, and so that it can drop the `Vary: Cookie` that reading `request.user`
    adds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        keys = generations_for(request)
        request.public_page = keys is not None
        if keys is None:
            response = self.get_response(request)
            self._after_private(request, response)
            return response
        try:
            key, generations, stored, outdated = _page_read(request, keys)
            # One worker renders a page that comments or likes outdated; meanwhile the
            # others keep serving the copy from moments ago.
            claimed = outdated is not None and _claim_rendering(key)
            if outdated is not None and not claimed:
                stored = outdated
        except DatabaseError as error:
            # The database cache on a database that is away: render, and let the inner
            # middleware answer the 503.
            logger.warning("The page cache could not be read: %s", error)
            return self.get_response(request)
        if stored is not None:
            return self._from_stored(request, stored)
        try:
            return self._rendered(request, key, generations)
        finally:
            if claimed:
                cache.delete(f"{key}:rendering")

    def _rendered(self, request, key, generations):
        rendered_at = time.time_ns()
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming or response.cookies:
            return response
        self._make_public(response, last_modified=max(generations) / 1e9)
        if settings.PAGE_CACHE_SECONDS and request.method == "GET":
            kept = (generations, self._stored(response), rendered_at)
            cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _after_private(request, response):
        if request.method == "POST" and response.status_code < 400:
            response.set_cookie(
                FRESH_COOKIE,
                "1",
                max_age=settings.PAGE_FRESH_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        elif request.method in ("GET", "HEAD") and _is_public_view(request):
            # The same address is public for others: no shared cache may keep this one.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)

    @staticmethod
    def _make_public(response, *, last_modified: float):
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        vary = [v for v in vary if v.lower() != "cookie"]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif response.has_header("Vary"):
            del response["Vary"]
        response["Cache-Control"] = (
            f"public, max-age={settings.PAGE_MAX_AGE}, s-maxage={settings.PAGE_S_MAXAGE}, "
            f"stale-while-revalidate={settings.PAGE_STALE_WHILE_REVALIDATE}"
        )
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["Last-Modified"] = http_date(last_modified)

    @staticmethod
    def _stored(response) -> tuple:
        """The page as kept: its headers, and its bytes as they are and compressed both ways
        (compressing once per page, not once per reader)."""
        headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
        bodies = {"": response.content}
        if compression.is_compressible(response):
            bodies |= {c: compression.compress(response.content, c) for c in ("br", "gzip")}
        return (bodies, headers, response.get("Vary"))

    @staticmethod
    def _from_stored(request, stored):
        bodies, headers, vary = stored
        coding = compression.preferred_coding(request, bodies)
        response = HttpResponse(bodies[coding])
        for name, value in headers:
            response[name] = value
        if vary:
            response["Vary"] = vary
        if len(bodies) > 1:
            patch_vary_headers(response, ("Accept-Encoding",))
        if coding:
            compression.mark_compressed(response, coding)
        return response


def _is_public_view(request) -> bool:
    match = request.resolver_match
    return match is not None and match.view_name in PUBLIC_VIEWS


# --- What bumps which generation ---------------------------------------------------------


def _site_changed(**kwargs):
    page_generation_bump(SITE)


def _comments_of_article_changed(article_pk) -> None:
    from blog.models import Article

    article = Article.objects.filter(pk=article_pk).first() if article_pk else None
    if article is None:
        page_generation_bump(COMMENTS)
    else:
        article_pages_changed(article)


def _comment_changed(instance, **kwargs):
    _comments_of_article_changed(instance.object_pk)


def _comment_flag_changed(instance, **kwargs):
    # Read by id: when a comment is deleted, its flags go first and it may be gone next.
    from django_comments_xtd.models import XtdComment

    comments = XtdComment.norel_objects.filter(pk=instance.comment_id)
    _comments_of_article_changed(comments.values_list("object_pk", flat=True).first())


def _article_like_changed(instance, **kwargs):
    # A like on the story shows on its page only, not in the site's comments feeds.
    article_pages_changed(instance.article, comments=False)


def connect_signals():
    """Called from BlogConfig.ready()."""
    from django_comments.models import CommentFlag
    from django_comments_xtd.models import XtdComment

    from blog.models import Article, ArticleLike, Category, Source, Tag

    for model in (Article, Category, Tag, Source):
        post_save.connect(_site_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(_site_changed, sender=model, dispatch_uid=f"pagecache-d-{model}")
    post_save.connect(_comment_changed, sender=XtdComment, dispatch_uid="pagecache-comment")
    post_delete.connect(_comment_changed, sender=XtdComment, dispatch_uid="pagecache-d-comment")
    post_save.connect(_comment_flag_changed, sender=CommentFlag, dispatch_uid="pagecache-flag")
    post_delete.connect(_comment_flag_changed, sender=CommentFlag, dispatch_uid="pagecache-d-flag")
    post_save.connect(_article_like_changed, sender=ArticleLike, dispatch_uid="pagecache-like")
    post_delete.connect(_article_like_changed, sender=ArticleLike, dispatch_uid="pagecache-d-like")
