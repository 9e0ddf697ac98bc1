"""Avatars: the picture of a commenter's social account when there is one, else a
deterministic identicon served by this site, or Gravatar when enabled.

The identicon URL carries an HMAC of the email (keyed by SECRET_KEY), not a plain hash, so
the page does not leak commenters' addresses to anyone who can guess them.
"""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

AVATAR_SIZE = 48


def avatar_key(email: str) -> str:
    return salted_hmac("wirepress.avatar", (email or "").strip().lower()).hexdigest()[:32]


def avatar_url(email: str, *, picture: str = "") -> str:
    """`picture`: the social account's (already checked to be an http(s) URL), preferred."""
    if picture:
        return picture
    if settings.AVATARS_GRAVATAR:
        digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?s={AVATAR_SIZE * 2}&d=identicon"
    return reverse("comments:avatar", args=[avatar_key(email)])


def avatar_urls(emails) -> dict[str, str]:
    """`avatar_url` of each address, for a whole page: one URL lookup rather than one each."""
    emails = set(emails)
    if settings.AVATARS_GRAVATAR:
        return {email: avatar_url(email) for email in emails}
    head, tail = reverse("comments:avatar", args=["KEY"]).rsplit("KEY", 1)
    return {email: f"{head}{avatar_key(email)}{tail}" for email in emails}


def identicon_svg(key: str) -> str:
    """A 5x5 mirrored pattern and a colour, both taken from `key` (hex digits)."""
    digest = hashlib.sha256(key.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    cells = []
    for row in range(5):
        for col in range(3):
            if digest[2 + row * 3 + col] % 2:
                cells.append((col, row))
                if col < 2:
                    cells.append((4 - col, row))
    rects = "".join(f'<rect x="{x + 1}" y="{y + 1}" width="1" height="1"/>' for x, y in cells)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" shape-rendering="crispEdges">'
        f'<rect width="7" height="7" fill="hsl({hue},30%,92%)"/>'
        f'<g fill="hsl({hue},55%,45%)">{rects}</g></svg>'
    )
