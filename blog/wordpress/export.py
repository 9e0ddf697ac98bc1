"""Writing this site as a WordPress export (WXR 1.2) that WordPress's own importer reads:
articles with their categories, tags and authors, featured photos as attachment addresses,
and every comment with its parent and its state.

Written as a stream (lxml's `xmlfile`): one article and its comments in memory at a time.
Text goes in CDATA sections as WordPress writes them (its fallback parser needs them); a
"]]>" inside is split across two sections.
"""

import datetime
import re
from contextlib import contextmanager
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Article, Category, Tag
from comments.models import CommentModeration

WP = "http://wordpress.org/export/1.2/"
NSMAP = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP,
}
STATUSES = {Article.Status.DRAFT: "draft", Article.Status.PENDING: "pending"}
COMMENT_STATES = {
    CommentModeration.Status.PUBLISHED: "1",
    CommentModeration.Status.HELD: "0",
    CommentModeration.Status.SPAM: "spam",
    CommentModeration.Status.REMOVED: "trash",
}
NO_DATE = "0000-00-00 00:00:00"
PHOTO_META = "_wirepress_featured_photo"
PHOTO_ALT_META = "_wirepress_featured_photo_alt"
PHOTO_CAPTION_META = "_wirepress_featured_photo_caption"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class WXRWriter:
    """Elements written as text, with the prefixes declared once on <rss> (lxml's
    incremental writer would declare them again on every element)."""

    def __init__(self, out):
        self.out = out

    def raw(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))

    def field(self, name: str, text="", *, cdata=True, attrib=None) -> None:
        text = _NOT_XML.sub("", "" if text is None else str(text))
        if cdata and text:
            body = "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
        else:
            body = escape(text)
        attributes = "".join(f" {key}={quoteattr(value)}" for key, value in (attrib or {}).items())
        self.raw(f"<{name}{attributes}>{body}</{name}>\n")

    @contextmanager
    def element(self, name: str, attributes: str = ""):
        self.raw(f"<{name}{attributes}>\n")
        yield
        self.raw(f"</{name}>\n")


def _wp_date(moment, *, utc: bool) -> str:
    if moment is None:
        return NO_DATE
    moment = moment.astimezone(datetime.UTC) if utc else timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _login(user) -> str:
    return user.get_username() if user else ""


def _article_status(article: Article) -> str:
    if article.status == Article.Status.PUBLISHED:
        return "publish" if article.is_public else "future"
    return STATUSES.get(article.status, "draft")


def _html(body: str) -> str:
    # WordPress runs wpautop on classic posts when it shows them: newlines between our
    # blocks would become <br>. In HTML a newline is a space; only <pre> keeps its own.
    parts = body.split("<pre")
    parts[0] = parts[0].replace("\n", " ")
    for index in range(1, len(parts)):
        pre, _, rest = parts[index].partition("</pre>")
        parts[index] = f"{pre}</pre>{rest.replace(chr(10), ' ')}" if _ else parts[index]
    return "<pre".join(parts)


def wordpress_export(*, out, since: datetime.datetime | None = None) -> int:
    """Write the site's articles (changed since `since`, or all) as WXR 1.2 to `out`, a binary
    file. Returns the number of articles written."""
    articles = Article.objects.select_related("author", "featured_image").prefetch_related(
        "categories", "tags"
    )
    if since is not None:
        articles = articles.filter(updated_at__gte=since)
    articles = articles.order_by("pk")
    site = settings.SITE_URL.rstrip("/")
    content_type = ContentType.objects.get_for_model(Article)
    written = 0
    xf = WXRWriter(out)
    xf.raw('<?xml version="1.0" encoding="UTF-8" ?>\n')
    xf.raw(
        "<!-- A WordPress eXtended RSS file written by Wirepress for WordPress's importer"
        " (Tools > Import > WordPress). -->\n"
    )
    namespaces = "".join(f'\n\txmlns:{prefix}="{uri}"' for prefix, uri in NSMAP.items())
    with xf.element("rss", f' version="2.0"{namespaces}\n'), xf.element("channel"):
        xf.field("title", settings.SITE_NAME, cdata=False)
        xf.field("link", site, cdata=False)
        xf.field("description", "", cdata=False)
        xf.field("pubDate", format_datetime(timezone.now()), cdata=False)
        xf.field("wp:wxr_version", "1.2", cdata=False)
        xf.field("wp:base_site_url", site, cdata=False)
        xf.field("wp:base_blog_url", site, cdata=False)
        _authors_write(xf, articles)
        _terms_write(xf)
        xf.field("generator", "Wirepress", cdata=False)
        for article in articles.iterator(chunk_size=200):
            _article_write(xf, article, site=site, content_type=content_type)
            written += 1
    return written


def _authors_write(xf, articles) -> None:
    from django.contrib.auth import get_user_model

    authors = get_user_model().objects.filter(pk__in=articles.exclude(author=None).values("author"))
    for user in authors.order_by("pk"):
        with xf.element("wp:author"):
            xf.field("wp:author_id", user.pk, cdata=False)
            xf.field("wp:author_login", _login(user))
            xf.field("wp:author_email", user.email)
            xf.field("wp:author_display_name", user.get_full_name() or _login(user))
            xf.field("wp:author_first_name", user.first_name)
            xf.field("wp:author_last_name", user.last_name)


