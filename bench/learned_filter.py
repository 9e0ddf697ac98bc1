"""The learned spam filter at the size of a busy site's model: 50,000 tokens learned from
2,000 spam and 2,000 legitimate comments.

- verdict: `learned_score` on a 120-word comment (tokenizing, the one query for its tokens
  and the totals, Robinson–Fisher combining), as the pipeline asks it for every new comment;
- training: `learned_train` on one editor's decision (lock the moderation record, insert
  the comment's new tokens, one relative update of its tokens and the totals), alternately
  "spam" and "not spam" on the same comments so every run moves real counts.

    python -m bench learned_filter
"""

import statistics
import time

TOKENS = 50_000
RUNS = 40
WORDS = [
    "ceasefire",
    "talks",
    "minister",
    "agency",
    "statement",
    "report",
    "week",
    "border",
    "sanctions",
    "election",
    "parliament",
    "vote",
    "reform",
    "energy",
    "prices",
    "winter",
    "spring",
    "summit",
    "delegation",
    "interview",
    "discount",
    "offer",
    "premium",
    "bonus",
    "free",
    "today",
    "limited",
    "exclusive",
    "channel",
    "growth",
    "system",
    "weekly",
    "earn",
    "join",
    "code",
    "unlock",
    "designer",
    "sunglasses",
    "package",
    "results",
    "fast",
    "simple",
]


def _comment_text(n: int) -> str:
    # Known words, words the model has seen once or twice, and words it never saw.
    known = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(60))
    seen = " ".join(f"tok{(n * 37 + i * 101) % TOKENS}" for i in range(40))
    unseen = " ".join(f"new{n}x{i}" for i in range(20))
    return f"{known} {seen} {unseen} https://shop{n}.example/offer"


def _build_model() -> None:
    from django.db import connection

    from comments.models import SpamToken
    from comments.moderation.learned import TOTALS

    rows = [SpamToken(token=TOTALS, spam_count=2_000, ham_count=2_000)]
    rows += [
        SpamToken(token=word, spam_count=(i * 53) % 400, ham_count=(i * 97) % 400)
        for i, word in enumerate(WORDS)
    ]
    rows += [
        SpamToken(token=f"tok{i}", spam_count=i % 7, ham_count=(i // 7) % 5)
        for i in range(TOKENS - len(rows))
    ]
    SpamToken.objects.bulk_create(rows, batch_size=1_000)
    if connection.vendor == "postgresql":
        # A live site's table has statistics (autovacuum); a table filled a moment ago has
        # none, and the planner would scan it instead of using the token index.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SpamToken._meta.db_table}")


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def run() -> None:
    from django.db import transaction
    from django.utils import timezone

    from blog.models import Article
    from comments.models import CommentModeration, SpamToken
    from comments.moderation.learned import HAM, SPAM, learned_score, learned_train
    from tests.factories import make_discussion

    with transaction.atomic():
        _build_model()
        article = Article.objects.create(
            title="Learned filter",
            slug="learned-filter",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        comments = make_discussion(article, RUNS)
        for n, comment in enumerate(comments):
            comment.comment = _comment_text(n)
            comment.save(update_fields=["comment"])
        CommentModeration.objects.bulk_create(
            CommentModeration(comment=c, checked_at=timezone.now()) for c in comments
        )
        tokens = SpamToken.objects.count()

        verdict = []
        for n in range(RUNS):
            start = time.perf_counter()
            learned_score(text=_comment_text(n), name="Rita Reader", email="rita@example.org")
            verdict.append(time.perf_counter() - start)
        training = []
        for label in (SPAM, HAM):
            for comment in comments:
                start = time.perf_counter()
                learned_train(comment=comment, label=label)
                training.append(time.perf_counter() - start)
        transaction.set_rollback(True)

    print(f"Learned spam filter, {tokens:,} tokens in the model ({RUNS} comments of 120 words)")
    print(f"{'':<34}{'median ms':>10}{'max ms':>9}{'target':>9}")
    for label, times, target in (
        ("verdict (one comment)", verdict, "< 5"),
        ("training (one decision)", training, "< 20"),
    ):
        print(f"{label:<34}{_median_ms(times):>10.2f}{max(times) * 1000:>9.2f}{target:>9}")
