"""What happens to a submitted comment: refused, published, held for moderation, or spam.

`comment_verdict` is the single entry point the posting service calls. Two kinds of outcome:

- a *refusal* (`CommentRejected`) for submissions that are not stored at all because the
  reader can simply send them again: a form sent faster than a human types, a reader over the
  rate limit, the same text posted twice by the same person on the same article. The view
  shows the message above the form, with the text still in it.
- a *verdict* for everything stored: each cheap, independent check returns a `Reason` when
  it objects; the strictest verdict wins (spam > hold > publish) and every reason is kept for
  editors. A held or spam comment is stored hidden (`is_public=False`), never dropped.

Akismet, when configured, is asked last (and not at all when a local check already says spam);
if it errors or times out the comment is held, so nothing is published unchecked.
"""

import hashlib
import logging
import math
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC
from enum import StrEnum

import akismet
import httpx
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Article
from comments.models import BlockedCommenter, BlocklistEntry
from comments.selectors import article_comments

logger = logging.getLogger(__name__)


class Verdict(StrEnum):
    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"


SEVERITY = {Verdict.PUBLISH: 0, Verdict.HOLD: 1, Verdict.SPAM: 2}


@dataclass(frozen=True)
class Reason:
    """Why one check objected: its name (filterable in the admin), verdict and details."""

    check: str
    verdict: Verdict
    detail: str

    def as_dict(self) -> dict:
        return {"check": self.check, "verdict": str(self.verdict), "detail": self.detail}

    def __str__(self):
        return f"{self.check} ({self.verdict}): {self.detail}"


@dataclass
class Decision:
    verdict: Verdict = Verdict.PUBLISH
    reasons: list[Reason] = field(default_factory=list)

    @property
    def is_public(self) -> bool:
        return self.verdict == Verdict.PUBLISH

    def add(self, reason: Reason) -> None:
        self.reasons.append(reason)
        if SEVERITY[reason.verdict] > SEVERITY[self.verdict]:
            self.verdict = reason.verdict


