"""Readers' comment text -> safe HTML: paragraphs, line breaks and auto-linked URLs.

Readers never supply HTML: everything is escaped first. Written as one pass with precompiled
expressions because it runs for every comment on the page (Django's `urlize` is several times
slower on long threads).
"""

import re
from html import escape

from django.utils import dateformat, timezone

# Matched on escaped text: a URL ends at whitespace or at an escaped quote or bracket.
_URL = re.compile(r"\b((?:https?://|www\.)(?:(?!&(?:quot|#x27|lt|gt);)\S)+)", re.IGNORECASE)
_TRAILING = ".,:;!?)]}'\""
_PARAGRAPHS = re.compile(r"\n\s*\n")
LINK_REL = "nofollow ugc noopener"


def _link(match: re.Match) -> str:
    url = match.group(1)
    trail = ""
    while url and url[-1] in _TRAILING:
        # Keep a closing parenthesis that belongs to the URL, e.g. Wikipedia links.
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trail = url[-1] + trail
        url = url[:-1]
    href = url if "://" in url else f"http://{url}"
    return f'<a href="{href}" rel="{LINK_REL}">{url}</a>{trail}'


def render_comment_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = _PARAGRAPHS.split(escape(text, quote=True))
    return "".join(
        "<p>" + _URL.sub(_link, paragraph.strip()).replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )


def likes_label(count: int) -> str:
    """ "Liked by 3 people", as WordPress words it; nothing when nobody likes it yet."""
    if count <= 0:
        return ""
    return "Liked by 1 person" if count == 1 else f"Liked by {count} people"


class CommentDates:
    """A comment's date as "October 21, 2021 at 3:02 p.m.", for every comment on a page.

    The same text as the `date` filter with r"F j, Y \\a\\t g:i a", several times faster on a
    long thread: each day (and a.m./p.m.) is formatted and translated once per page.
    """

    def __init__(self):
        self._days: dict = {}
        self._meridiems: dict = {}

    def __call__(self, moment) -> str:
        local = timezone.localtime(moment)
        day = self._days.get(local.date())
        if day is None:
            day = self._days[local.date()] = dateformat.format(local, "F j, Y")
        meridiem = self._meridiems.get(local.hour < 12)
        if meridiem is None:
            meridiem = self._meridiems[local.hour < 12] = dateformat.format(local, "a")
        return f"{day} at {local.hour % 12 or 12}:{local.minute:02d} {meridiem}"
