"""Background work of the publishing app, through the Django tasks framework.

The `django-tasks` backport provides the API Django 6 ships as `django.tasks`. Where no
`TASKS` backend is configured, tasks run at once in the calling process (ImmediateBackend);
with a queue backend (django-tasks-db), a worker (`manage.py db_worker`) runs them.
"""

import reversion
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
