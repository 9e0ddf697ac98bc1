"""Background work of the publishing app, through the Django tasks framework.

The `django-tasks` backport provides the API Django 6 ships as `django.tasks`. Where no
`TASKS` backend is configured, tasks run at once in the calling process (ImmediateBackend);
with a queue backend (django-tasks-db), a worker (`manage.py db_worker`) runs them.
"""

from django_tasks import task

from blog.models import Source
from blog.wire import wire_import


@task()
def wire_import_task(source_ids: list[int] | None = None, due_only: bool = False) -> dict:
    """Import the feeds of the given sources (all when None); returns the summary as a dict
    (see `blog.wire.ImportSummary.from_dict`)."""
    sources = None if source_ids is None else Source.objects.filter(pk__in=source_ids)
    return wire_import(sources=sources, due_only=due_only).to_dict()
