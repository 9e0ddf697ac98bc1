"""The moderation checks that produce a verdict on a stored comment: each looks at one thing
(the honeypot, link markup, random letters, the blocklist, links, a short off-topic
promotion, floods, blocked or first-time commenters) and returns a `Reason` when it
objects, None otherwise.
"""

import functools
import hashlib
import re
import unicodedata

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.discussion.selectors import PUBLIC
from comments.models import BlockedCommenter, BlocklistEntry, CommentModeration
from comments.moderation.reasons import Reason, Verdict

URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")


MARKUP_LINK_RE = re.compile(r"(?i)\[(?:url|link)[=\]]|<a\s[^>]*href")


LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")
LETTERS_RE = re.compile(r"[^\W\d_]{2,}")  # runs of two or more letters, any script


VOWELS = set("aeiouyAEIOUY")


# Letter rows of the QWERTY and ЙЦУКЕН keyboards: a "word" walking along one row
# ("asdf", "jkjkjk", "фыва") is a hand sliding over the keys, not a language.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
KEY_POSITION = {
    key: (row, column) for row, keys in enumerate(KEYBOARD_ROWS) for column, key in enumerate(keys)
}
MASH_MIN_LENGTH = 5
MASH_WORD_RE = re.compile(r"[A-Za-zЁА-яё]{5,}")


# A link written without its scheme ("cheap-bags.shop", "www.x.example"): the usual
# generic and country top-level domains are enough to catch a promotion.
BARE_DOMAIN_RE = re.compile(
    r"(?i)(?<![\w@.-])(?:[a-z0-9-]{2,}\.)+(?:com|net|org|info|biz|shop|store|online|site|"
    r"xyz|top|club|io|co|me|pro|vip|ru|ua|de|uk|us|in|cn|pl|fr|es|it|nl|eu)(?![\w-])"
)
# An email address in a comment's text: somewhere to write to, as a link is somewhere to go.
EMAIL_ADDRESS_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TOPIC_WORD_RE = re.compile(r"\w{4,}")
TAG_RE = re.compile(r"<[^>]*>")
# Words that say nothing about an article: function words, and the praise a promotion
# wraps its link in ("great post, thanks for sharing").
TOPIC_STOPWORDS = frozenset(
    [
        "about",
        "after",
        "also",
        "been",
        "before",
        "being",
        "best",
        "could",
        "does",
        "doing",
        "done",
        "each",
        "even",
        "from",
        "good",
        "great",
        "have",
        "here",
        "just",
        "know",
        "like",
        "look",
        "looking",
        "made",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "need",
        "nice",
        "only",
        "other",
        "over",
        "post",
        "posts",
        "really",
        "said",
        "same",
        "should",
        "site",
        "some",
        "such",
        "than",
        "thank",
        "thanks",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "very",
        "want",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "work",
        "would",
        "your",
        "yours",
        "article",
        "articles",
        "blog",
        "information",
        "info",
        "share",
        "sharing",
        "content",
        "website",
        "page",
        "read",
        "reading",
        "visit",
        "check",
        "keep",
        "wonderful",
        "awesome",
        "amazing",
        "interesting",
        "helpful",
        "useful",
    ]
)


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


def same_text(text: str) -> Q:
    """Comments with the same text once normalized. Comments that arrived before
    fingerprints (or without a moderation record, e.g. the demo's) are compared as written."""
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
    """Held from COMMENTS_MAX_LINKS links in the text on, as WordPress's "Hold a comment in
    the queue if it contains 2 or more links" (0 turns the rule off), unless the trained
    learned filter finds the comment legitimate (the pipeline's `lifted_by_learning`)."""
    count = len(URL_RE.findall(text))
    limit = settings.COMMENTS_MAX_LINKS
    if limit and count >= limit:
        return Reason("links", Verdict.HOLD, f"{count} links ({limit} or more are held)")
    return None


def _topic_keys(text: str) -> set[str]:
    # The first five letters stand for the word, so "Russian" meets "Russia" and "talks"
    # meets "talked"; the same works for most Cyrillic endings.
    words = TOPIC_WORD_RE.findall(normalize(text))
    return {word[:5] for word in words if word not in TOPIC_STOPWORDS and not word.isdigit()}


def article_topic_keys(article) -> set[str]:
    """The words an on-topic comment may share with `article`: its title, standfirst and
    body (markup dropped)."""
    return _topic_keys(f"{article.title}\n{article.standfirst}\n{TAG_RE.sub(' ', article.body)}")


# Ends the off-topic reason of a comment written in none of the article's scripts.
CROSS_SCRIPT = " (written in a script the article does not use)"
# In the off-topic reason of a comment promoting its website field (not a link in its text).
PROMOTING_WEBSITE = "promoting its website"


@functools.lru_cache(maxsize=4096)
def letter_script(letter: str) -> str | None:
    """The script of a letter, as the first word of its Unicode name ("LATIN", "CYRILLIC",
    "CJK", "HIRAGANA", "ARABIC", …); None for anything but a letter."""
    if not letter.isalpha():
        return None
    if letter.isascii():
        return "LATIN"
    return unicodedata.name(letter, "").split(" ", 1)[0].split("-")[0] or None


