"""The nginx micro-cache, as README "nginx in front" gives it and as deploy/nginx/wirepress.conf
ships it for several nodes, run with Debian's nginx in front of the live site: anonymous
readers share one copy a second, and a reader with a session, remembered details or a POST
just made goes straight through."""

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port
from tests.factories import add_comment

ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
MAIN = """
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
{user}
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/wirepress.conf;
}}
"""


def readme_config() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**nginx in front**") :]
    return re.search(r"```nginx\n(.*?)```", section, re.S)[1]


@pytest.fixture(params=["README.md", "deploy/nginx/wirepress.conf"])
def proxy(request, live_server, tmp_path):
    """That config with the live site as its node; returns nginx's address."""
    node = live_server.url.removeprefix("http://")
    if request.param == "README.md":
        site = readme_config().replace("127.0.0.1:8000", node)
    else:
        site = (ROOT / request.param).read_text()
        site = re.sub(r"server 10\.0\.0\.11:8000[^;]*;", f"server {node};", site)
        site = re.sub(r"\n\s*server 10\.0\.0\.12:8000[^;]*;", "", site)
    site = site.replace("/var/cache/nginx/wirepress", str(tmp_path / "cache"))
    port = free_port()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    (tmp_path / "wirepress.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(MAIN.format(folder=tmp_path, user=user))
    nginx = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf")])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert nginx.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def test_anonymous_readers_share_one_copy(proxy, demo):
    first = requests.get(proxy + demo.get_absolute_url(), timeout=10)
    second = requests.get(proxy + demo.get_absolute_url(), timeout=10)
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert second.content == first.content
    assert demo.title in second.text


@pytest.mark.parametrize("cookie", ["sessionid=abc", "comment_author=abc", "fresh=1"])
def test_a_reader_with_a_session_or_a_fresh_post_goes_straight_through(proxy, demo, cookie):
    requests.get(proxy + demo.get_absolute_url(), timeout=10)  # a copy is kept
    response = requests.get(proxy + demo.get_absolute_url(), headers={"Cookie": cookie}, timeout=10)
    assert response.headers["X-Cache"] == "BYPASS"


def test_a_new_comment_reaches_anonymous_readers_through_the_proxy(proxy, demo):
    assert requests.get(proxy + demo.get_absolute_url(), timeout=10).status_code == 200
    add_comment(demo, "Seen through nginx.")
    # The copy lives one second (s-maxage=1); a stale one is served only while it is fetched.
    deadline = time.monotonic() + 5
    while (
        "Seen through nginx." not in requests.get(proxy + demo.get_absolute_url(), timeout=10).text
    ):
        assert time.monotonic() < deadline, "the proxy kept serving the page without the comment"
        time.sleep(0.2)
