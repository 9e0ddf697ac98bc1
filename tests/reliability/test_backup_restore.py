"""A backup taken while readers post restores into a fresh clone exactly as it was taken:
the same rows to the microsecond, every comment with its thread row and moderation record,
the media files; damaged archives and databases in use are refused with one clear line.

The round trip runs on the database of the run (SQLite, or PostgreSQL in CI's PostgreSQL
run): a copy of the test database is the "site", written to by a separate process posting
through the comment service from several threads, while `manage.py backup` runs as it
would from cron; `manage.py restore` then fills a fresh, empty database.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from blog.backups import MANIFEST
from tests.factories import post

PROJECT = Path(__file__).resolve().parents[2]
WRITERS = 4
# Comments in the site before the backup starts, and at most per writer (bounds the test).
POSTED_BEFORE_BACKUP = 12
MOST_PER_WRITER = 150

WRITER_SCRIPT = """
import sys, threading, time
from pathlib import Path
from django.db import connection
from blog.models import Article
from comments.discussion.services import comment_post
from tests.factories import submission

stop = Path({stop!r})
article = Article.objects.get(pk={article})
errors = []

def write(writer):
    posted, top_level = [], []

    def post_one():
        n = len(posted)
        # A quarter are replies to this writer's latest top-level comment.
        parent = top_level[-1] if top_level and n % 4 == 3 else None
        comment = comment_post(submission=submission(
            article, parent=parent, name=f"Writer {{writer}}",
            email=f"writer{{writer}}@example.org", text=f"Comment {{n}} of writer {{writer}}.",
        )).comment
        posted.append(comment)
        if parent is None:
            top_level.append(comment)

    try:
        while not stop.exists() and len(posted) < {most}:
            post_one()
            # A breath between comments leaves the backup some of the machine's two cores.
            time.sleep(0.01)
        # One more once the backup is done: the site goes on changing after the snapshot.
        post_one()
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(w,)) for w in range({writers})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
sys.exit("; ".join(errors) or None)
"""


@dataclass
class Database:
    """A database of the run's vendor that other processes reach through DATABASE_URL."""

    vendor: str
    url: str
    path: Path | None = None  # SQLite's file
    name: str = ""  # PostgreSQL's database

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            database = sqlite3.connect(self.path)
            try:
                return database.execute(sql).fetchall()
            finally:
                database.close()
        with psycopg.connect(**pg_params(self.name)) as database:
            return database.execute(sql).fetchall()


def pg_params(name: str) -> dict:
    settings = connection.settings_dict
    params = {
        "dbname": name,
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    return {key: value for key, value in params.items() if value}


def pg_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST'] or 'localhost'}{port}/{name}"


def pg_admin(sql: str, params=None) -> None:
    with psycopg.connect(**pg_params("postgres"), autocommit=True) as admin:
        admin.execute(sql, params)


@pytest.fixture
def site_and_clone(tmp_path):
    """Makes (site, clone): the site a copy of the test database as it is then (migrated,
    with what the test stored), the clone an empty database of the same vendor."""
    created = []

    def make():
        if connection.vendor == "sqlite":
            site, clone = tmp_path / "site.sqlite3", tmp_path / "clone.sqlite3"
            copy = sqlite3.connect(site)
            connection.ensure_connection()
            connection.connection.backup(copy)
            copy.close()
            return (
                Database("sqlite", f"sqlite:///{site}", path=site),
                Database("sqlite", f"sqlite:///{clone}", path=clone),
            )
        test_name = connection.settings_dict["NAME"]
        site, clone = f"{test_name}_site", f"{test_name}_clone"
        created.extend([site, clone])
        for name in created:
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # A template must have no other sessions: ours reconnects when next needed, and one
        # an earlier test's thread left open (this worker's own database) is ended.
        connection.close()
        pg_admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [test_name],
        )
        pg_admin(f'CREATE DATABASE "{site}" TEMPLATE "{test_name}"')
        pg_admin(f'CREATE DATABASE "{clone}"')
        return tuple(Database("postgresql", pg_url(name), name=name) for name in (site, clone))

    yield make
    for name in created:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage_env(database: Database, media_root: Path) -> dict:
    return os.environ | {
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(media_root),
        "SECRET_KEY": "backup-test",
        "COMMENTS_RATE_PER_IP": "0",
        "COMMENTS_RATE_PER_AUTHOR": "0",
        "COMMENTS_MIN_SUBMIT_SECONDS": "0",
    }


def manage(*args, database: Database, media_root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=PROJECT,
        env=manage_env(database, media_root),
        capture_output=True,
        text=True,
        timeout=300,
    )


def comments_in(database: Database) -> int:
    return database.query("SELECT COUNT(*) FROM django_comments")[0][0]


