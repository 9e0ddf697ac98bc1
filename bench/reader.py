"""The reader's side at a realistic size: pages, feeds, search and the sidebar.

Creates ARTICLES published stories (bodies about the demo story's length), COMMENTED of them
with COMMENTS_EACH comments, and likes; then renders each page REPEAT times through the test
client and prints queries and timings (median and 90th percentile, milliseconds).
"""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Article, ArticleLike, Category, Source, Tag

ARTICLES = 3000
COMMENTED = 300
COMMENTS_EACH = 5
REPEAT = 15
WORDS = [
    "nato",
    "russia",
    "council",
    "dialogue",
    "alliance",
    "brussels",
    "secretary",
    "general",
    "press",
    "conference",
    "mission",
    "moscow",
    "diplomats",
    "defence",
    "policy",
    "containment",
    "missile",
    "systems",
    "negotiation",
    "relations",
    "ukraine",
    "kyiv",
    "sanctions",
    "grain",
    "corridor",
    "ministry",
    "statement",
    "parliament",
    "election",
    "energy",
    "gas",
    "pipeline",
    "border",
    "troops",
    "talks",
    "summit",
    "agreement",
    "ceasefire",
]


def _paragraphs(rng: random.Random, count: int) -> str:
    return "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".</p>"
        for _ in range(count)
    )


def populate() -> Article:
    rng = random.Random(8)
    unian = Source.objects.create(name="UNIAN", slug="unian", copyright_notice="(C)UNIAN {year}")
    categories = [Category.objects.create(name=f"Desk {n}", slug=f"desk-{n}") for n in range(8)]
    tags = [Tag.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(30)]
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"Story {n}: " + " ".join(rng.choice(WORDS) for _ in range(6)),
            slug=f"story-{n}",
            standfirst=" ".join(rng.choice(WORDS) for _ in range(20)),
            body=_paragraphs(rng, 10),
            status=Article.Status.PUBLISHED,
            published_at=now - timezone.timedelta(hours=n),
            source=unian,
            copyright_line="(C)UNIAN 2021",
        )
        for n in range(ARTICLES)
    )
    articles = list(Article.objects.order_by("pk"))
    Article.categories.through.objects.bulk_create(
        Article.categories.through(article=article, category=rng.choice(categories))
        for article in articles
    )
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article=article, tag=tag)
        for article in articles
        for tag in rng.sample(tags, 3)
    )
    readers = get_user_model().objects.bulk_create(
        get_user_model()(username=f"reader{n}", email=f"reader{n}@example.org") for n in range(50)
    )
    content_type = ContentType.objects.get_for_model(Article)
    for article in articles[:COMMENTED]:
        for n in range(COMMENTS_EACH):
            XtdComment.objects.create(
                content_type=content_type,
                object_pk=str(article.pk),
                site_id=1,
                user_name=f"Reader {n}",
                user_email=f"reader{n}@example.org",
                comment=" ".join(rng.choice(WORDS) for _ in range(30)),
                submit_date=now - timezone.timedelta(minutes=n),
                is_public=True,
            )
        likers = rng.sample(readers, rng.randint(0, 20))
        ArticleLike.objects.bulk_create(ArticleLike(article=article, user=u) for u in likers)
        Article.objects.filter(pk=article.pk).update(like_count=len(likers))
    if connection.vendor == "postgresql":
        # Fresh tables have no statistics; in production autovacuum gathers them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Article.objects.get(pk=articles[0].pk)


def measure(label: str, action, *, cold_cache: bool = False) -> tuple:
    timings, queries = [], 0
    for _ in range(REPEAT):
        if cold_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    timings.sort()
    return label, queries, statistics.median(timings), timings[int(len(timings) * 0.9) - 1]


def run() -> None:
    started = time.perf_counter()
    article = populate()
    setup_seconds = time.perf_counter() - started
    client = Client()

    def get(url):
        def action():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return action

    client.get("/")  # warm the sidebar cache and the Site cache
    rows = [
        measure("home (sidebar cached)", get("/")),
        measure("home (sidebar computed)", get("/"), cold_cache=True),
        measure("article with likes", get(article.get_absolute_url())),
        measure("category page", get("/category/desk-1/")),
        measure("monthly archive", get(f"/{article.published_at:%Y}/{article.published_at:%m}/")),
        measure("search: common word", get("/search/?q=alliance")),
        measure("search: two words", get("/search/?q=grain+corridor")),
        measure("search: no match", get("/search/?q=zeppelin")),
        measure("RSS, all stories", get("/feed/")),
        measure("Atom, site comments", get("/feed/comments/atom/")),
        measure("sitemap.xml (index)", get("/sitemap.xml"), cold_cache=True),
        measure("sitemap, 1000 articles", get("/sitemap-articles.xml"), cold_cache=True),
        measure("sitemap page (cached)", get("/sitemap-articles.xml")),
    ]
    print()
    print(
        f"Reader pages on {connection.vendor}: {ARTICLES} articles, "
        f"{COMMENTED * COMMENTS_EACH} comments (set up in {setup_seconds:.1f} s), "
        f"{REPEAT} runs each"
    )
    print(f"{'page':<28} {'queries':>7} {'median ms':>10} {'p90 ms':>8}")
    for label, queries, median, p90 in rows:
        print(f"{label:<28} {queries:>7} {median:>10.1f} {p90:>8.1f}")
