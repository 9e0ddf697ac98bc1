"""WordPress post markup → the article HTML of this site.

In order: block-editor comments (`<!-- wp:paragraph -->`) are removed; a post written
without blocks gets WordPress's `wpautop` (paragraphs from blank lines, `<br>` from single
line breaks), as WordPress does when it shows such a post; `[caption]` becomes a `<figure>`
with its `<figcaption>`, `[embed]URL[/embed]` and a URL alone on its line become a link;
other shortcodes stay as text and are reported. `blog.sanitize` (on `Article.save`) then
applies the site's allow-list.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
HAS_BLOCKS = re.compile(r"<!--\s*wp:")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")

ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_TAG_WITH_NEWLINES = re.compile(r"<[^>]*\n[^>]*>")
# Kept whole through wpautop: a <pre> keeps its line breaks, a converted caption its figure.
_KEPT = re.compile(r"<(pre|figure)\b.*?</\1>", re.S | re.I)
_BEFORE_BLOCK = re.compile(rf"(<{ALL_BLOCKS}[\s/>])", re.I)
_AFTER_BLOCK = re.compile(rf"(</{ALL_BLOCKS}>)", re.I)
_CHUNKS = re.compile(r"\n\s*\n")
_AUTOP_FIXES = [
    (re.compile(r"<p>\s*</p>"), ""),
    (re.compile(r"<p>([^<]+)</(div|address|form)>", re.I), r"<p>\1</p></\2>"),
    (re.compile(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)\s*</p>", re.I), r"\1"),
    (re.compile(r"<p>(<li.+?)</p>", re.I | re.S), r"\1"),
    (re.compile(r"<p><blockquote([^>]*)>", re.I), r"<blockquote\1><p>"),
    (re.compile(r"</blockquote></p>", re.I), "</p></blockquote>"),
    (re.compile(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)", re.I), r"\1"),
    (re.compile(rf"(</?{ALL_BLOCKS}[^>]*>)\s*</p>", re.I), r"\1"),
    (re.compile(r"(?<!<br>)\s*\n(?=.)"), "<br>\n"),
    (re.compile(rf"(</?{ALL_BLOCKS}[^>]*>)\s*<br>", re.I), r"\1"),
    (re.compile(r"<br>(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", re.I), r"\1"),
]

CAPTION = re.compile(r"\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
CAPTION_ATTRIBUTE = re.compile(r"""caption=(?:"([^"]*)"|'([^']*)')""", re.I)
CAPTION_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
EMBED = re.compile(r"\[embed[^\]]*\]\s*(https?://[^\s\[<]+)\s*\[/embed\]", re.I)
URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)
SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)(?=[\s\]/])[^\[\]]*\]")


@dataclass
class Converted:
    html: str
    unknown_shortcodes: list[str] = field(default_factory=list)


def wpautop(text: str) -> str:
    """WordPress's automatic paragraphs, as in wp-includes/formatting.php (the parts that
    matter once the result is sanitized): blank lines make paragraphs, single line breaks
    `<br>`, block-level tags are left unwrapped, `<pre>` keeps its line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"<pre wp-kept-{len(kept) - 1}></pre>"

    text = _KEPT.sub(keep, text)
    text = _TAG_WITH_NEWLINES.sub(lambda m: m.group(0).replace("\n", " "), text)
    text = _AFTER_BLOCK.sub(r"\1\n\n", _BEFORE_BLOCK.sub(r"\n\n\1", text))
    text = "".join(f"<p>{chunk.strip()}</p>\n" for chunk in _CHUNKS.split(text) if chunk.strip())
    for pattern, replacement in _AUTOP_FIXES:
        text = pattern.sub(replacement, text)
    for index, block in enumerate(kept):
        text = text.replace(f"<pre wp-kept-{index}></pre>", block)
    return text.strip()


def _caption(match: re.Match) -> str:
    attributes, inner = match.group(1), match.group(2)
    media = CAPTION_MEDIA.match(inner)
    if media is None:
        return match.group(0)  # no image inside: not a caption we understand
    image, text = media.group(1), media.group(2).strip()
    if not text:
        named = CAPTION_ATTRIBUTE.search(attributes)
        text = escape(unescape(named.group(1) or named.group(2))) if named else ""
    caption = f"<figcaption>{text}</figcaption>" if text else ""
    return f"<figure>{image}{caption}</figure>"


def _link(url: str) -> str:
    url = escape(unescape(url), quote=True)
    return f'<p><a href="{url}">{url}</a></p>'


def wordpress_html(content: str) -> Converted:
    """Convert a post's `content:encoded` to article HTML (not yet sanitized)."""
    has_blocks = bool(HAS_BLOCKS.search(content))
    html = BLOCK_COMMENT.sub("", content)
    html = CAPTION.sub(_caption, html)
    html = EMBED.sub(lambda m: f"\n\n{_link(m.group(1))}\n\n", html)
    # WordPress turns a URL alone on its line into an embed: here, a plain link.
    html = URL_LINE.sub(lambda m: f"\n\n{_link(m.group(1))}\n\n", html)
    # [gallery] is made a figure once the export's attachments are known (media.py).
    unknown = sorted({m.group(1).lower() for m in SHORTCODE.finditer(html)} - {"gallery"})
    # A block post has its paragraphs already; blank lines remain where the comments stood.
    html = _BLANK_LINES.sub("\n\n", html) if has_blocks else wpautop(html)
    return Converted(html=html.strip(), unknown_shortcodes=unknown)


_BREAK = re.compile(r"<br\s*/?>", re.I)
_PARAGRAPH_END = re.compile(r"</?p\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"""<a\b[^>]*\bhref=(?:"([^"]*)"|'([^']*)')[^>]*>(.*?)</a>""", re.I | re.S)


def _link_text(match: re.Match) -> str:
    href = match.group(1) or match.group(2) or ""
    label = match.group(3)
    return label if href in label or not href else f"{label} ({href})"


def comment_text(content: str) -> str:
    """A WordPress comment (a little HTML) as the plain text readers' comments are stored
    in here: links keep their address, line breaks and paragraphs stay, tags go."""
    text = _LINK.sub(_link_text, content.replace("\r\n", "\n"))
    text = _PARAGRAPH_END.sub("\n\n", _BREAK.sub("\n", text))
    text = unescape(_ANY_TAG.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain_text(html: str) -> str:
    """An excerpt or title as plain text (tags dropped, entities decoded, spaces folded)."""
    return " ".join(unescape(_ANY_TAG.sub(" ", html)).split())
