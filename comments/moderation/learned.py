"""The learned spam filter: a naive Bayes, trained by the editors' decisions, with Gary
Robinson's per-token probabilities and Fisher's chi-square combining, as SpamBayes and
Bogofilter do.

- **Tokens.** Words of three letters or more of the text (NFKC, case-folded, any script), CJK runs as character
  pairs (they have no spaces), emoji one by one, a word mixing Latin, Cyrillic or Greek
  letters ("vіagra" with a Cyrillic "і"), the domains of links and of the website
  (`domain:shop.example.com` and its parents), the number of links, the words of the name
  (`name:…`) and the email domain (`emaildomain:…`). Shapes besides, which the words alone
  lose: a word written in capitals (`upper:free` for "FREE", as Bogofilter keeps case), the
  length of each number of three digits or more (`digits:11`: a phone number, whichever it
  is), each script the text is written in (`script:cyrillic`, `script:cjk`: a site learns
  which languages its readers write in) and the text's length, in powers of two
  (`length:7`: 64 to 127 characters). A comment counts each token once.
- **Training.** An editor's "spam", "not spam" or approval adds the comment's tokens to
  the spam or legitimate counts (`SpamToken`, one row each, plus the `TOTALS` row counting
  comments), in one transaction, with relative updates so concurrent decisions add up.
  `CommentModeration.trained_as` remembers the label: the same decision twice counts once,
  a reversed one moves the counts from one side to the other.
- **Scoring.** f(w) = (s·x + n·p(w)) / (s + n) with s = 1, x = 0.5, where p(w) is the share
  of spam among the token's frequencies (spam count / spam comments, against ham count /
  ham comments) and n the comments it was seen in. The `MAX_CLUES` tokens farthest from 0.5
  (at least `MIN_STRENGTH` away) are combined with Fisher's method into a spam and a ham
  indicator; the score is (1 + S − H) / 2: near 1 spam, near 0 legitimate, 0.5 unsure or no
  evidence.
"""

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from comments.models import CommentModeration, SpamToken
from comments.moderation.checks import URL_RE, letter_script
from comments.moderation.reasons import Reason, Verdict

SPAM, HAM = "spam", "ham"
COUNT_FIELDS = {SPAM: "spam_count", HAM: "ham_count"}
# The row counting trained comments: no token holds a space, so it cannot collide.
TOTALS = " comments"

ROBINSON_S = 1.0
ROBINSON_X = 0.5
MIN_STRENGTH = 0.1  # a token nearer 0.5 than this says nothing (SpamBayes' default)
MAX_CLUES = 30
# Bounds the cost of one (very long) comment; the first tokens are the ones kept.
MAX_TOKENS = 1000
MAX_WORD = 30  # longer "words" (encoded junk) become one "long:" token per first letter
# Shorter words ("of", "за", "и") are in every comment of their language, spam or not: they
# only lend a short legitimate comment the colour of the spam written in it (SpamBayes also
# skips them). CJK pairs are not words of this kind.
MIN_WORD = 3

WORD_RE = re.compile(r"\w+")
CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f"
)
CJK_SPLIT_RE = re.compile(rf"[{CJK}]+|[^{CJK}]+")
CJK_RUN_RE = re.compile(rf"[{CJK}]")
# The scripts whose look-alike letters make a word that mixes them ("vіagra") suspicious.
MIXABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
NUMBER_RE = re.compile(r"\d{3,}")
MAX_DIGITS = 12  # longer numbers share one token
MAX_LENGTH_BITS = 13  # texts of 4,096 characters and more share one length token


# --- Tokens ------------------------------------------------------------------------------


