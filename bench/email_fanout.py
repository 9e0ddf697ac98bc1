"""New-post email to 1,000 then 10,000 subscribers, over SMTP to a local sink (another
process, so only the sender is measured).

Measures the whole `send_mailing` task as the worker runs it: recipients listed in chunks,
one SMTP connection and one short transaction per chunk. Each row is run twice on a fresh
mailing: once for the time, once under tracemalloc for the peak of Python memory (tracing
slows the run, so it does not time it). The peak should not grow with the list: only one
chunk is in memory at a time. Run: `python -m bench email_fanout` (a few minutes).
"""

import json
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")

LIST_SIZES = (1_000, 10_000)
BATCH_SIZE = 500
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_sink():
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench._smtp_sink", str(port)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout.readline().strip() == "ready"
    counts = {}
    try:
        yield port, counts
    finally:
        out, _ = sink.communicate(timeout=60)
        counts.update(json.loads(out.strip().splitlines()[-1]))


@contextmanager
def counting_queries():
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield count


def make_subscribers(n: int) -> None:
    """Grow the list of confirmed new-post subscribers to `n`."""
    from django.utils import timezone

    from comments.models import Subscription

    now = timezone.now()
    Subscription.objects.bulk_create(
        (
            Subscription(
                email=f"reader{i}@example.org", kind="posts", confirmed_at=now, token=f"t{i:08}x"
            )
            for i in range(Subscription.objects.count(), n)
        ),
        batch_size=1000,
    )


def new_mailing():
    from django.utils import timezone

    from blog.models import Article
    from comments.models import Mailing

    n = Article.objects.count() + 1
    article = Article.objects.create(
        title=f"Benchmark story {n}",
        slug=f"benchmark-story-{n}",
        standfirst="What happened.",
        body="<p>Body.</p>",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
        announced_at=timezone.now(),
    )
    return Mailing.objects.create(kind=Mailing.Kind.ARTICLE, article=article)


def send(mailing, *, traced: bool, expected: int) -> dict:
    from comments.notifications.tasks import send_mailing

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with counting_queries() as queries:
        outcome = send_mailing.call(mailing.pk)
    elapsed = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert outcome["sent"] == expected and outcome["pending"] == 0, outcome
    return {"seconds": elapsed, "peak": peak, "queries": queries[0], **outcome}


def run() -> None:
    from bench._database import test_database

    with test_database():
        from django.conf import settings
        from django.db import connection

        rows = []
        with smtp_sink() as (port, counts):
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
            settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
            settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
            settings.NOTIFICATIONS_BATCH_SIZE = BATCH_SIZE
            for size in LIST_SIZES:
                make_subscribers(size)
                timed = send(new_mailing(), traced=False, expected=size)
                traced = send(new_mailing(), traced=True, expected=size)
                rows.append((size, timed, traced))
        assert counts["messages"] == 2 * sum(LIST_SIZES), counts

        print(
            f"Email fan-out: a new post to its subscribers over SMTP, {BATCH_SIZE} per chunk "
            f"({connection.vendor}, aiosmtpd sink in another process)"
        )
        header = (
            f"{'subscribers':>11} {'seconds':>8} {'msgs/s':>7} {'peak MiB':>9} "
            f"{'SMTP conns':>10} {'queries':>8}"
        )
        print(header)
        print("-" * len(header))
        for size, timed, traced in rows:
            print(
                f"{size:>11,} {timed['seconds']:>8.1f} {size / timed['seconds']:>7.0f} "
                f"{traced['peak'] / 2**20:>9.1f} {timed['connections']:>10} "
                f"{timed['queries']:>8}"
            )
        print(
            f"The sink received {counts['messages']:,} messages over {counts['connections']} "
            "connections in all (timed and traced runs)."
        )


main = run

if __name__ == "__main__":
    run()
