"""Links and HTML from agencies: absolute http(s) links without tracking parameters,
article HTML sanitized with the site's allow-list, plain text and paragraphs."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3

from blog.sanitize import ARTICLE_ATTRIBUTES, ARTICLE_TAGS, sanitize_article_html

# Click and campaign identifiers that agencies and newsletters append to links.
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id",
    "oly_enc_id", "vero_id", "rb_clickid", "s_cid", "ocid", "cmpid",
}  # fmt: skip

_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|figcaption|td|th)>|<br\s*/?>", re.I)


def url_without_tracking(url: str) -> str:
    """`url` without utm_* and click-ID query parameters (the rest kept as it was)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [
        (name, value)
        for name, value in query
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMETERS
    ]
    if len(kept) == len(query):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def absolute_http_url(url: str, base: str = "") -> str:
    """`url` made absolute against `base`, if it is http(s); "" for anything else."""
    url = (url or "").strip()
    if not url:
        return ""
    absolute = urljoin(base, url) if base else url
    if urlsplit(absolute).scheme not in ("http", "https") or not urlsplit(absolute).netloc:
        return ""
    return url_without_tracking(absolute)


def clean_wire_html(markup: str, *, base_url: str = "") -> str:
    """Article HTML from an agency: sanitized (as every article body is), links and image
    sources absolute against `base_url`, tracking parameters dropped."""

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in ("href", "src", "cite"):
            return value
        value = value.strip()
        if value.startswith("#") or value.lower().startswith("mailto:"):
            return value
        return absolute_http_url(value, base_url) or None

    cleaned = nh3.clean(
        markup or "",
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        attribute_filter=rewrite,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    # Removed scripts, iframes and forms leave runs of blank lines behind.
    return sanitize_article_html(re.sub(r"\n\s*\n", "\n", cleaned))


def plain_text(markup: str) -> str:
    """Text of an HTML snippet (or of text with entities), on one line; the content of
    scripts and styles is dropped, and blocks stay apart."""
    spaced = _BLOCK_END.sub(" ", markup or "")
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


def text_to_html(text: str) -> str:
    """Plain text as paragraphs: blank lines separate them, single newlines become <br>."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in block.splitlines()) + "</p>"
        for block in blocks
    )