def _terms_write(xf) -> None:
    # Parents first: WordPress's importer creates a category's parent before it.
    categories = list(Category.objects.select_related("parent"))
    by_pk = {c.pk: c for c in categories}

    def depth(category, seen=()):
        parent = by_pk.get(category.parent_id)
        return 0 if parent is None or parent.pk in seen else 1 + depth(parent, (*seen, parent.pk))

    for category in sorted(categories, key=lambda c: (depth(c), c.pk)):
        with xf.element("wp:category"):
            xf.field("wp:term_id", category.pk, cdata=False)
            xf.field("wp:category_nicename", category.slug)
            xf.field("wp:category_parent", category.parent.slug if category.parent else "")
            xf.field("wp:cat_name", category.name)
    for tag in Tag.objects.order_by("pk"):
        with xf.element("wp:tag"):
            xf.field("wp:term_id", tag.pk, cdata=False)
            xf.field("wp:tag_slug", tag.slug)
            xf.field("wp:tag_name", tag.name)


def _article_write(xf, article: Article, *, site: str, content_type) -> None:
    link = f"{site}{article.get_absolute_url()}"
    with xf.element("item"):
        xf.field("title", article.title)
        xf.field("link", link, cdata=False)
        if article.published_at:
            xf.field("pubDate", format_datetime(article.published_at), cdata=False)
        xf.field("dc:creator", _login(article.author))
        xf.field("guid", f"{site}/?p={article.pk}", cdata=False, attrib={"isPermaLink": "false"})
        xf.field("description", "", cdata=False)
        xf.field("content:encoded", _html(article.body))
        xf.field("excerpt:encoded", article.standfirst)
        xf.field("wp:post_id", article.pk, cdata=False)
        xf.field("wp:post_date", _wp_date(article.published_at, utc=False))
        xf.field("wp:post_date_gmt", _wp_date(article.published_at, utc=True))
        xf.field("wp:post_modified", _wp_date(article.updated_at, utc=False))
        xf.field("wp:post_modified_gmt", _wp_date(article.updated_at, utc=True))
        xf.field("wp:comment_status", "open")
        xf.field("wp:ping_status", "closed")
        xf.field("wp:post_name", article.slug)
        xf.field("wp:status", _article_status(article))
        xf.field("wp:post_parent", "0", cdata=False)
        xf.field("wp:menu_order", "0", cdata=False)
        xf.field("wp:post_type", "post")
        xf.field("wp:post_password", "")
        xf.field("wp:is_sticky", "0", cdata=False)
        for category in article.categories.all():
            xf.field(
                "category", category.name, attrib={"domain": "category", "nicename": category.slug}
            )
        for tag in article.tags.all():
            xf.field("category", tag.name, attrib={"domain": "post_tag", "nicename": tag.slug})
        image = article.featured_image
        photo = image.file.url if image else article.photo_url
        if photo:
            # The photo's address and words, as metas WordPress keeps (its importer fetches
            # files only for attachment items) and this site's importer reads back.
            _meta_write(xf, PHOTO_META, photo)
            _meta_write(xf, PHOTO_ALT_META, image.alt if image else article.photo_alt)
            _meta_write(xf, PHOTO_CAPTION_META, image.caption if image else article.photo_caption)
        _comments_write(xf, article, content_type=content_type)


def _meta_write(xf, key: str, value: str) -> None:
    with xf.element("wp:postmeta"):
        xf.field("wp:meta_key", key)
        xf.field("wp:meta_value", value)


def _comments_write(xf, article: Article, *, content_type) -> None:
    comments = (
        XtdComment.norel_objects.filter(content_type=content_type, object_pk=str(article.pk))
        .select_related("moderation")
        .order_by("thread_id", "order")
    )
    for comment in comments:
        record = getattr(comment, "moderation", None)
        if record is not None:
            state = COMMENT_STATES.get(record.status, "0")
        else:
            state = "trash" if comment.is_removed else ("1" if comment.is_public else "0")
        with xf.element("wp:comment"):
            xf.field("wp:comment_id", comment.pk, cdata=False)
            xf.field("wp:comment_author", comment.user_name)
            xf.field("wp:comment_author_email", comment.user_email)
            xf.field("wp:comment_author_url", comment.user_url, cdata=False)
            xf.field("wp:comment_author_IP", comment.ip_address or "")
            xf.field("wp:comment_date", _wp_date(comment.submit_date, utc=False))
            xf.field("wp:comment_date_gmt", _wp_date(comment.submit_date, utc=True))
            xf.field("wp:comment_content", comment.comment)
            xf.field("wp:comment_approved", state)
            xf.field("wp:comment_type", "comment")
            parent = 0 if comment.parent_id == comment.pk else comment.parent_id
            xf.field("wp:comment_parent", parent, cdata=False)
            xf.field("wp:comment_user_id", comment.user_id or 0, cdata=False)
