"""Agency updates held for review: what they change, applying or dismissing them."""

from __future__ import annotations

from django.utils.text import capfirst

from blog.models import Article
from blog.wire.importing import _article_update
from blog.wire.markup import plain_text
from blog.wire.parse import CONTENT_FIELDS


def wire_update_changes(*, article: Article) -> list[tuple[str, str, str]]:
    """(field label, on the site, in the agency's update) for each field the update changes."""
    content = (article.wire_update or {}).get("content", {})
    changes = []
    for name in CONTENT_FIELDS:
        if name in content and content[name] != getattr(article, name):
            label = capfirst(Article._meta.get_field(name).verbose_name)
            current, new = getattr(article, name), content[name]
            if name == "body":
                current, new = plain_text(current), plain_text(new)
            changes.append((label, current, new))
    return changes


def wire_update_apply(*, article: Article) -> Article:
    """Replace the article's story with the agency's update held for review."""
    content = (article.wire_update or {}).get("content")
    if content:
        _article_update(article, content)
    return article


def wire_update_dismiss(*, article: Article) -> Article:
    """Keep the article as it is; the same update will not be offered again."""
    content = (article.wire_update or {}).get("content")
    if content:
        article.wire_snapshot = content
        article.wire_update = None
        article.save(update_fields=["wire_snapshot", "wire_update"])
    return article
