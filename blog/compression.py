"""HTML, feeds and JSON compressed by the app: brotli when the client accepts it, gzip
otherwise (static files are compressed ahead of time by whitenoise; cached pages are kept
compressed both ways by blog.pagecache).

BREACH (guessing a secret in a compressed response by reflecting input next to it and
watching the size) needs a secret in the response. Public pages (blog.pagecache) hold none:
no CSRF token, no session, nothing about the reader. Pages for signed-in readers carry
Django's CSRF token, which is masked anew in every response (the attacker sees a different
string each time), and their session cookie is SameSite=Lax: another site's requests, the
attacker's probes, reach this site without it and get the public page. So every text
response is compressed."""

import re

import brotli
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|rss\+xml|atom\+xml|xml|javascript)|image/svg\+xml)"
)
MIN_LENGTH = 200
# Quality 5 compresses HTML about as well as gzip -9 at a fraction of brotli's top cost.
BROTLI_QUALITY = 5


def accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows (q=0 means "not this one")."""
    accepted = set()
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        quality = params.strip().removeprefix("q=").strip() if params else "1"
        try:
            if float(quality) > 0:
                accepted.add(coding.strip().lower())
        except ValueError:
            continue
    return accepted


def is_compressible(response) -> bool:
    return not (
        response.streaming
        or response.has_header("Content-Encoding")
        or not COMPRESSIBLE.match(response.get("Content-Type", ""))
        or len(response.content) < MIN_LENGTH
    )


def compress(content: bytes, coding: str) -> bytes:
    if coding == "br":
        return brotli.compress(content, quality=BROTLI_QUALITY)
    return compress_string(content)


def preferred_coding(request, available) -> str:
    """The coding to send: brotli, then gzip, among those `available` the client accepts;
    "" for the bytes as they are."""
    accepted = accepted_encodings(request.headers.get("Accept-Encoding", ""))
    for coding in ("br", "gzip"):
        if coding in accepted and coding in available:
            return coding
    return ""


def mark_compressed(response, coding: str) -> None:
    response["Content-Length"] = str(len(response.content))
    response["Content-Encoding"] = coding
    # The same page in other bytes: a strong validator becomes a weak one (RFC 9110).
    etag = response.get("ETag", "")
    if etag.startswith('"'):
        response["ETag"] = "W/" + etag


class CompressionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_compressible(response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        coding = preferred_coding(request, ("br", "gzip"))
        if not coding:
            return response
        compressed = compress(response.content, coding)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        mark_compressed(response, coding)
        return response
