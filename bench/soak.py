"""The soak (`make soak`, outside CI): real gunicorn on a fresh database, 32 readers posting 50
comments each (a quarter of them replies) while 32 signed-in readers toggle the story's like,
and gunicorn workers killed with `kill -9` twice on the way. A request that dies with its
worker is sent again, as a reader would. Then it counts, from the database and from the page a
reader gets: sent, stored, shown, shown under the wrong comment, stored twice, lost, 5xx, and
whether the like count equals the like rows. SQLite in a temporary folder, or PostgreSQL when
DATABASE_URL names a server (a database `wirepress_soak` is made there, and dropped after).

Mail: one reader follows the story's comments, so every comment queues an email; the workers
run as `make run` runs them (`manage.py run_workers`: db_worker and send_notifications,
supervised) and mail goes over SMTP to an aiosmtpd server in this process. After the posting,
a late reader keeps posting through two outages, nobody restarting anything: the database
goes away for `--outage` seconds (PostgreSQL: `ALLOW_CONNECTIONS false` and every session
ended; SQLite: the folder holding the file is renamed away, so every new connection fails
with "unable to open database file", as when its volume goes away), then the mail server
stops for as long. Then it waits for the queue to drain and counts mail queued (mailings in
the database), delivered, received twice and lost (from what the SMTP server received).

    python -m bench.soak [--clients 32] [--comments 50] [--workers 4] [--outage 20]
"""

import argparse
import email
import email.policy
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
from django.utils import timezone
from comments.models import Subscription
Subscription.objects.create(email="{follower}", kind="comments", article=article,
    confirmed_at=timezone.now(), confirmation_sent_at=timezone.now())
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


MAIL_COUNT = """
import json
from django_comments_xtd.models import XtdComment
from comments.models import Mailing
mailings = Mailing.objects.filter(kind="comment")
published = XtdComment.objects.filter(is_public=True, is_removed=False).filter(
    comment__regex=r"^(Soak|Late) comment")
print(json.dumps({"comments": list(mailings.values_list("comment_id", flat=True)),
    "published": list(published.values_list("pk", flat=True)),
    "open": mailings.filter(finished_at__isnull=True, given_up_at__isnull=True).count(),
    "given_up": mailings.filter(given_up_at__isnull=False).count()}))
"""

FOLLOWER = "follower@example.org"
LATE_COMMENTS = 10  # posted by the late reader before, during and after each outage
DRAIN_SECONDS = 600  # at most this long for the mail queue to empty at the end


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """gunicorn serving the project on a fresh database, with the checks that would slow a
    soak down to a crawl (form timing, per-address rate limits) opened wide."""

    def __init__(
        self, folder: Path, workers: int, *, root=ROOT, port=0, environment=None, database=None
    ):
        """`root`: the checkout to serve; `environment`: variables over the soak's own;
        `database`: a DATABASE_URL instead of the environment's (SQLite when empty)."""
        self.root = root
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SITE_URL": self.url,
            "DEBUG": "false",
            "COMMENTS_MIN_SUBMIT_SECONDS": "0",
            "COMMENTS_RATE_PER_IP": "1000000",
            "COMMENTS_RATE_PER_AUTHOR": "1000000",
            "MEDIA_ROOT": str(folder / "media"),
            # A mail server that is down is retried after 2 s, 4, 8… (not 1 minute, 2…).
            "NOTIFICATIONS_RETRY_SECONDS": "2",
            "LOG_LEVEL": "INFO",
            **(environment or {}),
        }
        self.env.pop("REDIS_URL", None)
        base = os.environ.get("DATABASE_URL", "") if database is None else database
        self.postgres = base.startswith("postgres")
        if self.postgres:
            self.admin_url = base
            self.env["DATABASE_URL"] = urlunsplit(urlsplit(base)._replace(path="/wirepress_soak"))
            self._psql("DROP DATABASE IF EXISTS wirepress_soak", "CREATE DATABASE wirepress_soak")
        else:
            # In a folder of its own, which the outage renames away.
            self.database_folder = folder / "database"
            self.database_folder.mkdir()
            self.env["DATABASE_URL"] = f"sqlite:///{self.database_folder / 'soak.sqlite3'}"
        self.workers = workers
        self.server = None
        self.background = None
        self.background_log = folder / "workers.log"
        self.database_is_away = False

    def _psql(self, *statements):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def manage(self, *args, stdin: str | None = None) -> str:
        """Run a management command against the soak's database; its last line of output."""
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=self.root,
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
            cwd=self.root,
            env=self.env,
        )
        for _ in range(100):
            try:
                requests.get(self.url + "/robots.txt", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def start_background_workers(self, smtp_port: int):
        """db_worker and send_notifications, supervised, as `make run` starts them."""
        env = {**self.env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
        with self.background_log.open("w") as log:
            self.background = subprocess.Popen(
                [PYTHON, "manage.py", "run_workers", "--every", "5"],
                cwd=self.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def background_log_counts(self) -> tuple[int, int]:
        """Workers started again by the supervisor; waits for the database in our workers."""
        log = self.background_log.read_text()
        return log.count(" stopped ("), log.count("Database unavailable while")

    def database_away(self):
        self.database_is_away = True
        if self.postgres:
            self._psql(
                "ALTER DATABASE wirepress_soak ALLOW_CONNECTIONS false",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = 'wirepress_soak' AND pid <> pg_backend_pid()",
            )
        else:
            self.database_folder.rename(self.database_folder.with_name("database-away"))

    def database_back(self):
        if not self.database_is_away:
            return
        if self.postgres:
            self._psql("ALTER DATABASE wirepress_soak ALLOW_CONNECTIONS true")
        else:
            self.database_folder.with_name("database-away").rename(self.database_folder)
        self.database_is_away = False

    def kill_a_worker(self) -> bool:
        children = subprocess.run(
            ["pgrep", "-P", str(self.server.pid)], capture_output=True, text=True
        ).stdout.split()
        if not children:
            return False
        os.kill(int(random.choice(children)), signal.SIGKILL)
        return True

    def stop(self):
        self.database_back()
        if self.background:
            self.background.terminate()
            self.background.wait(timeout=60)
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=30)
        if self.postgres:
            self._psql("DROP DATABASE IF EXISTS wirepress_soak WITH (FORCE)")


class MailSink:
    """The site's mail server: aiosmtpd on loopback, recording which comment each message it
    accepts announces, to whom. `stop()` and `start()` take it down and back."""

    def __init__(self):
        self.port = free_port()
        self.received = []  # (recipient, comment id)
        self.controller = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(("plain",)).get_content()
        match = re.search(r"#comment-(\d+)", text)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient, int(match[1]) if match else None))
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


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


