"""Reading a WordPress export (WXR 1.0, 1.1, 1.2) as a stream of values: the site, then its
authors, categories, tags and posts (each with its comments) in file order.

The file is read with lxml's `iterparse` and every element is dropped once it has been
turned into a value, so memory holds one post at a time however large the export is.
Entities are not expanded and nothing is fetched from the network (no XXE). A file that is
not well-formed (truncated, a stray control character) raises `WXRError` with its line.
"""

import datetime
from dataclasses import dataclass, field

from lxml import etree

WP_NS_PREFIX = "http://wordpress.org/export/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
NO_DATE = "0000-00-00 00:00:00"


class WXRError(Exception):
    """The file cannot be read as a WordPress export; `line` says where (None: unknown)."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        message = " ".join(message.split())  # libxml2's messages hold line breaks
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    id: str
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    kind: str  # "category" or "tag"
    id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""  # the site's local time, as WordPress wrote it
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"  # "1", "0", "spam", "trash", "post-trashed"
    type: str = ""  # "", "comment", "pingback", "trackback"
    parent: str = "0"
    user_id: str = "0"


@dataclass
class Post:
    id: str
    line: int
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    modified_gmt: str = ""
    slug: str = ""
    status: str = ""
    type: str = "post"
    parent: str = "0"
    sticky: bool = False
    attachment_url: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    old_slugs: list[str] = field(default_factory=list)  # the `_wp_old_slug` metas
    comments: list[Comment] = field(default_factory=list)


def parse_date(value: str, *, tz=datetime.UTC) -> datetime.datetime | None:
    """WordPress's "YYYY-MM-DD HH:MM:SS" in `tz`; None for its "no date" zeros or junk."""
    value = (value or "").strip()
    if not value or value == NO_DATE:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
    except ValueError:
        return None


def _name(elem) -> tuple[str, str]:
    """(short namespace, local name): "wp" for any WXR version's namespace."""
    qname = etree.QName(elem)
    namespace = qname.namespace or ""
    if namespace.startswith(WP_NS_PREFIX):
        namespace = "excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"
    elif namespace == CONTENT_NS:
        namespace = "content"
    elif namespace == DC_NS:
        namespace = "dc"
    return namespace, qname.localname


def _text(elem) -> str:
    return elem.text or ""


def _fields(elem) -> dict[str, str]:
    return {_name(child)[1]: _text(child) for child in elem if isinstance(child.tag, str)}


def _author(elem) -> Author:
    f = _fields(elem)
    return Author(
        id=f.get("author_id", "").strip(),
        login=f.get("author_login", "").strip(),
        email=f.get("author_email", "").strip(),
        display_name=f.get("author_display_name", "").strip(),
        first_name=f.get("author_first_name", "").strip(),
        last_name=f.get("author_last_name", "").strip(),
    )


def _term(elem, kind: str) -> Term:
    f = _fields(elem)
    if kind == "category":
        return Term(
            kind=kind,
            id=f.get("term_id", "").strip(),
            slug=f.get("category_nicename", "").strip(),
            name=f.get("cat_name", "").strip(),
            parent_slug=f.get("category_parent", "").strip(),
            description=f.get("category_description", ""),
        )
    return Term(
        kind=kind,
        id=f.get("term_id", "").strip(),
        slug=f.get("tag_slug", "").strip(),
        name=f.get("tag_name", "").strip(),
        description=f.get("tag_description", ""),
    )


def _comment(elem) -> Comment:
    f = _fields(elem)
    return Comment(
        id=f.get("comment_id", "").strip(),
        author=f.get("comment_author", "").strip(),
        email=f.get("comment_author_email", "").strip(),
        url=f.get("comment_author_url", "").strip(),
        ip=f.get("comment_author_IP", "").strip(),
        date=f.get("comment_date", "").strip(),
        date_gmt=f.get("comment_date_gmt", "").strip(),
        content=f.get("comment_content", ""),
        approved=f.get("comment_approved", "1").strip(),
        type=f.get("comment_type", "").strip(),
        parent=f.get("comment_parent", "0").strip() or "0",
        user_id=f.get("comment_user_id", "0").strip() or "0",
    )


POST_FIELDS = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("", "guid"): "guid",
    ("dc", "creator"): "creator",
    ("content", "encoded"): "content",
    ("excerpt", "encoded"): "excerpt",
    ("wp", "post_date"): "date",
    ("wp", "post_date_gmt"): "date_gmt",
    ("wp", "post_modified_gmt"): "modified_gmt",
    ("wp", "post_name"): "slug",
    ("wp", "status"): "status",
    ("wp", "post_type"): "type",
    ("wp", "post_parent"): "parent",
    ("wp", "attachment_url"): "attachment_url",
}


def _post(elem) -> Post:
    post = Post(id="", line=elem.sourceline or 0)
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        name = _name(child)
        if name in POST_FIELDS:
            setattr(post, POST_FIELDS[name], _text(child))
        elif name == ("wp", "post_id"):
            post.id = _text(child).strip()
        elif name == ("wp", "is_sticky"):
            post.sticky = _text(child).strip() == "1"
        elif name == ("", "category"):
            term = (child.get("nicename", "").strip(), _text(child).strip())
            domain = child.get("domain", "category")
            if domain == "category":
                post.categories.append(term)
            elif domain == "post_tag":
                post.tags.append(term)
        elif name == ("wp", "postmeta"):
            meta = _fields(child)
            key, value = meta.get("meta_key", ""), meta.get("meta_value", "")
            post.meta[key] = value
            if key == "_wp_old_slug" and value.strip():
                post.old_slugs.append(value.strip())
        elif name == ("wp", "comment"):
            post.comments.append(_comment(child))
    for attribute in ("slug", "status", "type", "date", "date_gmt", "modified_gmt", "parent"):
        setattr(post, attribute, getattr(post, attribute).strip())
    if not post.id:
        raise WXRError("an item without <wp:post_id>", post.line)
    return post


SITE_FIELDS = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("wp", "base_site_url"): "base_site_url",
    ("wp", "base_blog_url"): "base_blog_url",
    ("wp", "wxr_version"): "wxr_version",
}


def wxr_read(source):
    """Yield the export's values in file order: `Site` once, as soon as the channel's
    header has been read (before the first author, term or post), then `Author`, `Term` and
    `Post` values. `source` is a path or a binary file. Raises `WXRError`."""
    site = Site()
    site_sent = False
    events = etree.iterparse(
        source,
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _event, elem in events:
            parent = elem.getparent()
            if parent is None or parent.tag != "channel":
                continue
            name = _name(elem)
            value = None
            if name in SITE_FIELDS:
                setattr(site, SITE_FIELDS[name], _text(elem).strip())
            elif name == ("wp", "author"):
                value = _author(elem)
            elif name == ("wp", "category"):
                value = _term(elem, "category")
            elif name == ("wp", "tag"):
                value = _term(elem, "tag")
            elif name == ("", "item"):
                value = _post(elem)
            # Drop what has been read, and the siblings before it: memory stays flat.
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del parent[0]
            if value is not None:
                if not site_sent:
                    if not site.wxr_version:
                        raise WXRError(
                            "not a WordPress export (no <wp:wxr_version>)", elem.sourceline
                        )
                    site_sent = True
                    yield site
                yield value
        if not site_sent:
            if not site.wxr_version:
                raise WXRError("not a WordPress export (no <wp:wxr_version>)")
            yield site
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        message = exc.msg if getattr(exc, "msg", None) else str(exc)
        raise WXRError(f"the file is not a complete export ({message})", line) from None
