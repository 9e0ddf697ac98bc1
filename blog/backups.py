"""Backups: one archive holding a consistent copy of the database, the media files and a
manifest; and restoring such an archive into a fresh clone (README "Backups").

The copy is taken while the site runs. SQLite is copied with its online backup API (one
read transaction, so one moment of the database); PostgreSQL with `pg_dump -Fc` (one
snapshot). `dumpdata` is not used: it reads table after table while readers post, and it
loses microseconds.

An archive (`wirepress-YYYYMMDD-HHMMSS-ffffff.tar.gz`) holds `database.sqlite3` or
`database.pgdump`, `media/...` and `manifest.json`: the format version, the database
vendor, the applied migrations, when it was made, and the size and SHA-256 of every other
member. A restore checks all of it before it touches the database.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

FORMAT = "wirepress-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
ARCHIVE_PREFIX = "wirepress-"
ARCHIVE_SUFFIX = ".tar.gz"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupResult:
    archive: Path
    vendor: str
    database_bytes: int
    media_files: int
    archive_bytes: int
    seconds: float
    pruned: tuple[Path, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    vendor: str
    created: str
    database_bytes: int
    media_files: int
    seconds: float
    # Migrations this code has that the backup's database had not applied yet.
    migrations_to_apply: int


def backup_create(
    *, backup_dir: Path, media_root: Path, keep: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> BackupResult:
    """Write one archive of the database `using` and of `media_root` into `backup_dir`; then,
    with `keep`, delete the older archives beyond the newest `keep`."""
    started = time.monotonic()
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    if keep is not None and keep < 1:
        raise BackupError(f"--keep must be at least 1, not {keep}")
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"BACKUP_DIR {backup_dir} cannot be made: {_first_line(exc)}") from None
    created = datetime.datetime.now(datetime.UTC)
    archive = backup_dir / f"{ARCHIVE_PREFIX}{created:%Y%m%d-%H%M%S-%f}{ARCHIVE_SUFFIX}"
    # Written under a hidden name and renamed when complete: an interrupted backup never
    # looks like one (and retention never counts it).
    partial = backup_dir / f".{archive.name}.partial"
    with tempfile.TemporaryDirectory(prefix="wirepress-backup-") as staging:
        database_file = Path(staging) / DATABASE_MEMBER[vendor]
        if vendor == "sqlite":
            _sqlite_copy(connection, database_file)
            migrations = _sqlite_migrations(database_file)
        else:
            migrations = _applied_migrations(connection)
            _pg_dump(connection.settings_dict, database_file)
        files = {}
        try:
            # Readable by its owner only: it holds email addresses and password hashes.
            partial.touch(mode=0o600)
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                files[database_file.name] = _add_file(tar, database_file, database_file.name)
                media_files = 0
                for path in _media_files(media_root, skip=backup_dir):
                    name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                    files[name] = _add_file(tar, path, name)
                    media_files += 1
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created": created.isoformat(),
                    "database": {"vendor": vendor, "member": database_file.name},
                    "migrations": migrations,
                    "files": files,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
            os.replace(partial, archive)
        except OSError as exc:
            raise BackupError(
                f"cannot write the archive in {backup_dir}: {_first_line(exc)}"
            ) from None
        finally:
            partial.unlink(missing_ok=True)
    pruned = backup_prune(backup_dir=backup_dir, keep=keep) if keep else ()
    return BackupResult(
        archive=archive,
        vendor=vendor,
        database_bytes=files[database_file.name]["bytes"],
        media_files=media_files,
        archive_bytes=archive.stat().st_size,
        seconds=time.monotonic() - started,
        pruned=pruned,
    )


def backup_prune(*, backup_dir: Path, keep: int) -> tuple[Path, ...]:
    """Delete the archives in `backup_dir` older than the newest `keep` (their names sort by
    time); returns the deleted paths. Other files are left alone."""
    archives = sorted(backup_dir.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))
    old = tuple(archives[:-keep]) if keep else tuple(archives)
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_restore(
    *, archive: Path, media_root: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Put the database and media files of `archive` back. The archive is read and checked
    in full first; a database or media folder that is not empty is only overwritten with
    `force`. The database is replaced in one transaction: it is never left half restored."""
    started = time.monotonic()
    connection = connections[using]
    if not archive.is_file():
        raise BackupError(f"no backup archive at {archive}")
    with tempfile.TemporaryDirectory(prefix="wirepress-restore-") as staging:
        manifest = _extract_checked(archive, Path(staging))
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"{archive.name} holds a {VENDOR_NAMES.get(vendor, vendor)} database; "
                f"DATABASE_URL is {VENDOR_NAMES.get(connection.vendor, connection.vendor)}"
            )
        database_file = Path(staging) / manifest["database"]["member"]
        media_names = [name for name in manifest["files"] if name.startswith(MEDIA_PREFIX)]
        if not force:
            if _database_has_tables(connection):
                raise BackupError(
                    "the database DATABASE_URL names is not empty: restore into a fresh one, "
                    "or add --force to overwrite it"
                )
            if any(_media_files(media_root)):
                raise BackupError(
                    f"MEDIA_ROOT ({media_root}) is not empty: restore into a fresh clone, "
                    "or add --force to overwrite its files"
                )
        if vendor == "sqlite":
            _sqlite_restore(database_file, connection)
        else:
            _pg_restore(database_file, connection)
        for name in media_names:
            target = media_root / name.removeprefix(MEDIA_PREFIX)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(Path(staging) / name, partial)
            os.replace(partial, target)
    return RestoreResult(
        vendor=vendor,
        created=manifest["created"],
        database_bytes=manifest["files"][database_file.name]["bytes"],
        media_files=len(media_names),
        seconds=time.monotonic() - started,
        migrations_to_apply=_migrations_to_apply(manifest["migrations"]),
    )


