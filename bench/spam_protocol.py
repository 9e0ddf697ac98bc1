"""Issue #17's protocol, measured from outside: the labelled corpus (bench/spam_corpus.json)
split in two halves (every other comment), without Akismet.

1. Each comment of the first half is sent through the real comment form (the article's
   `comments:post` URL, the form's signed timestamp a minute old, an empty honeypot), each
   from a client address of its own, as a stranger without cookies.
2. An editor logged into the admin labels every stored comment of that half with the
   changelist's bulk actions, as a moderator going through the queue: "Mark selected comments
   as spam" for spam, "Mark selected comments as not spam" for the rest. The learned filter
   learns from these decisions, and from nothing else.
3. The second half is sent the same way, and an anonymous reader opens the article: a
   comment is *shown* when its anchor is on the page.

"Untrained" runs step 3 on a site that saw no decision (the filter empty: no seed either,
the seed being built from this very corpus); "trained" after steps 1–2. Each half in turn
is the one taught. Counted: spam kept from readers (not on the page, whatever the reason:
refused, held or spam), legitimate comments published (on the page), held, marked spam, and
refused by the form.

Then the same on each corpus of bench/corpora/ (same JSON format), which this project did
not write and the seed model was not built from: there the site starts as a new one does,
with the shipped seed model (comments/moderation/seed_model.json), untrained and trained.

With SPAM_PROTOCOL_CORPORA set to a folder, its corpora (same format) are measured too, the
same way: other samples of a corpus (`python -m bench._mail_corpus … --offset K`).

    python -m bench spam_protocol
"""

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.spam import CORPUS, corpus_article, halves

CORPORA = Path(__file__).with_name("corpora")

CHANGELIST = "/admin/comments/comment/"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
ANCHOR_RE = re.compile(r'<li id="comment-(\d+)"')


@dataclass
class Sent:
    entry: dict
    comment_id: int | None  # None: the form refused it


def send_through_the_form(article, corpus: list[dict], first_address: int) -> list[Sent]:
    """Post each entry with the comment form, from its own address; return what was stored."""
    from django.test import Client
    from django.urls import reverse
    from django_comments_xtd.models import XtdComment

    from tests.factories import comment_form_data

    url = reverse("comments:post", args=[article.pk])
    sent = []
    for number, entry in enumerate(corpus, start=first_address):
        client = Client(
            REMOTE_ADDR=f"198.18.{number // 250}.{number % 250 + 1}", HTTP_USER_AGENT=USER_AGENT
        )
        last = XtdComment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        data = comment_form_data(
            article,
            age=60,
            name=entry["name"],
            email=entry["email"],
            url=entry["url"],
            comment=entry["text"],
        )
        response = client.post(url, data)
        stored = XtdComment.objects.filter(pk__gt=last).values_list("pk", flat=True).first()
        sent.append(Sent(entry, stored if response.status_code == 302 else None))
    return sent


def editor_labels_in_the_admin(editor, sent: list[Sent]) -> None:
    """The changelist's bulk actions, one per label, on every stored comment."""
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.test import Client

    client = Client()
    client.force_login(editor)
    for action, label in (("mark_spam", "spam"), ("mark_not_spam", "ham")):
        ids = [s.comment_id for s in sent if s.comment_id and s.entry["label"] == label]
        if ids:
            data = {"action": action, ACTION_CHECKBOX_NAME: ids, "index": 0}
            response = client.post(CHANGELIST, data)
            assert response.status_code == 302, response.content[:300]


def what_readers_see(article) -> set[int]:
    from django.test import Client

    page = Client().get(article.get_absolute_url())
    assert page.status_code == 200
    return {int(pk) for pk in ANCHOR_RE.findall(page.content.decode())}