def wait_for_comments(database: Database, count: int, writer: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120  # a bound on a stuck writer, not a measurement
    while comments_in(database) < count:
        assert writer.poll() is None, writer.communicate()
        assert time.monotonic() < deadline, "the writers posted nothing"
        time.sleep(0.1)


def dump_hash(database: Database, snapshot: Path) -> tuple[str, str]:
    """SHA-256 of the archive's database and of the restored one, each as its vendor's
    dump (SQLite's SQL dump of schema and rows; pg_dump's rows and sequences, comments and
    the random `\\restrict` keys of newer versions left out)."""
    if database.vendor == "sqlite":

        def sqlite_dump(path):
            source = sqlite3.connect(path)
            try:
                return "\n".join(source.iterdump())
            finally:
                source.close()

        return (
            hashlib.sha256(sqlite_dump(snapshot).encode()).hexdigest(),
            hashlib.sha256(sqlite_dump(database.path).encode()).hexdigest(),
        )
    env = os.environ | {"PGHOST": connection.settings_dict["HOST"] or "localhost"}
    env |= {
        "PGUSER": connection.settings_dict["USER"],
        "PGPORT": str(connection.settings_dict["PORT"] or 5432),
    }
    # The rows (and sequences): PostgreSQL may print a restored index's predicate in another,
    # equivalent form, so the schema is not compared as text.
    common = ["--data-only", "-f", "-"]
    from_archive = subprocess.run(
        ["pg_restore", *common, str(snapshot)], env=env, capture_output=True, text=True, check=True
    ).stdout
    from_clone = subprocess.run(
        ["pg_dump", *common, database.name], env=env, capture_output=True, text=True, check=True
    ).stdout

    def normalised(dump):
        """Each table's rows (and each sequence's value) in a fixed order: pg_dump orders
        tables with equal dependencies by their internal ids, which a restore changes."""
        tables, statements, rows = [], [], None
        for line in dump.splitlines():
            if rows is not None:
                if line == "\\.":
                    tables.append("\n".join(sorted(rows)))
                    rows = None
                else:
                    rows.append(line)
            elif line.startswith("COPY "):
                rows = [line]
            elif line and not line.startswith(("--", "\\restrict", "\\unrestrict")):
                statements.append(line)
        return "\n\n".join(sorted(tables) + sorted(statements))

    return (
        hashlib.sha256(normalised(from_archive).encode()).hexdigest(),
        hashlib.sha256(normalised(from_clone).encode()).hexdigest(),
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_readers_post_restores_identically_in_a_fresh_clone(
    site_and_clone, tmp_path, article, make_image, settings
):
    photo = make_image(name="press-conference.jpg")
    media_files = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    post(article, text="The first comment, before any backup.")
    site, clone = site_and_clone()
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            WRITER_SCRIPT.format(
                stop=str(stop), article=article.pk, most=MOST_PER_WRITER, writers=WRITERS
            ),
        ],
        cwd=PROJECT,
        env=manage_env(site, settings.MEDIA_ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_comments(site, POSTED_BEFORE_BACKUP, writer)
        backup = manage(
            "backup", "--dir", tmp_path / "backups", database=site, media_root=settings.MEDIA_ROOT
        )
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    assert backup.returncode == 0, backup.stderr
    (archive,) = (tmp_path / "backups").glob("wirepress-*.tar.gz")
    assert f"to {archive} (" in backup.stdout
    assert archive.stat().st_mode & 0o077 == 0  # email addresses, password hashes

    restored = manage("restore", archive, database=clone, media_root=tmp_path / "clone-media")
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(
        f"Restored the {'SQLite' if site.vendor == 'sqlite' else 'PostgreSQL'} database of "
    )

    # The clone is the snapshot, byte for byte in its dump.
    with tarfile.open(archive) as tar:
        members = tar.getnames()
        manifest = json.load(tar.extractfile(MANIFEST))
        tar.extractall(tmp_path / "archive", filter="data")
    snapshot = tmp_path / "archive" / manifest["database"]["member"]
    archive_hash, clone_hash = dump_hash(clone, snapshot)
    assert archive_hash == clone_hash

    # Taken in the middle of the posting: more than before it, fewer than after it.
    in_clone = comments_in(clone)
    assert POSTED_BEFORE_BACKUP <= in_clone < comments_in(site)
    # Every comment has its thread row and moderation record; every thread its first comment.
    assert clone.query(
        "SELECT COUNT(*) FROM django_comments c LEFT JOIN django_comments_xtd_xtdcomment x "
        "ON x.comment_ptr_id = c.id WHERE x.comment_ptr_id IS NULL"
    ) == [(0,)]
    assert clone.query(
        "SELECT COUNT(*) FROM django_comments_xtd_xtdcomment x LEFT JOIN "
        "comments_commentmoderation m ON m.comment_id = x.comment_ptr_id "
        "WHERE m.comment_id IS NULL"
    ) == [(0,)]
    assert clone.query(
        "SELECT COUNT(*) FROM comments_commentmoderation m LEFT JOIN "
        "django_comments_xtd_xtdcomment x ON x.comment_ptr_id = m.comment_id "
        "WHERE x.comment_ptr_id IS NULL"
    ) == [(0,)]
    assert clone.query(
        "SELECT COUNT(*) FROM django_comments_xtd_xtdcomment x LEFT JOIN "
        "django_comments_xtd_xtdcomment t ON t.comment_ptr_id = x.thread_id "
        "WHERE t.comment_ptr_id IS NULL"
    ) == [(0,)]
    # Times to the microsecond, as the site stored them.
    times_sql = "SELECT id, submit_date FROM django_comments ORDER BY id"
    restored_times = clone.query(times_sql)
    site_times = dict(site.query(times_sql))
    assert restored_times == [(pk, site_times[pk]) for pk, _ in restored_times]
    assert any(str(when)[19:20] == "." for _, when in restored_times)

    # The media files, byte for byte, listed in the manifest with their SHA-256.
    for path in media_files:
        name = path.relative_to(settings.MEDIA_ROOT)
        assert f"media/{name.as_posix()}" in members
        assert (tmp_path / "clone-media" / name).read_bytes() == path.read_bytes()
    assert (tmp_path / "clone-media" / photo.file.name).is_file()
    assert (
        manifest["files"][f"media/{photo.file.name}"]["sha256"]
        == hashlib.sha256((Path(settings.MEDIA_ROOT) / photo.file.name).read_bytes()).hexdigest()
    )
    assert manifest["database"]["vendor"] == site.vendor
    assert "0007_" in " ".join(manifest["migrations"]["comments"])

    # Over the site itself, which went on changing: only with --force, and then it is the
    # snapshot again (the comments posted after the backup are gone).
    over_site = manage("restore", archive, "--force", database=site, media_root=settings.MEDIA_ROOT)
    assert over_site.returncode == 0, over_site.stderr
    assert comments_in(site) == in_clone
    assert dump_hash(site, snapshot)[1] == archive_hash


@pytest.fixture
def archive(transactional_db, article, tmp_path, settings):
    """An archive of the test database, with one comment and one media file (committed:
    SQLite cannot copy a database from a connection inside a write transaction)."""
    post(article, text="A comment that is in the backup.")
    (Path(settings.MEDIA_ROOT) / "images").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "images" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    call_command("backup", dir=tmp_path / "backups", stdout=io.StringIO())
    (path,) = (tmp_path / "backups").glob("wirepress-*.tar.gz")
    return path


def test_a_truncated_archive_is_refused_with_one_line_and_nothing_restored(archive, tmp_path):
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    fresh = Database(
        "sqlite", f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path / "fresh.sqlite3"
    )

    result = manage("restore", truncated, database=fresh, media_root=tmp_path / "fresh-media")

    assert result.returncode == 1
    assert result.stderr.startswith(
        "CommandError: truncated.tar.gz cannot be read (damaged or truncated): "
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not fresh.path.exists()
    assert not (tmp_path / "fresh-media").exists()


def test_a_missing_archive_is_named_in_one_line(db, tmp_path):
    with pytest.raises(CommandError, match=r"^no backup archive at .*missing\.tar\.gz$"):
        call_command("restore", tmp_path / "missing.tar.gz")


def test_an_archive_whose_file_differs_from_its_checksum_is_refused(archive, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "media/images/photo.jpg":
                data = data.replace(b"photo", b"phono")
            target.addfile(member, io.BytesIO(data))

    with pytest.raises(CommandError, match="media/images/photo.jpg does not match its SHA-256"):
        call_command("restore", tampered)


def test_an_archive_that_is_not_a_backup_is_refused(db, tmp_path):
    stranger = tmp_path / "stranger.tar.gz"
    with tarfile.open(stranger, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("etc/passwd"), io.BytesIO(b""))

    with pytest.raises(CommandError, match="is not a Wirepress backup: unexpected member"):
        call_command("restore", stranger)


def test_restore_refuses_to_overwrite_a_database_that_is_not_empty(archive, article):
    later = post(article, text="A comment posted after the backup.")

    with pytest.raises(CommandError, match="is not empty: .* add --force to overwrite it"):
        call_command("restore", archive)

    assert type(later).objects.filter(pk=later.pk).exists()


def test_backup_keep_deletes_the_older_archives_only(archive, tmp_path):
    backups = tmp_path / "backups"
    (backups / "notes.txt").write_text("not a backup")
    made = [archive.name]
    for _ in range(3):
        out = io.StringIO()
        call_command("backup", dir=backups, keep=2, stdout=out)
        made.append(Path(out.getvalue().split(" to ")[1].split(" (")[0]).name)

    assert sorted(path.name for path in backups.iterdir()) == ["notes.txt", *made[-2:]]


def test_backup_keep_must_be_at_least_one(db, tmp_path):
    with pytest.raises(CommandError, match="--keep must be at least 1, not 0"):
        call_command("backup", dir=tmp_path, keep=0)
