"""Pages under load (`make bench-pages`, outside CI, a few minutes), all in one run on this
machine, gunicorn with 2 workers (as `make run`) on a fresh SQLite database:

Table A, wrk with the same threads and connections for every row: nginx serving the demo
article's HTML as a file; the "Django ceiling" (the site's whole middleware stack returning
those bytes from a trivial view, bench/urls.py) and the cached anonymous article page (the
two taking turns, three rounds each, the median shown); the same page uncached
(PAGE_CACHE_SECONDS=0); a signed-in reader's page; a guest posting a comment through the
real form (its signed timestamp and hash).

Table B, the mixed load of bench/mixed.lua run by wrk (95% anonymous reads across 5
articles, 4% likes by signed-in readers, 1% guest comments through the real form, each with
its own text), stepping up the connections, on this checkout ("after")
and on the code before issue #16 ("before", the parent of the commit that brought
blog/pagecache.py, checked out in a temporary git worktree): the highest rate with p95 under
200 ms and no failed request. Meanwhile every posted comment must be shown to an anonymous
reader within 1 s: a probe posts a comment a second through the form and times how long
until an anonymous reader sees it, and the load's own comments are counted published after
each step; another probe likes and unlikes one article (that the load does not like) and
counts the anonymous reads still showing the old count after 1 s.

The form timing and comment rate limits are opened, as for the soak; DATABASE_CONN_MAX_AGE
is 600 (README "Caching": without Redis, a cached page is one read of the cache table).

    python -m bench.pages [--seconds 10] [--step-seconds 15] [--before REV] [--no-before]
                          [--no-table-a]
"""

import argparse
import json
import os
import random
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import lxml.html
import requests

from bench._load import SETUP
from bench.soak import ROOT, Site

PORT = int(os.environ.get("BENCH_PORT", "8650"))  # nginx; the sites take the next ones
WRK = ["wrk", "--threads", "2", "--connections", "8", "--latency"]
CONNECTIONS = [2, 4, 8, 16, 32, 64, 128]
ARTICLES = 5
READERS = 16
ENVIRONMENT = {
    "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "600"),
    "LOG_LEVEL": "WARNING",
}
NGINX = """
daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location = /article.html {{ root {folder}; default_type text/html; }}
    }}
}}
"""
LIKES = re.compile(r'<p class="likes-count">(?:(\d+) bloggers|(One) blogger|Be the first)')


def wrk(url: str, seconds: int, *headers: str, body: str | None = None) -> dict:
    command = [*WRK, "--duration", f"{seconds}s", "--script", str(ROOT / "bench" / "pages.lua")]
    for header in headers:
        command += ["--header", header]
    env = {**os.environ, **({"WRK_BODY": body} if body else {})}
    done = subprocess.run(command + [url], capture_output=True, text=True, check=True, env=env)
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("JSON ")]
    return json.loads(line[5:])


def warm_up(url: str):
    """Both workers past their first requests (imports, compiled templates)."""
    for _ in range(20):
        requests.get(url, timeout=60)


