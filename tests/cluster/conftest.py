"""Fixtures for several nodes on one machine: commands run as separate processes against
the test database, as another node's would."""

import os
import signal
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
    """node(name, *manage.py arguments, **env) -> a started process of that node, in a
    working directory of its own. node(name, *args, program=[...]) runs another program
    (gunicorn), its output going to files in that directory."""
    started = []

    def start(name, *args, program=None, **env):
        workdir = tmp_path / name
        workdir.mkdir(exist_ok=True)
        output = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        if program:
            output = {
                "stdout": open(workdir / "out.log", "a"),  # noqa: SIM115 - closed with the process
                "stderr": open(workdir / "err.log", "a"),  # noqa: SIM115
            }
        process = subprocess.Popen(
            [*program, *args] if program else [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=workdir,
            # Its own process group: gunicorn's workers are stopped with it.
            start_new_session=True,
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
            text=True,
            **output,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files, collected once for the nodes of every test (as `make run` does)."""
    folder = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env={**os.environ, "STATIC_ROOT": str(folder), "SECRET_KEY": "cluster-test"},
        check=True,
        timeout=300,
    )
    return folder


@pytest.fixture
def web_node(node, worker_id, static_root):
    """web_node(name, **env) -> the address of a gunicorn node serving the test database,
    once its /healthz answers 200 (ports 8350-8369, two per xdist worker)."""
    import time

    import requests

    count = iter(range(2))
    offset = 2 * (int(worker_id.removeprefix("gw")) if worker_id != "master" else 0)

    def start(name, **env):
        port = 8350 + offset + next(count)
        process = node(
            name,
            "blog.wsgi",
            "--pythonpath",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            program=[sys.executable, "-m", "gunicorn"],
            ALLOWED_HOSTS="127.0.0.1",
            STATIC_ROOT=str(static_root),
            **env,
        )
        address = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, (ROOT, name, "exited")
            try:
                if requests.get(f"{address}/healthz", timeout=10).status_code == 200:
                    return address
            except requests.RequestException:  # not listening yet, or still loading
                pass
            time.sleep(0.2)
        raise AssertionError(f"{name} did not become healthy on {address}")

    return start


def finished(process, timeout=120) -> str:
    """The process's output once it exited; fails the test with its errors otherwise."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


# --- Object storage shared by the nodes: moto's S3 server on loopback -----------------------

S3_PORT = 8390
S3_REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_server(worker_id):
    """An S3-compatible server (moto's server mode) on 127.0.0.1:8390 (8391... for the other
    xdist workers), for the whole run; each test gets a bucket of its own."""
    from moto.server import ThreadedMotoServer

    port = S3_PORT + (int(worker_id.removeprefix("gw")) if worker_id != "master" else 0)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_environment(endpoint: str, bucket: str) -> dict:
    """The variables an operator sets on every node (README, "Running several nodes")."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": S3_REGION,
        "AWS_ACCESS_KEY_ID": "wirepress-test",
        "AWS_SECRET_ACCESS_KEY": "wirepress-test-secret",
    }


def public_read_policy(bucket: str) -> str:
    """Readers fetch media straight from the bucket: anyone may read, only the nodes write
    (the README's policy)."""
    import json

    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadMedia",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


@pytest.fixture
def shared_bucket(s3_server, settings, monkeypatch):
    """A fresh bucket, and this process's default storage pointed at it, as blog/settings.py
    configures it from the environment."""
    import uuid

    import boto3

    bucket = f"media-{uuid.uuid4().hex[:12]}"
    environment = s3_environment(s3_server, bucket)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name=S3_REGION)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_S3_REGION_NAME = S3_REGION
    settings.AWS_S3_CUSTOM_DOMAIN = None
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    return environment
