"""The article page at 10, 100 and 1,000 comments: Wirepress's discussion against xtd's stock tag.

Both pages are the same article page, requested through Django's test client (middleware,
view, templates: everything the server does), for an anonymous and a signed-in reader. The
only difference is the comment tree: ours (`comments/_discussion.html` fed by
`comments.discussion.selectors.discussion_for`) or `{% render_xtdcomment_tree for article allow_feedback
show_feedback %}` (bench/templates/bench/article_stock.html). Threads have mixed depths, half
of the comments are by registered users, and some are liked (tests/factories.py builds them).

What is measured is rendering, so the whole-page cache is off (PAGE_CACHE_SECONDS=0: with it,
an anonymous reader's second request is one cache read). "First render" empties the
per-worker comment markup (`comments.discussion.markup`) before each request, as after a
deploy or for a story nobody has read yet; "kept markup" leaves it, as a busy story's page is
rendered again and again. xtd's tag keeps nothing between requests.
"""

import datetime
import re
import statistics
import time

from django.db import connection
from django.shortcuts import get_object_or_404, render
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article
from blog.selectors import article_likes_summary, related_articles
from comments.discussion.markup import _rendered as kept_markup
from comments.discussion.page import comment_form_for
from tests.factories import make_discussion, make_users

SIZES = (10, 100, 1000)
READERS = ("anonymous", "signed-in")


def stock_article_detail(request, article_id):
    """The article page with xtd's stock comment tree (and the rest of the real page: likes,
    related stories, our form)."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    context = {
        "article": article,
        "likes": article_likes_summary(article=article, user=request.user),
        "related_articles": related_articles(article=article),
        "comment_form": comment_form_for(request, article),
        "comments_open": True,
    }
    return render(request, "bench/article_stock.html", context)


def repeats_for(size: int) -> int:
    return 25 if size <= 100 else 11


def check_and_count_queries(client, url, *, expect_comments: int, comment_id: str) -> int:
    """Request `url` once to warm up (templates compiled, content types cached), check that it
    shows every comment, and return the number of queries a second request makes."""
    response = client.get(url)
    shown = len(re.findall(comment_id, response.content.decode()))
    if response.status_code != 200 or shown != expect_comments:
        raise RuntimeError(f"{url}: status {response.status_code}, {shown} comments shown")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def median_cpu_ms(client, requests: list[tuple[str, bool]], *, repeats: int) -> list[float]:
    """Median CPU time of a request for each (url, first render) of `requests`, requested in
    turn (so that a change in the machine's load affects every page alike); a first render
    starts with no comment markup kept."""
    timings = {request: [] for request in requests}
    for _ in range(repeats):
        for request in requests:
            url, first_render = request
            if first_render:
                kept_markup.cache_clear()
            # CPU time of this process (the database is SQLite, in process too): on a shared
            # machine it measures the work done, not the time spent waiting for a core.
            start = time.process_time()
            client.get(url)
            timings[request].append(time.process_time() - start)
    return [statistics.median(timings[request]) * 1000 for request in requests]


def measure() -> list[dict]:
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
        ours_url, stock_url = article.get_absolute_url(), f"/bench/stock/{article.pk}/"
        for who in READERS:
            client = Client()
            if who == "signed-in":
                client.force_login(reader)
            ours_queries = check_and_count_queries(
                client, ours_url, expect_comments=size, comment_id=r'<li id="comment-\d+"'
            )
            stock_queries = check_and_count_queries(
                client, stock_url, expect_comments=size, comment_id=r'<div id="c\d+"'
            )
            ours_ms, kept_ms, stock_ms = median_cpu_ms(
                client,
                [(ours_url, True), (ours_url, False), (stock_url, False)],
                repeats=repeats_for(size),
            )
            rows.append(
                {
                    "comments": size,
                    "reader": who,
                    "ours": (ours_ms, ours_queries),
                    "kept": kept_ms,
                    "stock": (stock_ms, stock_queries),
                }
            )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| comments | reader | Wirepress first render ms | queries | xtd stock tag ms | queries "
        "| speed-up | Wirepress, markup kept ms |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        (ours_ms, ours_q), (stock_ms, stock_q) = row["ours"], row["stock"]
        lines.append(
            f"| {row['comments']:,} | {row['reader']} | {ours_ms:.1f} | {ours_q} "
            f"| {stock_ms:.1f} | {stock_q} | {stock_ms / ours_ms:.1f}× | {row['kept']:.1f} |"
        )
    return "\n".join(lines)


def run() -> None:
    print("Article page: server-side time (median) and queries, Wirepress vs xtd's stock tag")
    with override_settings(PAGE_CACHE_SECONDS=0):
        rows = measure()
    print(table(rows))