def _clean(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def _word_tokens(text: str):
    for word in WORD_RE.findall(text):
        for part in CJK_SPLIT_RE.findall(word):
            if CJK_RUN_RE.match(part):
                # No spaces between CJK words: overlapping character pairs stand for them.
                yield from (part[i : i + 2] for i in range(max(len(part) - 1, 1)))
            elif len(part) > MAX_WORD:
                yield f"long:{part[0]}"
            elif len(part) >= MIN_WORD:
                yield part
                if len({letter_script(c) for c in part} & MIXABLE_SCRIPTS) > 1:
                    yield "script:mixed"


def _shape_tokens(prose: str):
    """What case-folded words lose: the words written in capitals, the length of each long
    number, the scripts of the letters (`prose` NFKC-normalized, not case-folded)."""
    for word in WORD_RE.findall(prose):
        if MIN_WORD <= len(word) <= MAX_WORD and word.isalpha() and word.isupper():
            yield f"upper:{word.casefold()}"
    for number in NUMBER_RE.findall(prose):
        yield f"digits:{min(len(number), MAX_DIGITS)}"
    for script in sorted({letter_script(c) for c in set(prose)} - {None}):
        yield f"script:{script.lower()}"


def _emoji_tokens(text: str):
    # Emoji and other pictographs are "other symbols"; variation selectors are dropped.
    return (c for c in text if unicodedata.category(c) == "So")


def _domain_tokens(host: str):
    host = host.strip(".").removeprefix("www.")
    if not host:
        return
    labels = host.split(".")
    for start in range(max(len(labels) - 1, 1)):
        yield "domain:" + ".".join(labels[start:])


def _host(link: str) -> str:
    link = re.sub(r"^(?:[a-z][a-z0-9+.-]*://)?", "", link, count=1)
    host = re.split(r"[/?#:@]", link, maxsplit=1)[0]
    return host.strip(".,;!)]}")[: 100 - len("domain:")]


def tokenize(*, text: str, name: str = "", email: str = "", url: str = "") -> list[str]:
    """The distinct tokens of a comment, in the order first seen (at most `MAX_TOKENS`)."""
    normalized = unicodedata.normalize("NFKC", text)
    text = normalized.casefold()
    links = URL_RE.findall(text)
    tokens = [token for link in links for token in _domain_tokens(_host(link))]
    if url.strip():
        tokens += ["website"] + list(_domain_tokens(_host(_clean(url.strip()))))
    tokens.append(f"links:{min(len(links), 3)}")
    prose = URL_RE.sub(" ", text)
    tokens += _word_tokens(prose)
    tokens += _emoji_tokens(prose)
    tokens += _shape_tokens(URL_RE.sub(" ", normalized))
    tokens.append(f"length:{min(len(text).bit_length(), MAX_LENGTH_BITS)}")
    tokens += (f"name:{word}" for word in _word_tokens(_clean(name)))
    if "@" in email:
        tokens.append("emaildomain:" + _clean(email.rsplit("@", 1)[1].strip())[:80])
    unique = [token[:100] for token in dict.fromkeys(tokens) if token.strip()]
    return unique[:MAX_TOKENS]


def comment_tokens(comment) -> list[str]:
    return tokenize(
        text=comment.comment, name=comment.user_name, email=comment.user_email, url=comment.user_url
    )


# --- Training ----------------------------------------------------------------------------


def _add_counts(tokens, changes: dict) -> None:
    """Apply `changes` ({field: +1 or -1}) to `tokens` and the totals, creating missing rows
    first: one insert that skips existing rows, one relative update (so two workers training
    at once both count, on every database)."""
    tokens = [*tokens, TOTALS]
    SpamToken.objects.bulk_create(
        [SpamToken(token=token) for token in tokens], ignore_conflicts=True, batch_size=500
    )
    updates = {
        field: F(field) + 1 if step > 0 else Greatest(F(field) - 1, 0)
        for field, step in changes.items()
    }
    SpamToken.objects.filter(token__in=tokens).update(**updates)


def learned_train(*, comment, label: str) -> bool:
    """Teach the filter an editor's label ("spam" or "ham") for `comment`. Returns False when
    the comment was already trained with this label (nothing changes)."""
    with transaction.atomic():
        record = CommentModeration.objects.select_for_update().get(comment_id=comment.pk)
        previous = record.trained_as
        if previous == label:
            return False
        changes = {COUNT_FIELDS[label]: +1}
        if previous:
            changes[COUNT_FIELDS[previous]] = -1
        _add_counts(comment_tokens(comment), changes)
        record.trained_as = label
        record.save(update_fields=["trained_as"])
    if hasattr(comment, "moderation"):
        comment.moderation.trained_as = label
    return True


def learned_train_new(*, comments, label: str) -> int:
    """Teach the filter `label` for `comments` never trained before, all at once: an
    import's, whose moderation records the caller creates with `trained_as=label`. The
    counts are those `learned_train` would reach one comment after the other, in a few
    statements (one update per distinct increment). Returns the number of comments."""
    counts = Counter(token for comment in comments for token in comment_tokens(comment))
    if not counts:
        return 0
    counts[TOTALS] += len(comments)
    SpamToken.objects.bulk_create(
        [SpamToken(token=token) for token in counts], ignore_conflicts=True, batch_size=500
    )
    field = COUNT_FIELDS[label]
    by_step = defaultdict(list)
    for token, step in counts.items():
        by_step[step].append(token)
    with transaction.atomic():
        for step, tokens in by_step.items():
            for start in range(0, len(tokens), 500):
                SpamToken.objects.filter(token__in=tokens[start : start + 500]).update(
                    **{field: F(field) + step}
                )
    return len(comments)


def learned_reset() -> None:
    """Forget everything: no token, no trained comment."""
    with transaction.atomic():
        SpamToken.objects.all().delete()
        CommentModeration.objects.exclude(trained_as="").update(trained_as="")


def _store(counts: dict[str, list[int]]) -> None:
    SpamToken.objects.all().delete()
    SpamToken.objects.bulk_create(
        [SpamToken(token=t, spam_count=s, ham_count=h) for t, (s, h) in counts.items()],
        batch_size=500,
    )


def learned_retrain() -> dict[str, int]:
    """Rebuild the model from this site's reviewed comments only: those an editor left as
    spam or published. Returns the number of comments of each label."""
    from django_comments_xtd.models import XtdComment

    labels = {CommentModeration.Status.SPAM: SPAM, CommentModeration.Status.PUBLISHED: HAM}
    reviewed = XtdComment.norel_objects.filter(
        moderation__reviewed_at__isnull=False, moderation__status__in=list(labels)
    ).values_list("pk", "comment", "user_name", "user_email", "user_url", "moderation__status")
    counts: dict[str, list[int]] = {}
    trained = {SPAM: [], HAM: []}
    for pk, text, name, email, url, status in reviewed.iterator():
        label = labels[status]
        side = 0 if label == SPAM else 1
        for token in [*tokenize(text=text, name=name, email=email, url=url), TOTALS]:
            counts.setdefault(token, [0, 0])[side] += 1
        trained[label].append(pk)
    with transaction.atomic():
        CommentModeration.objects.exclude(trained_as="").update(trained_as="")
        for label, pks in trained.items():
            CommentModeration.objects.filter(comment_id__in=pks).update(trained_as=label)
        _store(counts)
    return {label: len(pks) for label, pks in trained.items()}


# --- Export and import -------------------------------------------------------------------

EXPORT_FORMAT = "wirepress-learned-spam-filter"


def learned_export() -> dict:
    rows = SpamToken.objects.order_by("token").values_list("token", "spam_count", "ham_count")
    tokens = {token: [spam, ham] for token, spam, ham in rows.iterator()}
    spam, ham = tokens.pop(TOTALS, [0, 0])
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "spam_comments": spam,
        "ham_comments": ham,
        "tokens": tokens,
    }


