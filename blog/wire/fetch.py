"""Fetching feeds, pages and photos over HTTP, bounded in size and time."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify

from blog import outbound

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}

_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


class FetchError(Exception):
    """An address could not be read; the message says why, for an editor."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def _size(limit: int) -> str:
    return filesizeformat(limit).replace("\xa0", " ")


def fetch(
    url: str, *, max_bytes: int, accept: str = "*/*", etag: str = "", last_modified: str = ""
) -> Fetched:
    """GET `url` with the site's timeout, reading at most `max_bytes`; with `etag` or
    `last_modified`, a conditional GET (a 304 answer gives `not_modified`)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError("only http:// and https:// addresses can be fetched")
    timeout = settings.WIRE_FETCH_TIMEOUT
    headers = {"User-Agent": settings.WIRE_USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with outbound.get(url, headers=headers, timeout=timeout) as response:
            if response.status_code == 304:
                return Fetched(
                    url=response.url, etag=etag, last_modified=last_modified, not_modified=True
                )
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason}".strip())
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"the response is larger than {_size(max_bytes)}")
            return Fetched(
                url=response.url,
                content=outbound.read_body(response, max_bytes=max_bytes, deadline=deadline),
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", "")[:300],
                last_modified=response.headers.get("Last-Modified", "")[:100],
            )
    except outbound.AddressRefused as exc:
        raise FetchError(
            f"{exc.host} is a private address: set FETCH_ALLOWED_PRIVATE_HOSTS to allow it"
        ) from None
    except outbound.TooLarge:
        raise FetchError(f"the response is larger than {_size(max_bytes)}") from None
    except requests.TooManyRedirects:
        raise FetchError(f"more than {outbound.MAX_REDIRECTS} redirects") from None
    except requests.Timeout:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except requests.ConnectionError as exc:
        reason = _ERRNO.search(str(exc))
        raise FetchError(
            f"could not connect ({reason.group(0) if reason else 'connection failed'})"
        ) from None
    except requests.RequestException as exc:
        raise FetchError(f"the request failed ({exc.__class__.__name__})") from None


def photo_download(url: str) -> ContentFile:
    """The image at `url` as a file to store, checked to be a JPEG, PNG, GIF or WebP."""
    from PIL import Image

    fetched = fetch(url, max_bytes=settings.WIRE_MAX_IMAGE_BYTES, accept="image/*")
    try:
        with Image.open(BytesIO(fetched.content)) as image:
            image.verify()
            extension = IMAGE_FORMATS.get(image.format or "")
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, bomb errors)
        raise FetchError("the photo is not an image") from None
    if not extension:
        raise FetchError("the photo is in an unsupported format")
    stem = slugify(PurePosixPath(urlsplit(fetched.url).path).stem)[:60] or "photo"
    return ContentFile(fetched.content, name=f"{stem}.{extension}")
