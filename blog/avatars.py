"""Avatars for readers (likers, commenters): a local identicon drawn from their email.

`avatar_url(email)` is the one entry point. By default it points at `/avatar/<digest>.svg`,
served by `blog.views.avatar`: a 5×5 mirrored pattern in one colour, the same for the
same email on every page, made here without any request to the internet. The digest is
an HMAC of the email keyed with SECRET_KEY, so a page never shows a plain hash of an email
address (a plain hash can be reversed by guessing addresses). With AVATARS_GRAVATAR=true
the URL is Gravatar's instead (SHA-256 of the email, Gravatar's own identicon as fallback).
"""

import hashlib
import re
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

DIGEST_LENGTH = 32
DIGEST_PATTERN = re.compile(rf"^[0-9a-f]{{{DIGEST_LENGTH}}}$")
GRID = 5


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def avatar_digest(email: str) -> str:
    """The identicon's key: stable for an email while SECRET_KEY stays the same."""
    return salted_hmac("blog.avatars", normalize_email(email)).hexdigest()[:DIGEST_LENGTH]


def avatar_url(email: str, *, size: int = 48) -> str:
    """The URL of `email`'s avatar, `size` CSS pixels square."""
    if settings.AVATARS_GRAVATAR:
        gravatar_hash = hashlib.sha256(normalize_email(email).encode()).hexdigest()
        query = urlencode({"s": size * 2, "d": "identicon"})  # twice the size for HiDPI
        return f"https://www.gravatar.com/avatar/{gravatar_hash}?{query}"
    return reverse("blog:avatar", args=[avatar_digest(email)])


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
