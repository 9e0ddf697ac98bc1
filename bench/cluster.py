"""The cluster under a mixed load (`make bench-cluster`, outside CI, beside a running
`make demo-cluster` started with the form timing and rate limits opened, see README):
95% anonymous reads across the articles, 4% likes by signed-in readers, 1% guest comments,
from N concurrent clients, against nginx in front of both nodes and against node 1 alone.
Prints, per target, the highest rate whose p95 stayed under 200 ms with no failed request,
and checks every posted comment is shown by both nodes within 1 s."""

import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import lxml.html
import requests

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".cluster"
BALANCER, NODE_1, NODE_2 = "http://127.0.0.1:8080", "http://127.0.0.1:8001", "http://127.0.0.1:8002"
CLIENTS = [2, 4, 8, 16]
SECONDS = 15
READERS = 16

SETUP = f"""
import json
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from blog.models import Article
User = get_user_model()
sessions = []
for n in range({READERS}):
    user, _ = User.objects.get_or_create(username=f"bench{{n}}", email=f"bench{{n}}@example.org")
    EmailAddress.objects.get_or_create(user=user, email=user.email, verified=True, primary=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
articles = [(a.pk, a.get_absolute_url()) for a in Article.objects.published()]
print(json.dumps({{"articles": articles, "sessions": sessions}}))
"""


def demo_environment() -> dict:
    """The variables `make demo-cluster` gives its nodes (deploy/demo-cluster.sh)."""
    return {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wirepress_cluster",
        "REDIS_URL": os.environ.get("DEMO_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "SECRET_KEY": (RUN / "secret_key").read_text().strip(),
        "AWS_STORAGE_BUCKET_NAME": "wirepress-demo",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:8399",
    }


def setup() -> dict:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=demo_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.failures, self.comment_delays = [], 0, []

    def record(self, seconds: float, ok: bool):
        with self.lock:
            self.latencies.append(seconds)
            self.failures += not ok


def timed(tally, session, method, url, expect, **kwargs):
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=30, allow_redirects=False, **kwargs)
        ok = response.status_code in expect
    except requests.RequestException:
        response, ok = None, False
    tally.record(time.monotonic() - started, ok)
    return response


def client(target, data, tally, stop, number):
    anonymous = requests.Session()
    reader = requests.Session()
    reader.cookies.set("sessionid", data["sessions"][number % len(data["sessions"])])
    articles = data["articles"]
    while not stop.is_set():
        pk, path = random.choice(articles)
        roll = random.random()
        if roll < 0.95:
            timed(tally, anonymous, "GET", target + path, {200})
        elif roll < 0.99:
            page = reader.get(target + path, timeout=30)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            timed(
                tally,
                reader,
                "POST",
                f"{target}/articles/{pk}/like/",
                {302},
                data={"csrfmiddlewaretoken": token.group(1) if token else ""},
                headers={"Referer": target + path},
            )
        else:
            guest = requests.Session()
            page = guest.get(target + path, timeout=30)
            forms = lxml.html.fromstring(page.content).forms
            (form,) = [f for f in forms if "/comments/post/" in (f.action or "")]
            text = f"Bench comment {time.time_ns()} from client {number}."
            fields = dict(form.form_values())
            fields.update(name="Bench", email=f"bench{number}@example.org", comment=text)
            posted = timed(
                tally,
                guest,
                "POST",
                target + form.action,
                {302},
                data=fields,
                headers={"Referer": target + path},
            )
            if posted is not None and posted.status_code == 302:
                tally.comment_delays.append(visible_on_both_nodes(path, text))


def visible_on_both_nodes(path, text) -> float:
    """Seconds until both nodes show the comment (inf after 1 s)."""
    started = time.monotonic()
    while time.monotonic() - started < 1:
        if all(text in requests.get(node + path, timeout=5).text for node in (NODE_1, NODE_2)):
            return time.monotonic() - started
        time.sleep(0.05)
    return float("inf")


def load(target, data, clients) -> dict:
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=client, args=(target, data, tally, stop, n)) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    latencies = sorted(tally.latencies)
    return {
        "clients": clients,
        "rate": len(latencies) / SECONDS,
        # Too few requests for a quantile: the slowest stands for it.
        "p95": (
            statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 20 else max(latencies)
        )
        * 1000,
        "failed": tally.failures,
        "comments": len(tally.comment_delays),
        "late": sum(delay == float("inf") for delay in tally.comment_delays),
    }


def main():
    data = setup()
    print(
        f"{len(data['articles'])} article(s), {len(data['sessions'])} signed-in readers, "
        f"{SECONDS} s per step"
    )
    print("| target | clients | requests/s | p95 ms | failed | comments | shown late |")
    print("|---|---|---|---|---|---|---|")
    best = {}
    for name, target in (("nginx → 2 nodes", BALANCER), ("node 1 alone", NODE_1)):
        for clients in CLIENTS:
            row = load(target, data, clients)
            print(
                f"| {name} | {clients} | {row['rate']:.1f} | {row['p95']:.0f} | {row['failed']} "
                f"| {row['comments']} | {row['late']} |",
                flush=True,
            )
            if row["p95"] < 200 and not row["failed"]:
                best[name] = max(best.get(name, 0), row["rate"])
    for name, rate in best.items():
        print(f"{name}: highest rate with p95 < 200 ms and no failure: {rate:.1f} requests/s")


if __name__ == "__main__":
    main()