def patient_poster(site, article, count, tally, name):
    """A reader who, told the site cannot save just now (503) or cut off, sends the same
    comment again a second later until it is stored (gives up after 5 minutes)."""
    session = requests.Session()
    session.headers["Origin"] = site.url
    deadline = time.monotonic() + 300

    def until_answered(method, url, **kwargs):
        while time.monotonic() < deadline:
            try:
                response = session.request(method, url, timeout=60, allow_redirects=False, **kwargs)
            except requests.RequestException:
                tally.add("dropped")
            else:
                if response.status_code < 500:
                    return response
                tally.add(f"{response.status_code}")
            time.sleep(1)
        return None

    for i in range(count):
        page = until_answered("GET", site.url + article["url"])
        if page is None:
            return
        data = form_fields(page.text)
        data.update(name=name, email="late@example.org", url="", honeypot="")
        data["comment"] = f"Late comment {i} from {name}: the outage is over, the talks go on."
        tally.add("sent")
        response = until_answered(
            "POST",
            f"{site.url}/comments/post/{article['article']}/",
            data=data,
            headers={"Referer": site.url + article["url"]},
        )
        if response is None:
            return
        if "#comment-" not in response.headers.get("Location", ""):
            tally.add("refused")
        time.sleep(0.2)


def outages(site, article, sink, seconds: int) -> Tally:
    """Posting goes on through a database outage, then a mail server outage."""
    late = Tally()
    poster = threading.Thread(
        target=patient_poster, args=(site, article, 2 * LATE_COMMENTS, late, "Late reader A")
    )
    poster.start()
    while late.counts["sent"] < LATE_COMMENTS and poster.is_alive():
        time.sleep(0.1)
    site.database_away()
    time.sleep(seconds)
    site.database_back()
    poster.join()

    sink.stop()
    away_since = time.monotonic()
    poster = threading.Thread(
        target=patient_poster, args=(site, article, LATE_COMMENTS, late, "Late reader B")
    )
    poster.start()
    poster.join()
    time.sleep(max(0.0, seconds - (time.monotonic() - away_since)))
    sink.start()
    return late


def drained(site) -> dict:
    """The mail queue once every mailing is finished (or given up), or after DRAIN_SECONDS."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while True:
        mail = json.loads(site.manage("shell", stdin=MAIL_COUNT))
        if mail["open"] == 0 or time.monotonic() > deadline:
            return mail
        time.sleep(3)


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


def run(clients: int, comments: int, workers: int, outage: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="wirepress-soak-") as folder:
        site = Site(Path(folder), workers)
        sink = MailSink()
        try:
            site.start()
            article = json.loads(
                site.manage("shell", stdin=SETUP.format(likers=LIKERS, follower=FOLLOWER))
            )
            sink.start()
            site.start_background_workers(sink.port)
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
            late = outages(site, article, sink, outage)
            mail = drained(site)
            counted = json.loads(
                site.manage("shell", stdin=COUNT.format(article=article["article"]))
            )
            nesting = Nesting()
            nesting.feed(requests.get(site.url + article["url"], timeout=60).text)
            restarts, waits = site.background_log_counts()
        finally:
            site.stop()
            sink.stop()
    texts = Counter(text for text, _, _ in counted["comments"] if text.startswith("Soak comment"))
    parents = {pk: (parent if parent != pk else None) for _, parent, pk in counted["comments"]}
    soak_ids = {pk for text, _, pk in counted["comments"] if text.startswith("Soak comment")}
    shown = soak_ids & nesting.shown_under.keys()
    late_stored = sum(1 for text, _, _ in counted["comments"] if text.startswith("Late comment"))
    queued = set(mail["comments"])
    published = set(mail["published"])  # each of them owes the follower one email
    received = [comment for to, comment in sink.received if to == FOLLOWER]
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
        "outage posts sent / stored / 503": (
            f"{late.counts['sent']} / {late_stored} / {late.counts['503']}"
        ),
        "mail queued": len(queued),
        "mail delivered": len(published & set(received)),
        "mail twice": len(received) - len(set(received)),
        "mail lost": len(published - set(received)),
        "worker restarts": restarts,
        "worker waits": waits,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--comments", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--outage", type=int, default=20, metavar="SECONDS")
    options = parser.parse_args(argv)
    row = run(options.clients, options.comments, options.workers, options.outage)
    print(
        f"Soak: {options.clients} readers × {options.comments} comments, {LIKERS} readers "
        f"toggling the story's like, gunicorn {options.workers} workers, kill -9 twice; "
        f"then a database outage and a mail server outage of {options.outage} s each"
    )
    print("| " + " | ".join(row) + " |")
    print("|" + "---|" * len(row))
    print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
