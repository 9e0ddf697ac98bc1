"""Sanitizing of article HTML (written in the editor, pasted by editors or imported from
wire feeds) with nh3: one allow-list for all of them."""

import re
from urllib.parse import urlsplit

import nh3

ARTICLE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    # target="_blank" is the editor's "open in new tab" (always given rel="noopener").
    "a": {"href", "title", "target"},
    "abbr": {"title"},
    # data-file: the media-library image it shows (blog.media renders its renditions).
    "img": {"src", "alt", "title", "width", "height", "data-file"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
EXTERNAL_LINK_REL = "nofollow noopener"
NEW_TAB_LINK_REL = "noopener"

_ANCHOR = re.compile(r"<a\b([^>]*)>")
_HREF = re.compile(r'\bhref="([^"]*)"')
_NEW_TAB = re.compile(r'\btarget="_blank"')


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "target":
        return value if value == "_blank" else None
    if attribute == "data-file":
        return value if value.isdigit() else None
    return value


def _is_external(href: str) -> bool:
    # nh3 escapes "&" in attribute values; the scheme/host check does not care.
    return bool(urlsplit(href.replace("&amp;", "&")).netloc)


def sanitize_article_html(html: str) -> str:
    """Return `html` with only article markup left: no scripts, styles, event handlers,
    iframes or javascript: URLs. External links get rel="nofollow noopener"."""
    cleaned = nh3.clean(
        html or "",
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )
    # nh3 serializes every attribute as name="escaped value" and `rel` is not allowed
    # through, so marking external links afterwards is a plain substitution.
    return _ANCHOR.sub(_mark_external_link, cleaned).strip()


def _mark_external_link(match: re.Match) -> str:
    href = _HREF.search(match.group(1))
    if href and _is_external(href.group(1)):
        return f'<a{match.group(1)} rel="{EXTERNAL_LINK_REL}">'
    if _NEW_TAB.search(match.group(1)):
        return f'<a{match.group(1)} rel="{NEW_TAB_LINK_REL}">'
    return match.group(0)
