"""Fixtures for several nodes on one machine: commands run as separate processes against
the test database, as another node's would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, as a URL another process can open (PostgreSQL: SQLite's test
    database lives in this process's memory)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def node(tmp_path):
    """node(name, *manage.py arguments, **env) -> a started process of that node."""
    started = []

    def start(name, *args, **env):
        workdir = tmp_path / name
        workdir.mkdir(exist_ok=True)
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=workdir,
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "NODE_NAME": name,
                "SECRET_KEY": "cluster-test",
                "SITE_URL": "http://testserver",
                "MEDIA_ROOT": str(workdir / "media"),
                "LOG_LEVEL": "WARNING",
                **env,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def finished(process, timeout=120) -> str:
    """The process's output once it exited; fails the test with its errors otherwise."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out
