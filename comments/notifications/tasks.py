"""Background work: notification email, run by the tasks worker (`manage.py db_worker`).

The django-tasks backport has no retry of its own, so a mailing that meets a failing mail
server records the failure on itself (comments.models.Mailing) and is queued again with
`run_after` (exponential backoff). Should that queued task be lost, `manage.py
send_notifications` finds the overdue mailing and queues it again.

A database that goes away while a mailing is being sent does not end the task: it waits for
the database (blog/reconnect.py) and sends what is still pending, so the mail goes out as
soon as the database is back rather than when the stalled-mailing check finds it.
"""

from django_tasks import task

from blog.reconnect import until_database_answers
from comments.notifications import mailer


@task()
def send_mailing(mailing_id: int) -> dict:
    outcome = until_database_answers(
        lambda: mailer.mailing_send(mailing_id=mailing_id), doing=f"sending mailing {mailing_id}"
    )
    if outcome.retry_at and send_mailing.get_backend().supports_defer:
        until_database_answers(
            lambda: send_mailing.using(run_after=outcome.retry_at).enqueue(mailing_id),
            doing=f"queueing mailing {mailing_id} again",
        )
    return outcome.as_dict()


def mailing_enqueue(mailing_id: int) -> None:
    """Queue a mailing. With the database backend the task row is written in the caller's
    transaction, so it exists exactly when the mailing does."""
    send_mailing.enqueue(mailing_id)
