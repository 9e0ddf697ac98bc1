"""The spam pipeline against a labelled corpus (bench/spam_corpus.json), without Akismet.

Every comment is posted in order on one article through `comments.discussion.services.comment_post`,
like a person who took a minute to type it and left the honeypot empty: only the content
checks (blocklists, links, link markup, random letters, duplicates) are measured, not the
form timing or honeypot that stop most robots before that. "Caught" means not published:
refused, held or spam. tests/comments/test_spam_corpus.py asserts the targets.

A second table measures the learned filter: one half of the corpus (every other comment) is
posted and labelled by an editor's "spam" / "not spam", then the other half is posted; the
learned filter's own verdict on it and the whole pipeline's are counted, for each half taught.

    python -m bench spam
"""

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).with_name("spam_corpus.json")
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"


def load_corpus() -> list[dict]:
    return json.loads(CORPUS.read_text(encoding="utf-8"))["comments"]


def corpus_article(slug: str = "nato-russia-relations"):
    """The wire story the corpus comments on, with the demo's standfirst and body: what
    readers answer to, and what the short-promotion rule compares comments with."""
    from django.utils import timezone

    from blog.management.commands.load_demo import ARTICLE, DEMO_DIR
    from blog.models import Article

    return Article.objects.create(
        title=ARTICLE["title"],
        standfirst=ARTICLE["standfirst"],
        body=(DEMO_DIR / "article.html").read_text(encoding="utf-8"),
        slug=slug,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )


@dataclass
class Outcome:
    entry: dict
    result: str  # published, held, spam, refused
    reasons: list[str] = field(default_factory=list)
    comment: object = None  # the stored XtdComment (None when refused)

    @property
    def caught(self) -> bool:
        return self.result != "published"


def run_corpus(article, corpus: list[dict] | None = None) -> list[Outcome]:
    """Post every corpus comment on `article` (a database is needed) and record the result."""
    from comments.discussion.services import comment_post
    from comments.discussion.submission import CommentSubmission
    from comments.moderation.pipeline import CommentRejected

    outcomes = []
    for number, entry in enumerate(corpus or load_corpus()):
        try:
            submission = CommentSubmission(
                article=article,
                user=None,
                name=entry["name"],
                email=entry["email"],
                url=entry["url"],
                text=entry["text"],
                # Distinct addresses, as the corpus comes from many people (and botnets).
                ip_address=f"198.18.{number // 250}.{number % 250 + 1}",
                user_agent=USER_AGENT,
                rendered_at=time.time() - 60,
            )
            posted = comment_post(submission=submission)
        except CommentRejected as rejection:
            outcomes.append(Outcome(entry, "refused", [type(rejection).__name__]))
            continue
        decision = posted.decision
        result = {"publish": "published", "hold": "held", "spam": "spam"}[decision.verdict]
        reasons = [reason.check for reason in decision.reasons]
        outcomes.append(Outcome(entry, result, reasons, posted.comment))
    return outcomes


@dataclass
class Summary:
    spam_total: int
    spam_caught: int
    spam_results: Counter
    ham_total: int
    ham_results: Counter
    missed: list[Outcome]
    wrongly_stopped: list[Outcome]

    @property
    def spam_caught_share(self) -> float:
        return self.spam_caught / self.spam_total if self.spam_total else 0.0


def summarize(outcomes: list[Outcome]) -> Summary:
    spam = [o for o in outcomes if o.entry["label"] == "spam"]
    ham = [o for o in outcomes if o.entry["label"] == "ham"]
    return Summary(
        spam_total=len(spam),
        spam_caught=sum(o.caught for o in spam),
        spam_results=Counter(o.result for o in spam),
        ham_total=len(ham),
        ham_results=Counter(o.result for o in ham),
        missed=[o for o in spam if not o.caught],
        wrongly_stopped=[o for o in ham if o.caught],
    )


