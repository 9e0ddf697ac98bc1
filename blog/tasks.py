"""Background work of the publishing app, through the Django tasks framework.

The `django-tasks` backport provides the API Django 6 ships as `django.tasks`. Where no
`TASKS` backend is configured, tasks run at once in the calling process (ImmediateBackend);
with a queue backend (django-tasks-db), a worker (`manage.py db_worker`) runs them.
"""

import reversion
from django.db import transaction
from django_tasks import task

from blog.models import Source
from blog.wire import wire_import


@task()
def wire_import_task(source_ids: list[int] | None = None, due_only: bool = False) -> dict:
    """Import the feeds of the given sources (all when None); returns the summary as a dict
    (see `blog.wire.ImportSummary.from_dict`)."""
    sources = None if source_ids is None else Source.objects.filter(pk__in=source_ids)
    # Imported and updated stories start their history here (blog/revisions.py).
    with reversion.create_revision(atomic=False):
        reversion.set_comment("Imported from the agency's feed.")
        return wire_import(sources=sources, due_only=due_only).to_dict()


@task()
def review_mail_task(article_id: int, event: str, note: str = "", editor_id: int | None = None):
    """Email an article's author that an editor published it ("published") or sent it
    back with a note ("returned")."""
    from blog.review_mail import review_mail_send

    review_mail_send(article_id=article_id, event=event, note=note, editor_id=editor_id)


@task()
def image_renditions_task(
    storage: list, file_name: str, sender: list | None, new: list, old: list
) -> None:
    """Make (and delete obsolete) renditions of a library image, then let pages use them."""
    from pictures.tasks import _process_picture

    from blog.models import Image

    _process_picture(storage=storage, file_name=file_name, sender=sender, new=new, old=old)
    if new:
        Image.objects.filter(file=file_name).update(renditions_of=file_name)


def image_renditions_enqueue(*, storage, file_name, sender, new=None, old=None) -> None:
    """django-pictures' processor (settings.PICTURES): its renditions are made by our task
    worker once the upload is committed, so saving never waits for them. (Save images in
    a transaction: outside one, this runs before the row is written.)"""
    transaction.on_commit(
        lambda: image_renditions_task.enqueue(
            storage=storage, file_name=file_name, sender=sender, new=new or [], old=old or []
        )
    )


@task()
def wordpress_import_task(token: str, options: dict, editor_id: int | None = None) -> dict:
    """The admin's confirmed WordPress import (blog/wordpress/staging.py): its progress and
    summary go beside the staged file, where the admin's progress page reads them."""
    from blog.wordpress.staging import staged_import

    return staged_import(token=token, options=options, editor_id=editor_id)
