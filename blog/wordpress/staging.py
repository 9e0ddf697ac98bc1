"""An uploaded export kept between the admin's dry run and the import an editor confirms:
a file under a random name in the temporary folder (`WORDPRESS_IMPORT_DIR`), found again by
that name only, and removed once imported or after `STAGED_HOURS`."""

import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

STAGED_HOURS = 24
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _folder() -> Path:
    folder = Path(
        getattr(settings, "WORDPRESS_IMPORT_DIR", "")
        or Path(tempfile.gettempdir()) / "wirepress-wordpress"
    )
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def export_stage(upload) -> str:
    """Keep `upload` (an UploadedFile); returns the token that finds it again."""
    folder = _folder()
    cutoff = time.time() - STAGED_HOURS * 3600
    for old in folder.glob("*.xml"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    with open(folder / f"{token}.xml", "wb") as staged:
        for chunk in upload.chunks():
            staged.write(chunk)
    return token


def export_staged(token: str) -> Path | None:
    """The staged file of `token`, or None (an unknown, expired or malformed token)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _folder() / f"{token}.xml"
    return path if path.is_file() else None


def export_unstage(token: str) -> None:
    path = export_staged(token)
    if path is not None:
        path.unlink(missing_ok=True)
