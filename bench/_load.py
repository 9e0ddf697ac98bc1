"""The mixed load of `bench.cluster` (bench.pages drives wrk instead): N concurrent clients, each
request 95% an anonymous read of a random article, 4% a like by a signed-in reader, 1% a
guest comment through the article's real form, whose appearance on the given sites is then
awaited as an anonymous reader (late after 1 s)."""

import random
import re
import statistics
import threading
import time

import lxml.html
import requests

# Signed-in readers (their session keys) and the published articles, printed as JSON by
# `manage.py shell`; copies of the newest article are published first up to `at_least`, so a
# one-article demo database has several articles to read across.
SETUP = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from blog.models import Article
User = get_user_model()
original = Article.objects.published().order_by("-published_at").first()
for n in range({at_least} - Article.objects.published().count()):
    copy = Article.objects.get(pk=original.pk)
    copy.pk = copy.id = None
    copy.slug = f"{{original.slug}}-{{n + 2}}"
    copy.wire_guid = ""
    copy.save()
sessions = []
for n in range({readers}):
    user, _ = User.objects.get_or_create(username=f"bench{{n}}", email=f"bench{{n}}@example.org")
    EmailAddress.objects.get_or_create(user=user, email=user.email, verified=True, primary=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
articles = [(a.pk, a.get_absolute_url()) for a in Article.objects.published()]
print(json.dumps({{"articles": articles, "sessions": sessions, "original": original.get_absolute_url()}}))
"""


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


def client(target, data, tally, stop, number, shown_by):
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
            pk, path = random.choice(data.get("liked", articles))
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
                tally.comment_delays.append(visible(shown_by, path, text))


def visible(sites, path, text) -> float:
    """Seconds until every site shows the comment to an anonymous reader (inf after 1 s)."""
    started = time.monotonic()
    while time.monotonic() - started < 1:
        if all(text in requests.get(site + path, timeout=5).text for site in sites):
            return time.monotonic() - started
        time.sleep(0.05)
    return float("inf")


def load(target, data, clients, seconds, shown_by) -> dict:
    """`clients` clients for `seconds` against `target`; rate, p95, failures, comments."""
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=client, args=(target, data, tally, stop, n, shown_by))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    latencies = sorted(tally.latencies)
    return {
        "clients": clients,
        "rate": len(latencies) / seconds,
        # Too few requests for a quantile: the slowest stands for it.
        "p95": (
            statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 20 else max(latencies)
        )
        * 1000,
        "failed": tally.failures,
        "comments": len(tally.comment_delays),
        "late": sum(delay == float("inf") for delay in tally.comment_delays),
    }
