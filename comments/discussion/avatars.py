"""Avatars of readers (commenters, likers): the picture of their social account when there is
one, else a deterministic identicon served by this site (`/comments/avatar/<key>.svg`, made
without any request to the internet), or Gravatar's when AVATARS_GRAVATAR is on.

The identicon URL carries an HMAC of the email (keyed by SECRET_KEY), not a plain hash, so
the page does not leak addresses to anyone who can guess them.
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

AVATAR_SIZE = 48
GRID = 5


def avatar_key(email: str) -> str:
    return salted_hmac("wirepress.avatar", (email or "").strip().lower()).hexdigest()[:32]


def avatar_url(email: str, *, picture: str = "", size: int = AVATAR_SIZE) -> str:
    """The avatar of `email`, `size` CSS pixels square. `picture`: the social account's
    (already checked to be an http(s) URL), preferred."""
    if picture:
        return picture
    if settings.AVATARS_GRAVATAR:
        digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
        query = urlencode({"s": size * 2, "d": "identicon"})  # twice the size for HiDPI
        return f"https://www.gravatar.com/avatar/{digest}?{query}"
    return reverse("comments:avatar", args=[avatar_key(email)])


# Characters that could end or break a CSS url("..."): percent-encoded, which leaves the
# address the same for the server it points at.
_CSS_URL_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in "\"'()\\\n\r\t "})


def css_url(url: str) -> str:
    """`url` as a CSS `url("...")` value, safe inside a style attribute (a social account's
    picture address is the reader's to choose)."""
    return f'url("{url.translate(_CSS_URL_ESCAPES)}")'


def avatar_urls(emails) -> dict[str, str]:
    """`avatar_url` of each address, for a whole page: one URL lookup rather than one each."""
    emails = set(emails)
    if settings.AVATARS_GRAVATAR:
        return {email: avatar_url(email) for email in emails}
    head, tail = reverse("comments:avatar", args=["KEY"]).rsplit("KEY", 1)
    return {email: f"{head}{avatar_key(email)}{tail}" for email in emails}


def identicon_svg(digest: str) -> str:
    """A symmetric 5×5 identicon as SVG, entirely determined by the hex `digest`."""
    bits = int(digest, 16)
    hue = bits % 360
    bits >>= 9
    cells = []
    half = (GRID + 1) // 2
    for column in range(half):
        for row in range(GRID):
            if bits & 1:
                cells.append((column, row))
                if column != GRID - 1 - column:
                    cells.append((GRID - 1 - column, row))
            bits >>= 1
    rects = "".join(f'<rect x="{x + 1}" y="{y + 1}" width="1" height="1"/>' for x, y in cells)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" shape-rendering="crispEdges">'
        f'<rect width="7" height="7" fill="hsl({hue} 30% 92%)"/>'
        f'<g fill="hsl({hue} 55% 42%)">{rects}</g>'
        "</svg>"
    )