def alternated(seconds: int, *targets: tuple[str, str], rounds: int = 3) -> list:
    """Each target's median round of `rounds`, the targets taking turns: the shared machine's
    load drifts, and the ratio of these rows is the one that counts."""
    runs = {name: [] for name, _ in targets}
    for _ in range(rounds):
        for name, url in targets:
            runs[name].append(wrk(url, seconds))
    return [(name, sorted(runs[name], key=lambda r: r["rate"])[rounds // 2]) for name in runs]


def comment_form(site_url: str, path: str, guest=requests) -> tuple[str, dict]:
    """The comment form's address and fields (signed timestamp, hash) as a guest gets them."""
    page = guest.get(site_url + path, timeout=30)
    (form,) = [
        f for f in lxml.html.fromstring(page.content).forms if "/comments/post/" in (f.action or "")
    ]
    fields = dict(form.form_values())
    fields.update(name="Bench", email="bench@example.org")
    fields.pop("comment", None)
    return form.action, fields


def table_a(folder: Path, seconds: int) -> list:
    (folder / "a").mkdir()
    site = Site(
        folder / "a",
        2,
        port=PORT + 1,
        database="",
        environment={
            **ENVIRONMENT,
            "DJANGO_SETTINGS_MODULE": "bench._site_settings",
            "BENCH_CEILING_FILE": str(folder / "article.html"),
        },
    )
    nginx = None
    try:
        site.start()
        data = json.loads(site.manage("shell", stdin=SETUP.format(at_least=2, readers=1)))
        article = site.url + data["original"]
        warm_up(article)
        page = requests.get(article, headers={"Accept-Encoding": "identity"}, timeout=30)
        (folder / "article.html").write_bytes(page.content)
        user = "user root;" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(NGINX.format(folder=folder, port=PORT, user=user))
        nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", str(folder / "nginx.conf")])
        time.sleep(1)
        signed_in = f"Cookie: sessionid={data['sessions'][0]}"
        # Comments go to another article, so that the demo article stays as it is.
        other = next(path for _, path in data["articles"] if path != data["original"])
        action, fields = comment_form(site.url, other)
        rows = [
            ("nginx, the page as a file", wrk(f"http://127.0.0.1:{PORT}/article.html", seconds)),
            *alternated(
                seconds,
                ("Django ceiling (same bytes, trivial view)", site.url + "/bench/ceiling/"),
                ("article, anonymous, cached", article),
            ),
            ("article, signed-in reader", wrk(article, seconds, signed_in)),
            (
                "guest comment posted (302)",
                wrk(
                    site.url + action,
                    seconds,
                    "Content-Type: application/x-www-form-urlencoded",
                    f"Referer: {site.url}{other}",
                    body=urlencode(fields),
                ),
            ),
        ]
        site.stop()
        site.env["PAGE_CACHE_SECONDS"] = "0"
        site.start()
        warm_up(article)
        rows.insert(
            3, ("article, anonymous, uncached (PAGE_CACHE_SECONDS=0)", wrk(article, seconds))
        )
        return [(name, row, len(page.content)) for name, row in rows]
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait()
        site.stop()


def likes_shown(html: str) -> int:
    match = LIKES.search(html)
    return int(match[1]) if match and match[1] else 1 if match and match[2] else 0


def like_probe(site_url, article, session_key, stop, results):
    """Likes and unlikes `article` every 1.5 s as a signed-in reader, then reads it as an
    anonymous reader until the new count shows: records the delay (inf after 2 s) and the
    anonymous reads asked more than 1 s after the like that still showed the old count."""
    (pk, path), reader = article, requests.Session()
    reader.cookies.set("sessionid", session_key)
    while not stop.is_set():
        page = reader.get(site_url + path, timeout=30).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        before = likes_shown(page)
        reader.post(
            f"{site_url}/articles/{pk}/like/",
            data={"csrfmiddlewaretoken": token[1] if token else ""},
            headers={"Referer": site_url + path},
            timeout=30,
        )
        liked_at = time.monotonic()
        expected = likes_shown(reader.get(site_url + path, timeout=30).text)
        # A read counts from when it was asked: under load the answer itself may take long.
        delay, stale = float("inf"), 0
        while (asked := time.monotonic() - liked_at) < 2:
            shown = likes_shown(requests.get(site_url + path, timeout=30).text)
            if shown == expected != before:
                delay = asked
                break
            stale += asked > 1
            time.sleep(0.05)
        results.append((delay, stale))
        stop.wait(1.5)


def lua(value) -> str:
    """`value` (dicts, lists, ASCII strings) as a Lua table constructor."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    assert str(value).isascii(), value
    return json.dumps(str(value))


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def mixed_requests(site_url: str, data: dict) -> dict:
    """What bench/mixed.lua sends, taken from the pages as readers get them: the articles'
    addresses; each signed-in reader's like forms (session, CSRF token); each article's
    comment form as a guest gets it (signed timestamp, hash, and on the code before #16 the
    CSRF token and its cookie)."""
    form_post = {"Content-Type": "application/x-www-form-urlencoded"}
    likes, comments = [], []
    for session_key in data["sessions"]:
        reader = requests.Session()
        reader.cookies.set("sessionid", session_key)
        for pk, path in data["liked"]:
            page = reader.get(site_url + path, timeout=30)
            (form,) = [
                f
                for f in lxml.html.fromstring(page.content).forms
                if (f.action or "").endswith(f"/articles/{pk}/like/")
            ]
            headers = {**form_post, "Cookie": cookie_header(reader), "Referer": site_url + path}
            likes.append(
                {"path": form.action, "headers": headers, "body": urlencode(form.form_values())}
            )
    for _, path in data["articles"]:
        guest = requests.Session()
        action, fields = comment_form(site_url, path, guest)
        headers = {**form_post, "Referer": site_url + path}
        if guest.cookies:
            headers["Cookie"] = cookie_header(guest)
        comments.append({"path": action, "headers": headers, "body": urlencode(fields)})
    return {
        "reads": [path for _, path in data["articles"]],
        # As browsers ask; the code before #16 sends its HTML uncompressed anyway.
        "read_headers": {"Accept-Encoding": "gzip, deflate, br"},
        "likes": likes,
        "comments": comments,
    }


def wrk_mixed(site_url: str, lua_data: Path, connections: int, seconds: int) -> dict:
    threads = min(2, connections)
    command = ["wrk", "--threads", str(threads), "--connections", str(connections)]
    command += ["--duration", f"{seconds}s", "--latency", "--timeout", "10s"]
    command += ["--script", str(ROOT / "bench" / "mixed.lua"), site_url]
    env = {**os.environ, "WRK_DATA": str(lua_data)}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("JSON ")]
    row = json.loads(line[5:])
    # A like or comment not answered 302 (a form refused, re-shown with 200) is a failure;
    # at most one request per connection was still in flight when wrk stopped.
    missing = max(0, row["likes"] + row["comments"] - connections - row["redirected"])
    row["failed"] = row["errors"] + row["other"] + missing
    return row


def comment_probe(site_url, articles, stop, results):
    """Every second a guest comments on one of the articles through its form, then an
    anonymous reader reads the page until the comment shows: records the delay from the
    post's answer (inf after 2 s)."""
    number = 0
    while not stop.is_set():
        number += 1
        _, path = random.choice(articles)
        guest = requests.Session()
        action, fields = comment_form(site_url, path, guest)
        text = f"Probe comment {number} {time.time_ns()}."
        posted = guest.post(
            site_url + action,
            data={**fields, "comment": text},
            headers={"Referer": site_url + path},
            allow_redirects=False,
            timeout=30,
        )
        if posted.status_code != 302:
            results.append(float("inf"))
        else:
            answered, delay = time.monotonic(), float("inf")
            while (asked := time.monotonic() - answered) < 2:
                if text in requests.get(site_url + path, timeout=30).text:
                    delay = asked
                    break
                time.sleep(0.05)
            results.append(delay)
        stop.wait(1)


PUBLISHED = """
from django_comments_xtd.models import XtdComment
print(XtdComment.objects.filter(is_public=True, is_removed=False, comment__startswith="Bench comment").count())
"""


def table_b(folder: Path, name: str, root: Path, port: int, step_seconds: int) -> list:
    (folder / name).mkdir()
    site = Site(folder / name, 2, root=root, port=port, database="", environment=ENVIRONMENT)
    rows = []
    try:
        site.start()
        data = json.loads(
            site.manage("shell", stdin=SETUP.format(at_least=ARTICLES, readers=READERS + 1))
        )
        probed = data["articles"][-1]
        load_data = {**data, "sessions": data["sessions"][:-1], "liked": data["articles"][:-1]}
        # Every page rendered and cached once before measuring.
        for _, path in data["articles"]:
            warm_up(site.url + path)
        lua_data = folder / name / "mixed-data.lua"
        lua_data.write_text("return " + lua(mixed_requests(site.url, load_data)) + "\n")
        published = int(site.manage("shell", stdin=PUBLISHED))
        over = 0
        for connections in CONNECTIONS:
            stop, likes, comments = threading.Event(), [], []
            probes = [
                threading.Thread(
                    target=like_probe, args=(site.url, probed, data["sessions"][-1], stop, likes)
                ),
                threading.Thread(
                    target=comment_probe, args=(site.url, data["articles"], stop, comments)
                ),
            ]
            for probe in probes:
                probe.start()
            row = wrk_mixed(site.url, lua_data, connections, step_seconds)
            stop.set()
            for probe in probes:
                probe.join()
            now_published = int(site.manage("shell", stdin=PUBLISHED))
            row["published"], published = now_published - published, now_published
            # A comment answered 302 but not published is lost to readers: a failure too.
            row["failed"] += max(0, row["comments"] - connections - row["published"])
            row["connections"] = connections
            row["probed"] = len(comments)
            row["late"] = sum(delay > 1 for delay in comments)
            row["slowest"] = max(comments, default=0)
            row["likes probed"] = len(likes)
            row["likes late"] = sum(delay > 1 for delay, _ in likes)
            row["stale reads"] = sum(stale for _, stale in likes)
            row["load"] = os.getloadavg()[0]
            rows.append(row)
            print(f"  {name}: {row}", flush=True)
            # One step over may be the shared machine's noise; two in a row end it.
            over = over + 1 if row["p95"] >= 200 or row["failed"] else 0
            if over == 2:
                break
    finally:
        site.stop()
    return rows


def before_revision() -> str:
    first = subprocess.run(
        ["git", "log", "--reverse", "--format=%H", "--", "blog/pagecache.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    return f"{first}^"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per row of table A")
    parser.add_argument("--step-seconds", type=int, default=15, help="per step of table B")
    parser.add_argument("--before", help="the code before issue #16 (a git revision)")
    parser.add_argument("--no-before", action="store_true", help="table B after only")
    parser.add_argument("--no-table-a", action="store_true", help="table B only")
    options = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="wirepress-pages-") as folder:
        folder = Path(folder)
        if not options.no_table_a:
            print_table_a(table_a(folder, options.seconds), options.seconds)
        print(f"load average after table A: {os.getloadavg()[0]:.2f}", flush=True)
        targets = [("after", ROOT, PORT + 3)]
        if not options.no_before:
            revision = options.before or before_revision()
            checkout = folder / "before-code"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(checkout), revision],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            targets.insert(0, ("before", checkout, PORT + 2))
        try:
            rows_b = {
                name: table_b(folder, name, root, port, options.step_seconds)
                for name, root, port in targets
            }
        finally:
            if not options.no_before:
                subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT)
        print(f"load average after table B: {os.getloadavg()[0]:.2f}", flush=True)
    print_table_b(rows_b, options.step_seconds)


def print_table_a(rows_a, seconds):
    page_bytes = rows_a[0][2]
    print(
        f"Table A: wrk, 2 threads, 8 connections, {seconds} s a row; the demo article's page, {page_bytes:,} bytes"
    )
    print("| | requests/s | p50 ms | p95 ms | failed |")
    print("|---|---:|---:|---:|---:|")
    rates = {}
    for name, row, _ in rows_a:
        rates[name] = row["rate"]
        print(
            f"| {name} | {row['rate']:,.0f} | {row['p50']:.1f} | {row['p95']:.1f} | {row['failed']} |"
        )
    cached, ceiling = (
        rates["article, anonymous, cached"],
        rates["Django ceiling (same bytes, trivial view)"],
    )
    print(f"cached anonymous article / Django ceiling: {cached / ceiling:.2f} (target ≥ 0.8)\n")


def print_table_b(rows_b, step_seconds):
    print(
        f"\nTable B: mixed load (wrk, bench/mixed.lua), {step_seconds} s a step, {ARTICLES} articles, {READERS} signed-in readers"
    )
    print(
        "| code | connections | requests/s | p50 ms | p95 ms | failed | likes | comments sent | published | probe comments | shown late (> 1 s) | slowest s | likes probed | shown late (> 1 s) | stale reads after 1 s | load average |"
    )
    print("|---|" + "---:|" * 15)
    best = {}
    for name, rows in rows_b.items():
        for row in rows:
            print(
                f"| {name} | {row['connections']} | {row['rate']:.1f} | {row['p50']:.1f} | {row['p95']:.0f} "
                f"| {row['failed']} | {row['likes']} | {row['comments']} | {row['published']} "
                f"| {row['probed']} | {row['late']} | {row['slowest']:.2f} | {row['likes probed']} "
                f"| {row['likes late']} | {row['stale reads']} | {row['load']:.1f} |"
            )
            if row["p95"] < 200 and not row["failed"]:
                best[name] = max(best.get(name, 0), row["rate"])
    for name, rows in rows_b.items():
        if name in best:
            print(f"{name}: highest rate with p95 < 200 ms and no failure: {best[name]:.1f} req/s")
        else:
            print(
                f"{name}: no step with p95 < 200 ms ({rows[0]['connections']} connections: {rows[0]['rate']:.1f} req/s)"
            )
    if "before" in rows_b and "after" in best:
        # No step of "before" under 200 ms: its first step's rate, above its best, stands for it.
        before = best.get("before", rows_b["before"][0]["rate"])
        print(f"after / before: {best['after'] / before:.1f}× (target ≥ 10×)")


if __name__ == "__main__":
    main()
