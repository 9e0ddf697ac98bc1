"""Start-up configuration: bad environment values stop the process with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(env, *args):
    return run_manage(env, "check", *args)


def run_manage(env, *args):
    """`manage.py *args` in a fresh process whose environment adds `env`."""
    environ = {
        key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environ, "SECRET_KEY": "k7#Qz!p2@Lm9$Wv4^Rt8&Yb1*Nc6(Hd3)Jf5-Gs0+Ux" * 2, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense://"),
        ("DATABASE_REPLICA_URL", "nonsense://"),
        ("DATABASE_REPLICA_STICKY_SECONDS", "0"),
        ("EMAIL_URL", "carrier-pigeon://"),
        ("DATABASE_CONN_MAX_AGE", "forever"),
        ("SITE_URL", "https://news.example.org/news/"),
        ("SITE_DOMAIN", "news.example.org"),
        ("COMMENTS_PAGE_SIZE", "-5"),
        ("COMMENTS_PAGE_ORDER", "random"),
    ],
)
def test_a_bad_value_names_the_variable(name, value):
    result = run_check({name: value})
    assert result.returncode != 0
    # One line that names the variable (manage.py), not a traceback.
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Configuration error: ")
    assert name in result.stderr.strip()
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_settings_pass_the_deployment_check():
    result = run_check(
        {"DEBUG": "false", "HTTPS": "true", "ALLOWED_HOSTS": "news.example.org"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
