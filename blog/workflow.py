"""The newsroom: who may do what to an article, and the review between writing and publishing.

Roles are groups (migration 0021): a Contributor writes and submits for review, an Author
also publishes their own stories, an Editor publishes, edits and schedules anyone's.
The rights are permissions on Article (`publish_article`, `edit_any_article`), so a
superuser has them all and a site may grant them outside the groups too.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from blog.models import Article
from blog.tasks import review_mail_task

ROLES = ("Contributor", "Author", "Editor")


def user_can_publish(user) -> bool:
    return user.has_perm("blog.publish_article") or user_edits_any(user)


def user_edits_any(user) -> bool:
    return user.has_perm("blog.edit_any_article")


def articles_editable_by(user, queryset=None):
    """The articles `user` may open in the admin: all for an editor, else their own."""
    queryset = Article.objects.all() if queryset is None else queryset
    if user_edits_any(user):
        return queryset
    return queryset.filter(author=user)


def article_editable_by(article: Article, user) -> bool:
    """May `user` change `article`? A contributor's own story stops being theirs to edit
    once published (an editor answers for it from then on)."""
    if user_edits_any(user):
        return True
    if article.author_id != user.pk:
        return False
    return user_can_publish(user) or article.status != Article.Status.PUBLISHED


def staff_users():
    """The people an article may be credited to."""
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


def pending_review_count() -> int:
    return Article.objects.filter(status=Article.Status.PENDING).count()


def article_status_changed(*, article: Article, previous: str, by) -> None:
    """Tell the author when someone else published their story. `previous` is the status
    before this save."""
    if previous == article.status:
        return
    if article.status == Article.Status.PENDING:
        # A new submission: the note that sent it back has been answered.
        Article.objects.filter(pk=article.pk).update(review_note="")
        article.review_note = ""
    elif article.status == Article.Status.PUBLISHED:
        _author_notify(article=article, by=by, event="published")


def article_publish(*, article: Article, by) -> None:
    """Publish `article` now (the list's "Publish" action)."""
    previous = article.status
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.save()
    article_status_changed(article=article, previous=previous, by=by)


@transaction.atomic
def article_send_back(*, article: Article, note: str, by) -> None:
    """Return a story under review to its author as a draft, with the editor's note."""
    article.status = Article.Status.DRAFT
    article.review_note = note
    article.save()
    _author_notify(article=article, by=by, event="returned", note=note)


def _author_notify(*, article: Article, by, event: str, note: str = "") -> None:
    author = article.author
    if author is None or author.pk == by.pk or not author.email:
        return
    # The task row is written in this transaction (database backend): the mail goes out
    # from the worker, never from the editor's request.
    review_mail_task.enqueue(article_id=article.pk, event=event, note=note, editor_id=by.pk)