# --- Taking the copy ---------------------------------------------------------------------


def _sqlite_copy(connection, destination: Path) -> None:
    """SQLite's online backup, in one step: one read transaction, so the copy is the
    database as it was at one moment, whatever writers do meanwhile."""
    connection.ensure_connection()
    copy = sqlite3.connect(destination)
    try:
        connection.connection.backup(copy)
        # One self-contained file in the archive (the site's database runs in WAL mode).
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the database: {exc}") from None
    finally:
        copy.close()


def _sqlite_migrations(path: Path) -> dict[str, list[str]]:
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = database.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    except sqlite3.DatabaseError:
        rows = []
    finally:
        database.close()
    return _group_migrations(rows)


def _applied_migrations(connection) -> dict[str, list[str]]:
    if "django_migrations" not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        return _group_migrations(cursor.fetchall())


def _group_migrations(rows) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for app, name in rows:
        grouped.setdefault(app, []).append(name)
    return grouped


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for the database, so no password appears in a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": settings_dict.get("OPTIONS", {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run_pg_tool(args: list[str], settings_dict: dict) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(
            f"{args[0]} was not found: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client)"
        )
    result = subprocess.run(  # noqa: S603 (fixed program, arguments of our own)
        [tool, *args[1:]],
        env=_pg_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        reason = next((line for line in errors if "error" in line.lower()), None)
        raise BackupError(f"{args[0]} failed: {reason or (errors[0] if errors else '?')}")


def _pg_dump(settings_dict: dict, destination: Path) -> None:
    # -Fc: pg_dump's own compressed format, read by pg_restore; one snapshot of the database.
    _run_pg_tool(["pg_dump", "--format=custom", f"--file={destination}"], settings_dict)


def _media_files(media_root: Path, skip: Path | None = None):
    """Every file under MEDIA_ROOT (none if it does not exist), in a stable order; names
    starting with a dot (partial files, editors' swap files) and the folder `skip` (the
    archives themselves, were BACKUP_DIR inside MEDIA_ROOT) are left out."""
    if not media_root.is_dir():
        return
    skip = skip.resolve() if skip else None
    for folder, dirs, names in os.walk(media_root):
        dirs[:] = sorted(
            name
            for name in dirs
            if not name.startswith(".") and (Path(folder) / name).resolve() != skip
        )
        for name in sorted(names):
            path = Path(folder) / name
            if not name.startswith(".") and path.is_file() and not path.is_symlink():
                yield path


class _HashingReader:
    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    """Add `path` as `name`, hashing what is written (not a second read of the file)."""
    info = tar.gettarinfo(path, arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as file:
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"bytes": info.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


# --- Checking and restoring ------------------------------------------------------------


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and (name == MANIFEST or name in DATABASE_MEMBER.values() or name.startswith(MEDIA_PREFIX))
    )


def _extract_checked(archive: Path, staging: Path) -> dict:
    """Extract `archive` into `staging`, hashing every member, and return its manifest once
    every member it lists is there, complete, and with its SHA-256."""
    hashes: dict[str, dict] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(
                        f"{archive.name} is not a Wirepress backup: unexpected member "
                        f"{member.name!r}"
                    )
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                hashes[member.name] = {"bytes": target.stat().st_size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(
            f"{archive.name} cannot be read (damaged or truncated): {_first_line(exc)}"
        ) from None
    except OSError as exc:
        raise BackupError(f"{archive.name} cannot be unpacked: {_first_line(exc)}") from None
    if MANIFEST not in hashes:
        raise BackupError(f"{archive.name} is damaged or incomplete: it has no manifest")
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
        vendor = manifest["database"]["vendor"]
        listed = manifest["files"]
        complete = {"migrations", "created"} <= manifest.keys()
    except (ValueError, KeyError, TypeError):
        complete = False
    if not complete:
        raise BackupError(f"{archive.name} has a manifest that cannot be read")
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{archive.name} is not a Wirepress backup of format version {FORMAT_VERSION}"
        )
    if manifest["database"].get("member") != DATABASE_MEMBER.get(vendor):
        raise BackupError(f"{archive.name} has a manifest that cannot be read")
    del hashes[MANIFEST]
    for name, expected in listed.items():
        if name not in hashes:
            raise BackupError(f"{archive.name} is incomplete: {name} is missing")
        if hashes[name] != expected:
            raise BackupError(f"{archive.name} is damaged: {name} does not match its SHA-256")
    if unlisted := sorted(set(hashes) - set(listed)):
        raise BackupError(f"{archive.name} holds {unlisted[0]}, which its manifest does not list")
    return manifest


def _database_has_tables(connection) -> bool:
    return bool(connection.introspection.table_names())


def _sqlite_restore(source_file: Path, connection) -> None:
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("the archive's SQLite database fails its integrity check")
        connection.ensure_connection()
        # The backup API writes the whole copy in one transaction of the destination: other
        # connections see the old database or the new one, never a mixture, and an error
        # leaves the old one as it was.
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not restore the database: {exc}") from None
    finally:
        source.close()


def _pg_restore(dump_file: Path, connection) -> None:
    settings_dict = connection.settings_dict
    # pg_restore works on its own connection; ours would hold locks it waits for.
    connection.close()
    _run_pg_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            # All or nothing: an error rolls the whole restore back.
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(dump_file),
        ],
        settings_dict,
    )


def _migrations_to_apply(applied: dict[str, list[str]]) -> int:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = {(app, name) for app, names in applied.items() for name in names}
    return len(set(loader.disk_migrations) - done)
