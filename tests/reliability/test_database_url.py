"""A wrong or unreachable DATABASE_URL stops manage.py (and so `make run`) with one line that
names the variable, not a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port

PROJECT = Path(__file__).resolve().parents[2]


def manage(*args, database_url):
    env = os.environ | {"DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("command", [["migrate", "--noinput"], ["db_worker"]])
def test_an_unreachable_database_is_one_line_naming_the_variable(command):
    port = free_port()
    result = manage(*command, database_url=f"postgres://postgres@127.0.0.1:{port}/wirepress")
    assert result.returncode == 1
    # The worker says it is starting first; then the one line, and nothing after it.
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(
        f"DATABASE_URL: cannot connect to the database at 127.0.0.1:{port}/wirepress: "
    )
    assert "Connection refused" in message
    assert "Traceback" not in result.stderr


def test_a_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path):
    path = tmp_path / "missing-folder" / "db.sqlite3"
    result = manage("migrate", "--noinput", database_url=f"sqlite:///{path}")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"DATABASE_URL: cannot connect to the database at {path}: unable to open database file"
    )


def test_a_malformed_database_url_is_one_line_naming_the_variable():
    result = manage("migrate", database_url="postgress://127.0.0.1/wirepress")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Configuration error: DATABASE_URL is not a database URL: Scheme 'postgress://' is unknown."
    )
    assert len(result.stderr.strip().splitlines()) == 1
