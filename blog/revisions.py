"""Article revisions, kept by django-reversion: who saved what when, the difference between
two revisions, and restoring one (as a new revision, so nothing is lost either way)."""

import functools
from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.db import models, transaction
from django.utils import timezone
from django.utils.safestring import SafeString
from reversion.models import Version

from blog.models import Article
from blog.redirects import article_moved_record
from blog.textdiff import html_to_text, words_diff

# Counters, provenance kept by the import and the search document are the site's, not the
# story's: a revision does not keep them, and restoring one leaves them as they are.
reversion.register(
    Article, exclude=["like_count", "announced_at", "search_vector", "review_note", "updated_at"]
)

# What a restore puts back: the story and its filing, not its status (restoring an old
# text must not unpublish a story, nor let a contributor publish one).
RESTORED_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "body",
    "source",
    "original_url",
    "original_byline",
    "copyright_line",
    "featured_image",
    "photo_url",
    "photo_alt",
    "photo_caption",
    "photo_credit",
    "categories",
    "tags",
)
COMPARED_FIELDS = ("title", "standfirst", "body")


@contextmanager
def revision_by(user, comment: str = ""):
    """Keep whatever articles are saved inside the block as one revision by `user`."""
    with reversion.create_revision():
        reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        yield


def revision_view(comment: str):
    """Decorate an admin view so that the articles it saves are kept as a revision."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(self, request, *args, **kwargs):
            with revision_by(request.user, comment):
                return view(self, request, *args, **kwargs)

        return wrapper

    return decorate


def article_versions(article: Article):
    """The article's revisions, newest first, with who saved them."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


@dataclass
class FieldDiff:
    label: str
    changed: bool
    html: SafeString


def revisions_compare(*, old: Version, new: Version) -> list[FieldDiff]:
    """The title, standfirst and body of `new`, with the words changed since `old` marked."""
    diffs = []
    for name in COMPARED_FIELDS:
        before, after = old.field_dict.get(name, ""), new.field_dict.get(name, "")
        if name == "body":
            before, after = html_to_text(before), html_to_text(after)
        label = Article._meta.get_field(name).verbose_name
        diffs.append(FieldDiff(label.capitalize(), before != after, words_diff(before, after)))
    return diffs


def revision_restore(*, article: Article, version: Version, user) -> list[str]:
    """Put the story of `version` back into `article`; the result is a new revision.
    Returns what could not be restored, for the editor."""
    saved = dict(version.field_dict)
    notes = []
    if Article.objects.filter(slug=saved.get("slug")).exclude(pk=article.pk).exists():
        # Another story has taken the address since: this one keeps its current slug.
        notes.append(
            f"The slug “{saved.pop('slug')}” now belongs to another story: kept “{article.slug}”."
        )
    old_url = article.get_absolute_url() if article.is_public else ""
    many = {}
    with transaction.atomic(), revision_by(user, _restored_comment(version)):
        for name in RESTORED_FIELDS:
            field = Article._meta.get_field(name)
            if field.attname not in saved:
                continue
            if isinstance(field, models.ManyToManyField):
                many[name] = saved[field.attname]
            else:
                setattr(article, field.attname, saved[field.attname])
        article.save()
        for name, pks in many.items():
            getattr(article, name).set(pks)
        if old_url:
            article_moved_record(article=article, old_path=old_url)
    return notes


def _restored_comment(version: Version) -> str:
    when = timezone.localtime(version.revision.date_created).strftime("%d %b %Y, %H:%M")
    return f"Restored the revision of {when}."