class CommentRejected(Exception):
    """A submission that is not stored; `message` tells the reader why and what to do."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PostingTooFast(CommentRejected):
    status = 429

    def __init__(self, wait_seconds: int):
        self.wait_seconds = max(1, wait_seconds)
        unit = "second" if self.wait_seconds == 1 else "seconds"
        super().__init__(f"You are posting too fast, please wait {self.wait_seconds} {unit}.")


class SentTooSoon(CommentRejected):
    def __init__(self, wait_seconds: int):
        self.wait_seconds = max(1, wait_seconds)
        unit = "second" if self.wait_seconds == 1 else "seconds"
        super().__init__(
            "Your comment was sent within moments of the page opening, as spam robots do. "
            f"Please wait {self.wait_seconds} {unit} and send it again: your text is kept below."
        )


class DuplicateComment(CommentRejected):
    def __init__(self):
        super().__init__("Duplicate comment: it looks as though you have already said that here.")


# Every check's name, as stored in CommentModeration.reasons and offered by the admin filter.
CHECK_LABELS = {
    "honeypot": "Honeypot filled",
    "link_markup": "Link markup",
    "gibberish": "Random letters",
    "blocklist": "Blocklist (spam)",
    "moderation_list": "Blocklist (hold)",
    "links": "Too many links",
    "flood": "Same text as others",
    "blocked_commenter": "Blocked commenter",
    "first_comment": "First comment",
    "akismet": "Akismet: spam",
    "akismet_error": "Akismet unavailable",
    "reports": "Reported by readers",
}


# --- Refusals: form timing, rate limits, same-person duplicates -------------------------------


def check_timing(rendered_at: float | None) -> None:
    """Refuse a form sent sooner after rendering than a person could have typed into it.

    `rendered_at` is django-comments' signed form timestamp (whole seconds), so the measured
    time is up to a second longer than the real one."""
    if rendered_at is None:
        return
    minimum = settings.COMMENTS_MIN_SUBMIT_SECONDS
    age = time.time() - rendered_at
    if age < minimum:
        raise SentTooSoon(math.ceil(minimum - age))


def _rate_subjects(*, ip_address, email, user) -> list[tuple[str, int]]:
    subjects = []
    if ip_address:
        subjects.append((f"ip:{ip_address}", settings.COMMENTS_RATE_PER_IP))
    if user is not None:
        subjects.append((f"user:{user.pk}", settings.COMMENTS_RATE_PER_AUTHOR))
    elif email:
        subjects.append((f"email:{email.strip().lower()}", settings.COMMENTS_RATE_PER_AUTHOR))
    return [(subject, limit) for subject, limit in subjects if limit > 0]


def _rate_key(subject: str) -> str:
    # Hashed: cache keys must not carry raw emails (and some backends limit key characters).
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"comments:rate:{digest}"


def _recent_posts(key: str, now: float) -> list[float]:
    """Times of the posts counted under `key` within the last window (a sliding window:
    no burst of twice the limit across a window's edge)."""
    window = max(settings.COMMENTS_RATE_WINDOW, 1)
    return [moment for moment in cache.get(key, []) if moment > now - window]


def rate_limit_check(*, ip_address, email, user) -> None:
    """Refuse a comment when its IP address or author already posted the allowed number of
    comments within the window. Counts live in the shared cache (database or Redis), so the
    limit holds across workers."""
    now = time.time()
    for subject, limit in _rate_subjects(ip_address=ip_address, email=email, user=user):
        recent = _recent_posts(_rate_key(subject), now)
        if len(recent) >= limit:
            # The reader may post again when the oldest counted post leaves the window.
            oldest = sorted(recent)[-limit]
            raise PostingTooFast(max(1, math.ceil(oldest + settings.COMMENTS_RATE_WINDOW - now)))


def rate_limit_count(*, ip_address, email, user) -> None:
    """Count a stored comment against its IP address and author."""
    now = time.time()
    for subject, limit in _rate_subjects(ip_address=ip_address, email=email, user=user):
        key = _rate_key(subject)
        # Two workers counting at the same moment may lose one count: a limit, not a ledger.
        recent = _recent_posts(key, now)[-limit:] + [now]
        cache.set(key, recent, timeout=settings.COMMENTS_RATE_WINDOW + 5)


def _same_author(*, user, email) -> Q:
    if user is not None:
        return Q(user=user)
    return Q(user_email__iexact=email)


def check_own_duplicate(*, article, user, email, text) -> None:
    """Refuse the same text by the same person on the same article (a double post)."""
    if (
        article_comments(article)
        .filter(_same_author(user=user, email=email), _same_text(text), is_removed=False)
        .exists()
    ):
        raise DuplicateComment()


# --- Checks that produce a verdict ------------------------------------------------------------

URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
MARKUP_LINK_RE = re.compile(r"(?i)\[(?:url|link)[=\]]|<a\s[^>]*href")
LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")
VOWELS = set("aeiouyAEIOUY")
# Shorter texts are too often repeated by different people ("Thank you!", "+1").
FLOOD_MIN_LENGTH = 20
FLOOD_WINDOW_DAYS = 7


def normalize(text: str) -> str:
    """NFKC (full-width and other look-alike letters become plain ones), invisible format
    characters (zero-width spaces and joiners, direction marks) dropped, lower case, single
    spaces."""
    visible = "".join(
        c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf"
    )
    return " ".join(visible.casefold().split())


def text_fingerprint(text: str) -> str:
    """What the duplicate and flood checks compare: the normalized text, hashed."""
    return hashlib.sha256(normalize(text).encode()).hexdigest()


def _same_text(text: str) -> Q:
    # Comments that arrived before fingerprints (or without a moderation record, e.g. the
    # demo's) are still compared as written.
    return Q(moderation__text_fingerprint=text_fingerprint(text)) | Q(comment__iexact=text.strip())


def check_honeypot(honeypot: str) -> Reason | None:
    if honeypot:
        return Reason("honeypot", Verdict.SPAM, "the hidden field that only robots see was filled")
    return None


def check_link_markup(text: str) -> Reason | None:
    # Comments are plain text here: BBCode or HTML links are written by forum-spam robots.
    if MARKUP_LINK_RE.search(text):
        return Reason(
            "link_markup", Verdict.SPAM, "BBCode or HTML link markup in a plain-text comment"
        )
    return None


def check_links(text: str) -> Reason | None:
    count = len(URL_RE.findall(text))
    limit = settings.COMMENTS_MAX_LINKS
    if count > limit:
        return Reason("links", Verdict.HOLD, f"{count} links (more than {limit})")
    return None


def _looks_random(word: str) -> bool:
    """A Latin-letter word no language writes: capitals scattered inside ("KdfjUenskQpw";
    brand names such as "MacBookPro" or "iPhone" have at most two), or six or more
    consonants in a row ("sdfghjkl")."""
    if len(word) < 6:
        return False
    inner_capitals = sum(letter.isupper() for letter in word[1:])
    lowercase = sum(letter.islower() for letter in word)
    switches = sum(1 for a, b in zip(word, word[1:], strict=False) if a.isupper() != b.isupper())
    if inner_capitals >= 3 and lowercase >= 3 and switches >= 5:
        return True
    run = longest = 0
    for letter in word:
        run = 0 if letter in VOWELS else run + 1
        longest = max(longest, run)
    return longest >= 6


def check_gibberish(text: str) -> Reason | None:
    """Spam when at least half the Latin-letter words of the text look random. Cyrillic and
    other scripts are not judged (no robot gibberish seen in them)."""
    words = LATIN_WORD_RE.findall(text)
    random_words = [word for word in words if _looks_random(word)]
    if random_words and len(random_words) / len(words) >= 0.5:
        sample = ", ".join(random_words[:3])
        return Reason("gibberish", Verdict.SPAM, f"random letters ({sample})")
    return None


def _word_pattern(value: str) -> re.Pattern:
    prefix = value.endswith("*")
    words = value.rstrip("*").split()
    body = r"\s+".join(re.escape(word) for word in words)
    ending = r"\w*" if prefix else ""
    return re.compile(rf"(?<!\w){body}{ending}(?!\w)", re.IGNORECASE)


def _domain_pattern(domain: str) -> re.Pattern:
    # "example.com" also matches its subdomains; a bare top-level domain ("xyz") needs at
    # least one label before it, so the plain word is not a match.
    labels = r"(?:[\w-]+\.)*" if "." in domain else r"(?:[\w-]+\.)+"
    return re.compile(rf"(?<![\w.-]){labels}{re.escape(domain)}(?![\w-]|\.\w)", re.IGNORECASE)


def check_blocklist(*, name: str, email: str, url: str, text: str, entries) -> list[Reason]:
    """Words are looked for in the name, text, website and email address; domains in links,
    bare domain names in the text, the website field and the email address."""
    haystack = normalize(f"{name}\n{text}\n{url}\n{email}")
    reasons = []
    for entry in entries:
        if entry.kind == BlocklistEntry.Kind.WORD:
            pattern, what = _word_pattern(entry.value), "blocked word"
        else:
            pattern, what = _domain_pattern(entry.value), "blocked domain"
        if pattern.search(haystack):
            verdict = Verdict.SPAM if entry.action == BlocklistEntry.Action.SPAM else Verdict.HOLD
            check = "blocklist" if verdict == Verdict.SPAM else "moderation_list"
            reasons.append(Reason(check, verdict, f"{what} “{entry.value}”"))
    return reasons


def check_blocked_commenter(*, user, email) -> Reason | None:
    who = Q(email=email.strip().lower()) if email else Q(pk__in=[])
    if user is not None:
        who |= Q(user=user)
    if BlockedCommenter.objects.filter(who).exists():
        return Reason("blocked_commenter", Verdict.SPAM, "the commenter is blocked")
    return None


def check_flood(*, user, email, text) -> Reason | None:
    """The same text recently posted by someone else, as bots do in floods. Spam when an
    earlier copy already is; held otherwise (two people can quote the same sentence)."""
    if len(normalize(text)) < FLOOD_MIN_LENGTH:
        return None
    copies = (
        XtdComment.norel_objects.filter(
            _same_text(text),
            submit_date__gte=timezone.now() - timezone.timedelta(days=FLOOD_WINDOW_DAYS),
            is_removed=False,
        )
        .exclude(_same_author(user=user, email=email))
        .values_list("moderation__status", flat=True)
    )
    statuses = list(copies[:50])
    if not statuses:
        return None
    detail = f"same text as {len(statuses)} recent comment(s) by other people"
    if "spam" in statuses:
        return Reason("flood", Verdict.SPAM, detail + ", already marked spam")
    return Reason("flood", Verdict.HOLD, detail)


def has_approved_comment(*, user, name, email) -> bool:
    """Trust, as WordPress: an account, or a guest with the same name and email, that has a
    published comment."""
    author = Q(user=user) if user is not None else Q(user_email__iexact=email, user_name=name)
    return XtdComment.norel_objects.filter(author, is_public=True, is_removed=False).exists()


def check_first_comment(*, user, name, email) -> Reason | None:
    if not settings.COMMENTS_HOLD_FIRST:
        return None
    if has_approved_comment(user=user, name=name, email=email):
        return None
    return Reason("first_comment", Verdict.HOLD, "first comment of this commenter")


# --- Akismet -----------------------------------------------------------------------------------


def akismet_enabled() -> bool:
    return bool(settings.AKISMET_API_KEY)


def _akismet_http_client() -> httpx.Client:
    # Our own client, for our timeout (the package's default, 1 s, comes from an
    # environment variable read at import time).
    return httpx.Client(
        headers={"User-Agent": akismet.USER_AGENT}, timeout=settings.AKISMET_TIMEOUT
    )


def _akismet_config() -> akismet.Config:
    return akismet.Config(key=settings.AKISMET_API_KEY, url=settings.AKISMET_SITE_URL)


def akismet_fields(
    *, article, user, name, email, url, text, user_agent, referrer, is_reply
) -> dict:
    """The optional comment-check fields Akismet recommends, from what Wirepress knows."""
    fields = {
        "comment_type": "reply" if is_reply else "comment",
        "comment_author": name,
        "comment_author_email": email,
        "comment_author_url": url,
        "comment_content": text,
        "permalink": settings.AKISMET_SITE_URL.rstrip("/") + article.get_absolute_url(),
        "user_agent": user_agent,
        "referrer": referrer,
        "blog_lang": settings.LANGUAGE_CODE.split("-")[0],
        "blog_charset": "UTF-8",
    }
    if user is not None and user.is_staff:
        fields["user_role"] = "administrator"
    if settings.AKISMET_IS_TEST:
        fields["is_test"] = True
    return {key: value for key, value in fields.items() if value not in ("", None)}


def check_akismet(*, ip_address, **fields) -> Reason | None:
    """Ask Akismet. Spam (or blatant spam) → spam; an error or a timeout → hold."""
    try:
        with _akismet_http_client() as http:
            client = akismet.SyncClient(config=_akismet_config(), http_client=http)
            answer = client.comment_check(user_ip=ip_address or "", **akismet_fields(**fields))
    except akismet.AkismetError as exc:
        logger.warning("Akismet check failed: %s", exc)
        return Reason("akismet_error", Verdict.HOLD, f"Akismet did not answer ({exc}); held")
    if answer == akismet.CheckResponse.DISCARD:
        return Reason("akismet", Verdict.SPAM, "Akismet: blatant spam")
    if answer == akismet.CheckResponse.SPAM:
        return Reason("akismet", Verdict.SPAM, "Akismet: spam")
    return None


def akismet_submit(comment: XtdComment, *, spam: bool) -> bool:
    """Tell Akismet an editor's correction (spam, or not spam). False when Akismet is off,
    the IP address is already cleared (Akismet requires it) or the call fails."""
    if not akismet_enabled() or not comment.ip_address:
        return False
    moderation = getattr(comment, "moderation", None)
    article = Article.objects.filter(pk=comment.object_pk).first()
    if article is None:
        return False
    fields = akismet_fields(
        article=article,
        user=comment.user,
        name=comment.user_name,
        email=comment.user_email,
        url=comment.user_url,
        text=comment.comment,
        user_agent=moderation.user_agent if moderation else "",
        referrer=moderation.referrer if moderation else "",
        is_reply=comment.parent_id != comment.pk,
    )
    fields["comment_date_gmt"] = comment.submit_date.astimezone(UTC).isoformat()
    try:
        with _akismet_http_client() as http:
            client = akismet.SyncClient(config=_akismet_config(), http_client=http)
            send = client.submit_spam if spam else client.submit_ham
            return send(user_ip=comment.ip_address, **fields)
    except akismet.AkismetError as exc:
        logger.warning("Akismet %s report failed: %s", "spam" if spam else "ham", exc)
        return False


# --- The pipeline --------------------------------------------------------------------------


def comment_verdict(
    *,
    article,
    user,
    name,
    email,
    url,
    text,
    ip_address,
    user_agent,
    honeypot: str = "",
    rendered_at: float | None = None,
    referrer: str = "",
    parent=None,
) -> Decision:
    """Decide what to do with a new comment, or raise `CommentRejected`. Without any check
    objecting it is published (WordPress's default for a site that does not hold first
    comments). Editors' own comments skip the checks."""
    decision = Decision()
    if user is not None and user.is_staff:
        return decision

    honeypot_reason = check_honeypot(honeypot)
    if honeypot_reason:
        # Stored as spam without a word: a robot learns nothing from the answer.
        decision.add(honeypot_reason)
    else:
        check_timing(rendered_at)
    rate_limit_check(ip_address=ip_address, email=email, user=user)
    check_own_duplicate(article=article, user=user, email=email, text=text)

    entries = list(BlocklistEntry.objects.all())
    checks = [
        check_blocked_commenter(user=user, email=email),
        check_link_markup(text),
        check_gibberish(text),
        *check_blocklist(name=name, email=email, url=url, text=text, entries=entries),
        check_links(text),
        check_flood(user=user, email=email, text=text),
        check_first_comment(user=user, name=name, email=email),
    ]
    for reason in checks:
        if reason is not None:
            decision.add(reason)

    if akismet_enabled() and decision.verdict != Verdict.SPAM:
        reason = check_akismet(
            ip_address=ip_address,
            article=article,
            user=user,
            name=name,
            email=email,
            url=url,
            text=text,
            user_agent=user_agent,
            referrer=referrer,
            is_reply=parent is not None,
        )
        if reason is not None:
            decision.add(reason)
    return decision
