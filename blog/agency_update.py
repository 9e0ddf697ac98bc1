"""Applying an agency's update held for review part by part (title, standfirst, body, photo,
byline), after keeping the article as it was in a revision."""

import reversion
from django.db import transaction

from blog import wire
from blog.models import Article
from blog.revisions import revision_by
from blog.textdiff import html_to_text, words_diff

# Each part an editor can tick, and the article fields it carries over.
PARTS = {
    "title": ("Title", ["title"]),
    "standfirst": ("Standfirst", ["standfirst"]),
    "body": ("Body", ["body"]),
    "photo": ("Photo", ["photo_url", "photo_caption", "photo_credit"]),
    "byline": ("Byline and original link", ["original_byline", "original_url"]),
}
PART_CHOICES = [(key, label) for key, (label, _) in PARTS.items()]


def _incoming(article: Article) -> dict:
    return (article.wire_update or {}).get("content") or {}


def agency_update_parts(*, article: Article) -> list[dict]:
    """The parts the held update would change: label, what the site has, what the agency
    sends, and (for the body) the words changed."""
    content = _incoming(article)
    parts = []
    for key, (label, names) in PARTS.items():
        changed = [n for n in names if n in content and content[n] != getattr(article, n)]
        if not changed:
            continue
        current = " · ".join(filter(None, (getattr(article, n) for n in names)))
        incoming = " · ".join(filter(None, (content.get(n, getattr(article, n)) for n in names)))
        diff = None
        if key == "body":
            current, incoming = html_to_text(article.body), html_to_text(content["body"])
            diff = words_diff(current, incoming)
        parts.append(
            {"key": key, "label": label, "current": current, "incoming": incoming, "diff": diff}
        )
    return parts


@transaction.atomic
def agency_update_apply(*, article: Article, parts: list[str], user) -> Article:
    """Carry the ticked `parts` of the held update over to the article; the article as it
    was is kept as a revision first. The update is then settled: the parts left out count
    as the editor's edits, so the same update is not offered again."""
    with revision_by(user, "Before applying the agency's update."):
        reversion.add_to_revision(article)
    labels = ", ".join(PARTS[key][0].lower() for key in parts)
    with revision_by(user, f"Applied the agency's update: {labels}."):
        if set(parts) == set(PARTS):
            return wire.wire_update_apply(article=article)
        content = _incoming(article)
        new_photo = "photo" in parts and content.get("photo_url", "") != article.photo_url
        for key in parts:
            for name in PARTS[key][1]:
                if name in content:
                    setattr(article, name, content[name])
        if new_photo:
            # The agency's new photo is shown from its address (the featured photo would
            # stand in front of it); the revision keeps the old choice.
            article.featured_image = None
        article.wire_snapshot = content
        article.wire_update = None
        article.save()
    return article