def _count(value, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{where}: expected a count (a whole number ≥ 0), not {value!r}")
    return value


def learned_import(data) -> int:
    """Replace the model with an exported one (ValueError, and nothing changed, when `data`
    is not one). The comments trained before are no longer marked as trained: the new model
    does not hold their counts. Returns the number of tokens."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not an export of the learned spam filter (format {EXPORT_FORMAT!r})")
    if data.get("version") != 1:
        raise ValueError(f"unknown version {data.get('version')!r} (this site reads version 1)")
    tokens = data.get("tokens")
    if not isinstance(tokens, dict):
        raise ValueError("'tokens' must be an object: {token: [spam count, legitimate count]}")
    counts = {TOTALS: [_count(data.get(f"{label}_comments"), label) for label in (SPAM, HAM)]}
    for token, pair in tokens.items():
        if not token.strip() or len(token) > 100 or not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"token {token[:40]!r}: expected a short token and [spam, ham]")
        counts[token] = [_count(value, f"token {token[:40]!r}") for value in pair]
    with transaction.atomic():
        CommentModeration.objects.exclude(trained_as="").update(trained_as="")
        _store(counts)
    return len(tokens)


# --- The seed model ----------------------------------------------------------------------

# Shipped with the project so that a new site starts better than empty: built by
# `python -m bench._seed_model` from the labelled corpus (README, "Seed model").
SEED_MODEL = Path(__file__).with_name("seed_model.json")


def learned_is_empty() -> bool:
    """True when the filter has learned nothing (a new site, or after a reset)."""
    return not SpamToken.objects.filter(token=TOTALS).exclude(spam_count=0, ham_count=0).exists()


def learned_load_seed(*, if_new: bool = False) -> int | None:
    """Replace the model with the shipped seed and return its number of tokens; with
    `if_new`, only on a filter that has learned nothing (None when it was left as it was).
    Editors' decisions then add to the seed's counts; `learned_retrain` drops it."""
    with transaction.atomic():
        if if_new and not learned_is_empty():
            return None
        return learned_import(json.loads(SEED_MODEL.read_text(encoding="utf-8")))


# --- Scoring -----------------------------------------------------------------------------


def _chi2_survival(chi2: float, degrees: int) -> float:
    """P(X ≥ chi2) for a chi-square X with an even number of degrees of freedom."""
    half = chi2 / 2.0
    term = total = math.exp(-half)
    for i in range(1, degrees // 2):
        term *= half / i
        total += term
    return min(total, 1.0)


@dataclass(frozen=True)
class Score:
    spam_comments: int
    ham_comments: int
    probability: float = 0.5
    clues: tuple[tuple[str, float], ...] = ()  # (token, f(w)), most spammy first

    @property
    def enough_evidence(self) -> bool:
        least = settings.COMMENTS_LEARNED_MIN_EACH
        return self.spam_comments >= least and self.ham_comments >= least


def score_tokens(tokens: list[str], counts: dict[str, tuple[int, int]]) -> Score:
    """Score `tokens` against `counts` ({token: (spam, ham)}, with `TOTALS`)."""
    n_spam, n_ham = counts.get(TOTALS, (0, 0))
    if not n_spam or not n_ham:
        return Score(n_spam, n_ham)
    clues = []
    for token in tokens:
        spam, ham = counts.get(token, (0, 0))
        if not spam and not ham:
            continue
        spam_ratio, ham_ratio = min(spam / n_spam, 1.0), min(ham / n_ham, 1.0)
        p = spam_ratio / (spam_ratio + ham_ratio)
        n = spam + ham
        f = (ROBINSON_S * ROBINSON_X + n * p) / (ROBINSON_S + n)
        if abs(f - 0.5) >= MIN_STRENGTH:
            clues.append((abs(f - 0.5), token, f))
    clues = sorted(clues, reverse=True)[:MAX_CLUES]
    if not clues:
        return Score(n_spam, n_ham)
    # f stays within (0, 1): s = 1 keeps it off both ends.
    spam_ln = sum(math.log(1.0 - f) for _, _, f in clues)
    ham_ln = sum(math.log(f) for _, _, f in clues)
    spamminess = 1.0 - _chi2_survival(-2.0 * spam_ln, 2 * len(clues))
    hamminess = 1.0 - _chi2_survival(-2.0 * ham_ln, 2 * len(clues))
    probability = (1.0 + spamminess - hamminess) / 2.0
    ranked = tuple(sorted(((token, f) for _, token, f in clues), key=lambda c: -c[1]))
    return Score(n_spam, n_ham, probability, ranked)


def learned_score(*, text: str, name: str = "", email: str = "", url: str = "") -> Score:
    """Score a comment against the stored model: one query for its tokens and the totals."""
    tokens = tokenize(text=text, name=name, email=email, url=url)
    rows = SpamToken.objects.filter(token__in=[*tokens, TOTALS]).values_list(
        "token", "spam_count", "ham_count"
    )
    return score_tokens(tokens, {token: (spam, ham) for token, spam, ham in rows})


def learned_clears(score: Score) -> bool:
    """The filter, with its minimum evidence, finds the comment legitimate: below
    COMMENTS_LEARNED_HAM_THRESHOLD (0.5 by default: its evidence leans legitimate; 0 never).
    The pipeline then lifts the rules' holds that stand in for a missing opinion."""
    return score.enough_evidence and score.probability < settings.COMMENTS_LEARNED_HAM_THRESHOLD


def describe_token(token: str) -> str:
    """A token as editors read it among the strongest words: the shapes in words ("FREE",
    "11-digit number", "Cyrillic script", "64–127 characters"), the rest as it is."""
    kind, _, value = token.partition(":")
    if kind == "upper" and value:
        return value.upper()
    if kind == "digits" and value.isdigit():
        if int(value) >= MAX_DIGITS:
            return f"number of {value} digits or more"
        return f"{value}-digit number"
    if kind == "script" and value and value != "mixed":
        return f"{value.upper() if len(value) <= 3 else value.title()} script"
    if kind == "length" and value.isdigit():
        bits = int(value)
        low = 2 ** (bits - 1) if bits else 0
        if bits >= MAX_LENGTH_BITS:
            return f"{low:,}+ characters"
        return f"{low:,}–{2**bits - 1:,} characters"
    return token


def learned_reason(score: Score, *, sends_nowhere: bool = False) -> Reason | None:
    """The filter's check in the pipeline, from a comment's `learned_score`: spam at or
    above COMMENTS_LEARNED_SPAM_THRESHOLD, held at or above COMMENTS_LEARNED_HOLD_THRESHOLD;
    no opinion below, or before the filter has seen COMMENTS_LEARNED_MIN_EACH comments of
    each label. A comment that `sends_nowhere` (`checks.sends_readers_nowhere`: short, no
    link, domain, email address or website) is held only from
    COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK."""
    if not score.enough_evidence:
        return None
    hold_from = settings.COMMENTS_LEARNED_HOLD_THRESHOLD
    if sends_nowhere:
        # The uncertain middle holds a comment in case it promotes something; one that sends
        # readers nowhere promotes nothing, and its few words make the filter's doubt cheap:
        # "Thanks for the update." scores 0.72 when "thanks for" opens much of the spam.
        hold_from = max(hold_from, settings.COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK)
    if score.probability >= settings.COMMENTS_LEARNED_SPAM_THRESHOLD:
        verdict = Verdict.SPAM
    elif score.probability >= hold_from:
        verdict = Verdict.HOLD
    else:
        return None
    strongest = ", ".join(describe_token(token) for token, f in score.clues[:5] if f > 0.5)
    return Reason(
        "learned",
        verdict,
        f"learned filter: {score.probability:.2f} spam; strongest words: {strongest}",
    )


def learned_stats() -> dict[str, int]:
    totals = SpamToken.objects.filter(token=TOTALS).values_list("spam_count", "ham_count")
    spam, ham = totals.first() or (0, 0)
    return {
        "spam_comments": spam,
        "ham_comments": ham,
        "tokens": SpamToken.objects.exclude(token=TOTALS).count(),
    }
