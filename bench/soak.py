"""The soak (`make soak`, outside CI): real gunicorn on a fresh database, 32 readers posting 50
comments each (a quarter of them replies) while 32 signed-in readers toggle the story's like,
and gunicorn workers killed with `kill -9` twice on the way. A request that dies with its
worker is sent again, as a reader would. Then it counts, from the database and from the page a
reader gets: sent, stored, shown, shown under the wrong comment, stored twice, lost, 5xx, and
whether the like count equals the like rows. SQLite in a temporary folder, or PostgreSQL when
DATABASE_URL names a server (a database `wirepress_soak` is made there, and dropped after).

    python -m bench.soak [--clients 32] [--comments 50] [--workers 4]
"""

import argparse
import html.parser
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIKERS = 32
LIKE_TOGGLES = 150
REPLY_SHARE = 4  # one post in four is a reply
MAX_REPLY_LEVEL = 2  # replies go under comments at most this deep (xtd allows 4)

SETUP = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from blog.models import Article
User = get_user_model()
sessions = []
for n in range({likers}):
    user = User.objects.create_user(f"liker{{n}}", f"liker{{n}}@example.org", "soak-password")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
article = Article.objects.published().order_by("-published_at").first()
print(json.dumps({{"article": article.pk, "url": article.get_absolute_url(), "sessions": sessions}}))
"""

COUNT = """
import json
from django_comments_xtd.models import XtdComment
from blog.models import Article, ArticleLike
article = Article.objects.get(pk={article})
rows = list(XtdComment.objects.values_list("comment", "parent_id", "pk"))
print(json.dumps({{"comments": rows, "like_count": article.like_count,
    "like_rows": ArticleLike.objects.filter(article=article).count()}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """gunicorn serving the project on a fresh database, with the checks that would slow a
    soak down to a crawl (form timing, per-address rate limits) opened wide."""

    def __init__(self, folder: Path, workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SITE_URL": self.url,
            "DEBUG": "false",
            "COMMENTS_MIN_SUBMIT_SECONDS": "0",
            "COMMENTS_RATE_PER_IP": "1000000",
            "COMMENTS_RATE_PER_AUTHOR": "1000000",
            "MEDIA_ROOT": str(folder / "media"),
        }
        self.env.pop("REDIS_URL", None)
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith("postgres")
        if self.postgres:
            self.admin_url = base
            self.env["DATABASE_URL"] = urlunsplit(urlsplit(base)._replace(path="/wirepress_soak"))
            self._psql("DROP DATABASE IF EXISTS wirepress_soak", "CREATE DATABASE wirepress_soak")
        else:
            self.env["DATABASE_URL"] = f"sqlite:///{folder / 'soak.sqlite3'}"
        self.workers = workers
        self.server = None

    def _psql(self, *statements):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def manage(self, *args, stdin: str | None = None) -> str:
        """Run a management command against the soak's database; its last line of output."""
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def start(self):
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        self.manage("collectstatic", "--noinput", "-v0")  # as `make run` does
        self.manage("load_demo", "--if-empty")
        self.server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "blog.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "error",
            ],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(100):
            try:
                requests.get(self.url + "/robots.txt", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def kill_a_worker(self) -> bool:
        children = subprocess.run(
            ["pgrep", "-P", str(self.server.pid)], capture_output=True, text=True
        ).stdout.split()
        if not children:
            return False
        os.kill(int(random.choice(children)), signal.SIGKILL)
        return True

    def stop(self):
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=30)
        if self.postgres:
            self._psql("DROP DATABASE IF EXISTS wirepress_soak")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.stored = []  # (comment id, level) that replies may go under

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] += n


def send(session, method, url, tally, **kwargs):
    """One request as a reader's browser sends it, sent again (up to 5 times) when the
    connection dies or the server answers 5xx; each 5xx and dropped connection is counted."""
    for attempt in range(5):
        try:
            response = session.request(method, url, timeout=60, allow_redirects=False, **kwargs)
        except requests.RequestException:
            tally.add("dropped connections")
        else:
            if response.status_code < 500:
                return response
            tally.add("5xx")
        time.sleep(0.3 * (attempt + 1))
    return None


FIELD = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def form_fields(page: str) -> dict:
    start = page.index('id="commentform"')
    form = page[start : page.index("</form>", start)]
    return {name: html.unescape(value) for name, value in FIELD.findall(form)}


def poster(site, article, n, comments, tally):
    session = requests.Session()
    session.headers["Origin"] = site.url
    for i in range(comments):
        page = send(session, "GET", site.url + article["url"], tally)
        if page is None:
            tally.add("pages lost")
            continue
        data = form_fields(page.text)
        data.update(name=f"Reader {n}", email=f"reader{n}@example.org", url="", honeypot="")
        data["comment"] = f"Soak comment {i} from reader {n}: on the talks, the ceasefire."
        level = 0
        with tally.lock:
            candidates = [c for c in tally.stored if c[1] <= MAX_REPLY_LEVEL]
        if i % REPLY_SHARE == REPLY_SHARE - 1 and candidates:
            parent, parent_level = random.choice(candidates)
            data["reply_to"] = str(parent)
            level = parent_level + 1
        tally.add("sent")
        response = send(
            session,
            "POST",
            f"{site.url}/comments/post/{article['article']}/",
            tally,
            data=data,
            headers={"Referer": site.url + article["url"]},
        )
        if response is None:
            continue  # gave up: the count says whether it was stored anyway
        match = re.search(r"#comment-(\d+)", response.headers.get("Location", ""))
        if match:
            with tally.lock:
                tally.stored.append((int(match[1]), level))
        else:
            tally.add("refused")


def liker(site, article, session_key, toggles, tally):
    session = requests.Session()
    session.headers["Origin"] = site.url
    session.cookies.set("sessionid", session_key)
    page = send(session, "GET", site.url + article["url"], tally)
    token = session.cookies.get("csrftoken") or ""
    for _ in range(toggles):
        send(
            session,
            "POST",
            f"{site.url}/articles/{article['article']}/like/",
            tally,
            data={"csrfmiddlewaretoken": token},
            headers={"X-CSRFToken": token, "X-Requested-With": "fetch"},
        )
    return page


class Nesting(html.parser.HTMLParser):
    """Which comment each comment is shown under on the page (by the <li> it sits in)."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.shown_under = {}

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        ident = dict(attrs).get("id") or ""
        comment = int(ident[8:]) if ident.startswith("comment-") else None
        if comment is not None:
            enclosing = next((c for c in reversed(self.stack) if c is not None), None)
            self.shown_under[comment] = enclosing
        self.stack.append(comment)

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()


def run(clients: int, comments: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="wirepress-soak-") as folder:
        site = Site(Path(folder), workers)
        try:
            site.start()
            article = json.loads(site.manage("shell", stdin=SETUP.format(likers=LIKERS)))
            tally = Tally()
            threads = [
                threading.Thread(target=poster, args=(site, article, n, comments, tally))
                for n in range(clients)
            ]
            per_liker = LIKE_TOGGLES // LIKERS + 1
            threads += [
                threading.Thread(target=liker, args=(site, article, key, per_liker, tally))
                for key in article["sessions"]
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            killed = 0
            for share in (0.3, 0.6):
                while tally.counts["sent"] < share * clients * comments and any(
                    t.is_alive() for t in threads
                ):
                    time.sleep(0.2)
                killed += site.kill_a_worker()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            counted = json.loads(
                site.manage("shell", stdin=COUNT.format(article=article["article"]))
            )
            nesting = Nesting()
            nesting.feed(requests.get(site.url + article["url"], timeout=60).text)
        finally:
            site.stop()
    texts = Counter(text for text, _, _ in counted["comments"] if text.startswith("Soak comment"))
    parents = {pk: (parent if parent != pk else None) for _, parent, pk in counted["comments"]}
    soak_ids = {pk for text, _, pk in counted["comments"] if text.startswith("Soak comment")}
    shown = soak_ids & nesting.shown_under.keys()
    return {
        "database": "PostgreSQL" if site.postgres else "SQLite",
        "sent": tally.counts["sent"],
        "stored": len(texts),
        "shown": len(shown),
        "wrong place": sum(nesting.shown_under[pk] != parents[pk] for pk in shown),
        "stored twice": sum(n - 1 for n in texts.values()),
        "lost": tally.counts["sent"] - tally.counts["refused"] - len(texts),
        "refused": tally.counts["refused"],
        "5xx": tally.counts["5xx"],
        "dropped": tally.counts["dropped connections"],
        "killed": killed,
        "likes": f"{counted['like_count']} / {counted['like_rows']}",
        "seconds": round(elapsed),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--comments", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args(argv)
    row = run(options.clients, options.comments, options.workers)
    print(
        f"Soak: {options.clients} readers × {options.comments} comments, {LIKERS} readers "
        f"toggling the story's like, gunicorn {options.workers} workers, kill -9 twice"
    )
    print("| " + " | ".join(row) + " |")
    print("|" + "---|" * len(row))
    print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
