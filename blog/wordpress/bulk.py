"""Writing many comments at once, for the importers: django-comments-xtd's `XtdComment` is a
multi-table child of django-comments' `Comment`, which Django's `bulk_create` refuses. So
the parent rows go in with `bulk_create` (which hands their primary keys back, with
RETURNING, on SQLite and PostgreSQL), and the child rows, which hold the thread fields,
with one `executemany` of the same INSERT that `Model.save` would run for each.

No model signal is sent for these rows: the caller bumps the page generations once (an
import) and nobody is notified (imported comments are old news).
"""

from django.db import connections, router
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment

BATCH = 500


def comments_create(rows: list[XtdComment]) -> None:
    """Insert `rows` (unsaved `XtdComment`s) in their order, and give each its primary key.
    Thread fields that name other comments (`parent_id`, `thread_id`) are read when the
    child rows are written, by `comments_threads_write`: set them in between."""
    base_fields = [f for f in Comment._meta.concrete_fields if not f.primary_key]
    parents = [Comment(**{f.attname: getattr(row, f.attname) for f in base_fields}) for row in rows]
    Comment.objects.bulk_create(parents, batch_size=BATCH)
    for row, parent in zip(rows, parents, strict=True):
        if parent.pk is None:  # only a database without RETURNING leaves it unset
            raise RuntimeError("the database did not return the new comments' keys")
        row.id = row.comment_ptr_id = parent.pk
        row._state.adding = False
        row._state.db = parent._state.db


def comments_threads_write(rows: list[XtdComment]) -> None:
    """Write the child (`XtdComment`) rows of `rows`, created by `comments_create`."""
    if not rows:
        return
    using = router.db_for_write(XtdComment)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = XtdComment._meta.local_concrete_fields  # comment_ptr and the thread fields
    # Names from the model's own options, quoted; values travel as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(XtdComment._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                    for row in rows[start : start + BATCH]
                ],
            )