def count(sent: list[Sent], shown: set[int]) -> Counter:
    """spam_kept / spam; ham_published, ham_held, ham_spam, ham_refused / ham."""
    from comments.models import CommentModeration

    statuses = dict(
        CommentModeration.objects.filter(
            comment_id__in=[s.comment_id for s in sent if s.comment_id]
        ).values_list("comment_id", "status")
    )
    counts = Counter()
    for s in sent:
        label = s.entry["label"]
        counts[label] += 1
        if label == "spam":
            counts["spam_kept"] += s.comment_id not in shown
        elif s.comment_id is None:
            counts["ham_refused"] += 1
        elif s.comment_id in shown:
            counts["ham_published"] += 1
        else:
            status = statuses.get(s.comment_id, "")
            counts["ham_spam" if status == CommentModeration.Status.SPAM else "ham_held"] += 1
    return counts


def measure(
    taught: list[dict], held_out: list[dict], *, trained: bool, slug: str, seed: bool = False
) -> Counter:
    """One run in a transaction rolled back afterwards: each starts from an empty site (with
    the shipped seed model when `seed`)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import transaction

    from comments.moderation.learned import SEED_MODEL, learned_import

    cache.clear()  # the rate limits: each run is a new day
    with transaction.atomic():
        if seed:
            learned_import(json.loads(SEED_MODEL.read_text(encoding="utf-8")))
        article = corpus_article(slug=slug)
        if trained:
            editor = get_user_model().objects.create_superuser(
                "bench-editor", "editor@example.org", "bench-password"
            )
            editor_labels_in_the_admin(editor, send_through_the_form(article, taught, 0))
        sent = send_through_the_form(article, held_out, 1000)
        counts = count(sent, what_readers_see(article))
        transaction.set_rollback(True)
    return counts


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["comments"]


def print_protocol(path: Path, *, seed: bool) -> None:
    from django.conf import settings

    even, odd = halves(load(path))
    where = path.relative_to(settings.BASE_DIR) if path.is_relative_to(settings.BASE_DIR) else path
    filter_start = "the shipped seed model" if seed else "an empty filter (no seed)"
    print(f"{where}: {len(even) + len(odd)} entries, the site starting with {filter_start}")
    header = ("second half", "filter", "spam kept", "ham published", "held", "spam", "refused")
    print(
        f"{header[0]:<13}{header[1]:<11}{header[2]:>16}{header[3]:>19}"
        + "".join(f"{h:>9}" for h in header[4:])
    )
    for name, (taught, held_out) in (("odd", (even, odd)), ("even", (odd, even))):
        for trained in (False, True):
            slug = f"protocol-{path.stem}-{name}-{trained}".replace("_", "-")
            c = measure(taught, held_out, trained=trained, slug=slug, seed=seed)
            kept = f"{c['spam_kept']}/{c['spam']} = {c['spam_kept'] / c['spam']:.1%}"
            published = f"{c['ham_published']}/{c['ham']} = {c['ham_published'] / c['ham']:.1%}"
            print(
                f"{name:<13}{'trained' if trained else 'untrained':<11}{kept:>16}"
                f"{published:>19}{c['ham_held']:>9}{c['ham_spam']:>9}{c['ham_refused']:>9}"
            )
    print()


def run() -> None:
    """Called by `python -m bench` (bench/__main__.py) inside a throw-away database."""
    import warnings

    from django.test import override_settings

    from comments.moderation.learned import learned_stats

    # WhiteNoise's note that `collectstatic` has not run: the bench reads no static file.
    warnings.filterwarnings("ignore", message="No directory at")

    assert learned_stats()["spam_comments"] == 0, "the protocol starts from an empty filter"
    print("Issue #17's protocol: half posted through the form and labelled by an editor in the")
    print("admin, then the other half posted (no Akismet)")
    print()
    with override_settings(AKISMET_API_KEY=""):
        print_protocol(CORPUS, seed=False)
        more = os.environ.get("SPAM_PROTOCOL_CORPORA")
        paths = sorted(CORPORA.glob("*.json")) + (sorted(Path(more).glob("*.json")) if more else [])
        for path in paths:
            print_protocol(path, seed=True)
    print("targets (trained): spam kept ≥ 90%, ham published ≥ 95%, none refused")
