"""The article page at 10, 100 and 1,000 comments: Wirepress's discussion against xtd's stock tag.

Both pages are the same article page, requested through Django's test client (middleware,
view, templates: everything the server does), for an anonymous and a signed-in reader. The
only difference is the comment tree: ours (`comments/_discussion.html` fed by
`comments.selectors.discussion_for`) or `{% render_xtdcomment_tree for article allow_feedback
show_feedback %}` (bench/templates/bench/article_stock.html). Threads have mixed depths, half
of the comments are by registered users, and some are liked (tests/factories.py builds them).
"""

import datetime
import re
import statistics
import time

from django.db import connection
from django.shortcuts import get_object_or_404, render
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article
from comments.views import comment_form_for
from tests.factories import make_discussion, make_users

SIZES = (10, 100, 1000)
READERS = ("anonymous", "signed-in")


def stock_article_detail(request, article_id):
    """The article page with xtd's stock comment tree (and our form, as on the real page)."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    context = {
        "article": article,
        "comment_form": comment_form_for(request, article),
        "comments_open": True,
    }
    return render(request, "bench/article_stock.html", context)


def repeats_for(size: int) -> int:
    return 25 if size <= 100 else 7


def measure(client, url, *, repeats: int, expect_comments: int, comment_id: str) -> tuple:
    """Median CPU time (ms) of `repeats` requests for `url`, and the queries one makes."""
    response = client.get(url)  # warm-up: templates compiled, content types cached
    html = response.content.decode()
    shown = len(re.findall(comment_id, html))
    if response.status_code != 200 or shown != expect_comments:
        raise RuntimeError(f"{url}: status {response.status_code}, {shown} comments shown")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)  # now: the log is reset when the next request starts
    timings = []
    for _ in range(repeats):
        # CPU time of this process (the database is SQLite, in process too): on a shared
        # machine it measures the work done, not the time spent waiting for a core.
        start = time.process_time()
        client.get(url)
        timings.append(time.process_time() - start)
    return statistics.median(timings) * 1000, query_count


def run() -> list[dict]:
    members = make_users("member", 50)
    likers = make_users("liker", 5)
    reader = likers[0]  # the signed-in reader likes some comments, as a real one would
    rows = []
    for size in SIZES:
        article = Article.objects.create(
            title=f"A story with {size} comments",
            slug=f"story-{size}",
            body="<p>The story.</p>" * 20,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(hours=1),
        )
        make_discussion(article, size, commenters=members, likers=likers)
        for who in READERS:
            client = Client()
            if who == "signed-in":
                client.force_login(reader)
            ours = measure(
                client,
                article.get_absolute_url(),
                repeats=repeats_for(size),
                expect_comments=size,
                comment_id=r'<li id="comment-\d+"',
            )
            stock = measure(
                client,
                f"/bench/stock/{article.pk}/",
                repeats=repeats_for(size),
                expect_comments=size,
                comment_id=r'<div id="c\d+"',
            )
            rows.append({"comments": size, "reader": who, "ours": ours, "stock": stock})
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| comments | reader | Wirepress ms | queries | xtd stock tag ms | queries | speed-up |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        (ours_ms, ours_q), (stock_ms, stock_q) = row["ours"], row["stock"]
        lines.append(
            f"| {row['comments']:,} | {row['reader']} | {ours_ms:.1f} | {ours_q} "
            f"| {stock_ms:.1f} | {stock_q} | {stock_ms / ours_ms:.1f}× |"
        )
    return "\n".join(lines)
