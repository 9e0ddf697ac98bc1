"""An uploaded export kept between the admin's dry run and the import an editor confirms:
a file under a random name in the temporary folder (`WORDPRESS_IMPORT_DIR`), found again by
that name only, and removed once imported or after `STAGED_HOURS`; beside it, the import's
status (queued, its progress, its summary) for the admin's progress page. The folder must
be shared by the web processes and the task worker."""

import json
import os
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
    for old in [*folder.glob("*.xml"), *folder.glob("*.json")]:
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


def status_write(token: str, **status) -> None:
    """Record how the import of `token` is going (read by the admin's progress page, in
    the web process, while the task worker imports): a small JSON file beside the export,
    replaced whole so a reader never sees half of it."""
    if not _TOKEN.fullmatch(token or ""):
        raise ValueError("not a staging token")
    folder = _folder()
    partial = folder / f"{token}.json.part"
    partial.write_text(json.dumps(status), encoding="utf-8")
    os.replace(partial, folder / f"{token}.json")


def status_read(token: str) -> dict | None:
    """What `status_write` last recorded for `token`, or None (unknown or malformed)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        return json.loads((_folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def staged_import(*, token: str, options: dict, editor_id: int | None) -> dict:
    """Import the staged export `token` (the admin's options: file name, author map,
    pingbacks, dry_run), recording its progress and then its summary or its error with
    `status_write`. A dry run that succeeds leaves the file staged for the import ("checked",
    with the options to confirm); otherwise the staged file is removed at the end. Returns
    the last status."""
    from django.contrib.auth import get_user_model

    from blog.wordpress.importer import wordpress_import
    from blog.wordpress.parse import WXRError

    name = options.get("name", "")
    dry_run = bool(options.get("dry_run"))
    path = export_staged(token)
    if path is None:
        status = {"state": "failed", "name": name, "error": "The uploaded file is gone."}
        status_write(token, **status)
        return status

    def progress(read: int, size: int, summary) -> None:
        status_write(
            token,
            state="running",
            name=name,
            dry_run=dry_run,
            percent=min(100, round(100 * read / size)) if size else 0,
            posts=summary.counts["posts"]["created"] + summary.counts["posts"]["updated"],
            comments=summary.counts["comments"]["created"],
        )

    editor = get_user_model().objects.filter(pk=editor_id).first() if editor_id else None
    status_write(token, state="running", name=name, dry_run=dry_run, percent=0, posts=0, comments=0)
    keep = False
    try:
        summary = wordpress_import(
            source=str(path),
            dry_run=dry_run,
            author_map=options.get("author_map") or {},
            pingbacks=options.get("pingbacks", False),
            editor=editor,
            progress=progress,
        )
    except WXRError as exc:  # not a complete export (or changed since its dry run)
        status = {"state": "failed", "name": name, "error": f"{exc}. Nothing was imported."}
    except Exception:
        status_write(
            token,
            state="failed",
            name=name,
            error="The import failed (see the server log). Nothing was imported.",
        )
        raise
    else:
        status = {"state": "done", "name": name, "summary": summary.to_dict()}
        if dry_run:
            keep = True
            confirm = {key: value for key, value in options.items() if key != "dry_run"}
            status |= {"state": "checked", "options": {**confirm, "token": token}}
    finally:
        if not keep:
            export_unstage(token)
    status_write(token, **status)
    return status
