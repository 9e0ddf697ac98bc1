"""Word-level differences between two texts, as HTML (`<del>` and `<ins>`, all text escaped)."""

import html
import re
from difflib import SequenceMatcher

import nh3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# A word with the space after it: a changed word is marked without the spaces around it
# turning into separate, interleaved changes.
_TOKENS = re.compile(r"^\s+|\S+\s*")
_BLOCK_END = re.compile(r"(</(p|h[1-6]|li|blockquote|figure|figcaption|div|tr)>|<br\s*/?>)", re.I)


def html_to_text(markup: str) -> str:
    """Readable text of article HTML: one paragraph a line, tags and entities gone."""
    text = html.unescape(nh3.clean(_BLOCK_END.sub("\n", markup or ""), tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def words_diff(old: str, new: str) -> SafeString:
    """`new` with the words taken out of `old` in `<del>` and the words added in `<ins>`."""
    before, after = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(after[j1:j2])))
    return mark_safe("".join(parts))  # noqa: S308 (every piece is escaped above)
