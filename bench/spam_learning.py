"""How the learned spam filter improves as editors decide more (issue #17): each corpus of
bench/corpora/ is measured half by half, after the filter learned the shipped seed plus N of
this site's decisions of each label, for growing N (the protocol, `spam_protocol`, gives it
one half of the corpus: 75 of each).

The decisions are other comments of the same kind, never the measured ones: the files named
after the corpus in the folder SPAM_LEARNING_POOL, `spamassassin-*.json` (other samples of
the mail corpus: `python -m bench._mail_corpus … --offset K --output pool/spamassassin-K.json`)
and `sms-*.json` (the SMS collection's other messages: `python -m bench._sms_corpus …
--rest --output pool/sms-rest.json`). They are taught in bulk (`learned_train_new`: the
counts one decision after the other reaches), not posted one by one, since what is measured
is how much the filter knows. Each half of the corpus is then posted through the pipeline
(`bench.spam.run_corpus`: distinct addresses, no Akismet) and counted when posted.

    SPAM_LEARNING_POOL=folder python -m bench spam_learning
"""

import json
import os
from pathlib import Path
from types import SimpleNamespace

from bench.spam import corpus_article, halves, run_corpus, summarize
from bench.spam_protocol import CORPORA, load

DECISIONS = (75, 150, 300, 400, 600, 1000)


def pool_for(corpus: Path, folder: Path) -> dict[str, list[dict]]:
    """The pool's comments for `corpus`, by label, without any of the measured ones."""
    measured = {entry["text"] for entry in load(corpus)}
    entries = [e for path in sorted(folder.glob(f"{corpus.stem}-*.json")) for e in load(path)]
    return {
        label: [e for e in entries if e["label"] == label and e["text"] not in measured]
        for label in ("spam", "ham")
    }


def teach(entries: list[dict], label: str) -> None:
    from comments.moderation.learned import learned_train_new

    # Names of their own ("Sender 100001", …): the measured comments' "Sender N" tokens
    # must not be something the decisions taught.
    comments = [
        SimpleNamespace(
            comment=e["text"], user_name=f"Sender {100001 + i}", user_email=e["email"], user_url=""
        )
        for i, e in enumerate(entries)
    ]
    learned_train_new(comments=comments, label=label)


def measure(half: list[dict], pool: dict[str, list[dict]], decisions: int, slug: str):
    from django.core.cache import cache
    from django.db import transaction

    from comments.moderation.learned import SEED_MODEL, learned_import

    cache.clear()  # the rate limits: each run is a new day
    with transaction.atomic():
        learned_import(json.loads(SEED_MODEL.read_text(encoding="utf-8")))
        for label, entries in pool.items():
            teach(entries[:decisions], label)
        summary = summarize(run_corpus(corpus_article(slug=slug), half))
        transaction.set_rollback(True)
    return summary


def cell(summary) -> str:
    """ "spam kept, legitimate published", with ✓ when both targets hold."""
    published = summary.ham_results.get("published", 0)
    met = summary.spam_caught_share >= 0.9 and published >= 0.95 * summary.ham_total
    return f"{summary.spam_caught}/{summary.spam_total}, {published}/{summary.ham_total}" + (
        " ✓" if met else ""
    )


def run() -> None:
    """Called by `python -m bench` (bench/__main__.py) inside a throw-away database."""
    from django.test import override_settings

    folder = os.environ.get("SPAM_LEARNING_POOL")
    if not folder:
        print("spam_learning: set SPAM_LEARNING_POOL to a folder of decisions (module docstring)")
        return
    print("The learned filter after N decisions of each label: spam kept, legitimate published")
    print("(✓: ≥ 90% and ≥ 95%), each half of the corpus posted through the pipeline")
    print()
    print(f"{'corpus':<18}{'decisions':>10}{'odd half':>20}{'even half':>20}")
    with override_settings(AKISMET_API_KEY=""):
        for corpus in sorted(CORPORA.glob("*.json")):
            pool = pool_for(corpus, Path(folder))
            most = min(len(entries) for entries in pool.values())
            even, odd = halves(load(corpus))
            for decisions in [n for n in DECISIONS if n <= most]:
                cells = [
                    cell(measure(half, pool, decisions, f"learning-{corpus.stem}-{name}"))
                    for name, half in (("odd", odd), ("even", even))
                ]
                print(f"{corpus.stem:<18}{decisions:>10}{cells[0]:>20}{cells[1]:>20}", flush=True)