def print_report(outcomes: list[Outcome]) -> Summary:
    summary = summarize(outcomes)
    results = ["published", "held", "spam", "refused"]
    print("Spam pipeline on bench/spam_corpus.json (no Akismet)")
    print(f"{'':<12}{'total':>7}" + "".join(f"{r:>11}" for r in results))
    for label, total, counts in (
        ("spam", summary.spam_total, summary.spam_results),
        ("legitimate", summary.ham_total, summary.ham_results),
    ):
        print(f"{label:<12}{total:>7}" + "".join(f"{counts.get(r, 0):>11}" for r in results))
    print(
        f"spam caught (not published): {summary.spam_caught}/{summary.spam_total} "
        f"= {summary.spam_caught_share:.1%}  (target ≥ 90%)"
    )
    print(
        f"legitimate marked spam: {summary.ham_results.get('spam', 0)} (target 0); "
        f"held: {summary.ham_results.get('held', 0)}; refused: {summary.ham_results.get('refused', 0)}"
    )
    print()
    kinds = sorted({o.entry["kind"] for o in outcomes if o.entry["label"] == "spam"})
    print(f"{'spam kind':<14}{'total':>7}{'caught':>8}  checks that objected")
    for kind in kinds:
        group = [o for o in outcomes if o.entry["label"] == "spam" and o.entry["kind"] == kind]
        checks = Counter(check for o in group for check in o.reasons)
        listed = ", ".join(f"{name} {n}" for name, n in checks.most_common())
        print(f"{kind:<14}{len(group):>7}{sum(o.caught for o in group):>8}  {listed}")
    for title, rows in (
        ("missed spam", summary.missed),
        ("legitimate held or worse", summary.wrongly_stopped),
    ):
        if rows:
            print(f"\n{title}:")
            for o in rows:
                print(
                    f"  [{o.result}] {o.entry['kind']}/{o.entry['lang']}: {o.entry['text'][:70]!r} {o.reasons}"
                )
    return summary


def halves(corpus: list[dict]) -> tuple[list[dict], list[dict]]:
    """Every other comment: each half has every kind and language of the corpus."""
    return corpus[::2], corpus[1::2]


def editor_reviews(outcomes: list[Outcome], editor) -> None:
    """An editor goes through the queue and labels every stored comment: "spam" for spam,
    approve (or "not spam") for the rest; the learned filter learns from each decision."""
    from comments.moderation.actions import comment_mark_ham, comment_mark_spam

    for outcome in outcomes:
        if outcome.comment is not None:
            mark = comment_mark_spam if outcome.entry["label"] == "spam" else comment_mark_ham
            mark(outcome.comment, by=editor)


def learned_alone(corpus: list[dict]) -> Counter:
    """What the learned filter alone says of each comment: (label, "spam" / "hold" / "pass")."""
    from comments.moderation.checks import sends_readers_nowhere
    from comments.moderation.learned import learned_reason, learned_score

    said = Counter()
    for entry in corpus:
        fields = {key: entry[key] for key in ("text", "name", "email", "url")}
        nowhere = sends_readers_nowhere(text=entry["text"], url=entry["url"])
        reason = learned_reason(learned_score(**fields), sends_nowhere=nowhere)
        said[entry["label"], reason.verdict.value if reason else "pass"] += 1
    return said


def run() -> None:
    """Called by `python -m bench` (bench/__main__.py) inside a throw-away database."""
    from django.db import transaction
    from django.test import override_settings

    local_memory = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local_memory, AKISMET_API_KEY=""), transaction.atomic():
        print_report(run_corpus(corpus_article()))
        transaction.set_rollback(True)  # the runs below start from an empty site
    print()
    with override_settings(CACHES=local_memory, AKISMET_API_KEY=""):
        print_learned_report()


def print_learned_report() -> None:
    """Each half of the corpus in turn: post it, let an editor label it (the learned filter
    learns), then post the other half. Each run is rolled back: the next starts afresh."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import transaction

    print("After an editor labelled one half (every other comment), the other half:")
    print(
        f"{'taught':<8}{'learned alone: spam caught':>28}{'ham held':>10}{'ham spam':>10}", end=""
    )
    print(f"{'pipeline: spam caught':>24}{'ham published':>15}{'ham spam':>10}")
    for name, (taught, held_out) in (
        ("even", halves(load_corpus())),
        ("odd", halves(load_corpus())[::-1]),
    ):
        cache.clear()  # the rate limits: each run is a new day
        with transaction.atomic():
            editor = get_user_model().objects.create(username="bench-editor", is_staff=True)
            article = corpus_article(slug=f"split-{name}")
            editor_reviews(run_corpus(article, taught), editor)
            alone = learned_alone(held_out)
            summary = summarize(run_corpus(article, held_out))
            transaction.set_rollback(True)
        caught = alone["spam", "spam"] + alone["spam", "hold"]
        spam = caught + alone["spam", "pass"]
        ham_published = summary.ham_results.get("published", 0)
        print(
            f"{name:<8}{f'{caught}/{spam} = {caught / spam:.0%}':>28}"
            f"{alone['ham', 'hold']:>10}{alone['ham', 'spam']:>10}"
            f"{f'{summary.spam_caught}/{summary.spam_total} = {summary.spam_caught_share:.0%}':>24}"
            f"{f'{ham_published}/{summary.ham_total}':>15}{summary.ham_results.get('spam', 0):>10}"
        )