def _scripts(words) -> set[str]:
    """The scripts the letters of `words` are written in ("LATIN", "CYRILLIC", "CJK", …)."""
    return {letter_script(letter) for word in words for letter in word} - {None}


def check_off_topic_promotion(*, text: str, url: str, article) -> Reason | None:
    """Held: a short comment (fewer than COMMENTS_SHORT_PROMOTION_LENGTH characters besides
    its links) that promotes a site — a website given, a link or a bare domain in the text —
    and shares no word with the article: "Great post, thanks! cheap-bags.shop".

    A comment whose words are in none of the article's scripts (a Russian comment on an
    English article) cannot share a word with it, so sharing none says little: it is still
    held, the detail saying so (`CROSS_SCRIPT`). Like `check_links`, this hold gives way to
    the trained learned filter's "legitimate" (the pipeline's `lifted_by_learning`), except
    for a comment promoting its website field (`PROMOTING_WEBSITE`)."""
    limit = settings.COMMENTS_SHORT_PROMOTION_LENGTH
    links = URL_RE.findall(text)
    prose = BARE_DOMAIN_RE.sub(" ", URL_RE.sub(" ", text))
    promoted = url.strip() or (links and links[0]) or BARE_DOMAIN_RE.search(text)
    if not limit or not promoted or len(normalize(prose)) >= limit:
        return None
    # The text's links count as words too: a link to ".../nato-russia-talks.html" is about
    # the article; the website field does not.
    article_keys = article_topic_keys(article)
    if _topic_keys(text) & article_keys:
        return None
    prose_scripts = _scripts(_topic_keys(prose))
    cross_script = bool(prose_scripts) and not prose_scripts & _scripts(article_keys)
    promoting = PROMOTING_WEBSITE if url.strip() else "promoting a link"
    detail = f"short comment {promoting} that shares no word with the article"
    return Reason(
        "off_topic_promotion", Verdict.HOLD, detail + (CROSS_SCRIPT if cross_script else "")
    )


def sends_readers_nowhere(*, text: str, url: str) -> bool:
    """A short comment (fewer than COMMENTS_SHORT_PROMOTION_LENGTH characters) with no link,
    no domain and no email address in its text, and no website: nothing in it for a reader
    to follow or write to ("Thanks for the update."). The learned filter holds such a comment
    only from COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK (`learned_reason`)."""
    limit = settings.COMMENTS_SHORT_PROMOTION_LENGTH
    if url.strip() or URL_RE.search(text) or BARE_DOMAIN_RE.search(text):
        return False
    return bool(limit) and len(normalize(text)) < limit and not EMAIL_ADDRESS_RE.search(text)


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


def _keyboard_mash(word: str) -> bool:
    """Five or more letters, each a neighbour on the same keyboard row of the one before
    ("asdfg", "jkjkjk", "lkjhg", "фывап"), allowing one slip. Words of any language rarely
    walk a row: "were" is too short, "hahaha" jumps rows."""
    word = word.casefold()
    if len(word) < MASH_MIN_LENGTH:
        return False
    slips = 0
    for a, b in zip(word, word[1:], strict=False):
        row_a, column_a = KEY_POSITION.get(a, (None, None))
        row_b, column_b = KEY_POSITION.get(b, (None, None))
        if row_a is None or row_a != row_b or abs(column_a - column_b) != 1:
            slips += 1
    return slips <= 1 and slips < (len(word) - 1) / 4


def check_gibberish(text: str) -> Reason | None:
    """Spam when at least half the words of the text look random: Latin-letter words with
    capitals scattered inside or six consonants in a row, and Latin or Cyrillic keyboard
    mashes. Words shorter than five letters are never judged, nor are other scripts, digits
    or emoji, so a short comment in any language passes ("ок", "好文章", "👍")."""
    words = LETTERS_RE.findall(text)
    random_words = [
        word
        for word in words
        if (LATIN_WORD_RE.fullmatch(word) and _looks_random(word))
        or (MASH_WORD_RE.fullmatch(word) and _keyboard_mash(word))
    ]
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


def same_author(*, user, email) -> Q:
    if user is not None:
        return Q(user=user)
    return Q(user_email__iexact=email)


def check_flood(*, user, email, text) -> Reason | None:
    """The same text recently posted by someone else, as bots do in floods. Spam when an
    earlier copy already is; held otherwise (two people can quote the same sentence).
    Copies an editor reviewed and published do not count: the editor has read that text and
    found it legitimate, so a second reader quoting the same line is no flood."""
    if len(normalize(text)) < FLOOD_MIN_LENGTH:
        return None
    copies = (
        XtdComment.norel_objects.filter(
            same_text(text),
            submit_date__gte=timezone.now() - timezone.timedelta(days=FLOOD_WINDOW_DAYS),
            is_removed=False,
        )
        .exclude(same_author(user=user, email=email))
        .exclude(
            moderation__reviewed_by__isnull=False,
            moderation__status=CommentModeration.Status.PUBLISHED,
        )
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
    return XtdComment.norel_objects.filter(author, PUBLIC).exists()


def check_first_comment(*, user, name, email) -> Reason | None:
    if not settings.COMMENTS_HOLD_FIRST:
        return None
    if has_approved_comment(user=user, name=name, email=email):
        return None
    return Reason("first_comment", Verdict.HOLD, "first comment of this commenter")
