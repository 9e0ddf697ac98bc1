"""Posting comments in tests: through the real service, with a human-looking submission."""

import time

from comments.discussion.services import comment_post

_addresses = iter(range(1, 1_000_000))


def post(article, **fields):
    """Post a guest comment on `article` as a person who took a minute to type it, from an
    address of its own unless `ip_address` is given."""
    n = next(_addresses)
    values = {
        "user": None,
        "name": "Rita Reader",
        "email": "rita@example.org",
        "url": "",
        "text": "A perfectly ordinary comment about the article.",
        "ip_address": f"192.0.2.{n % 250 + 1}",
        "user_agent": "Mozilla/5.0 (test)",
        "rendered_at": time.time() - 60,
    }
    values.update(fields)
    return comment_post(article=article, **values)


def form_data(article, *, age: int = 60, **fields) -> dict:
    """A comment form's POST data, signed as if the page was rendered `age` seconds ago."""
    from comments.discussion.forms import CommentForm

    form = CommentForm(article)
    timestamp = int(time.time()) - age
    data = {
        "content_type": form.initial["content_type"],
        "object_pk": form.initial["object_pk"],
        "timestamp": str(timestamp),
        "security_hash": form.initial_security_hash(timestamp),
        "name": "Rita Reader",
        "email": "rita@example.org",
        "url": "",
        "comment": "A perfectly ordinary comment about the article.",
        "honeypot": "",
    }
    data.update(fields)
    return data
