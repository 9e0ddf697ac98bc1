"""Background work: notification email, run by the tasks worker (`manage.py db_worker`).

The django-tasks backport has no retry of its own, so a mailing that meets a failing mail
server records the failure on itself (comments.models.Mailing) and is queued again with
`run_after` (exponential backoff). Should that queued task be lost, `manage.py
send_notifications` finds the overdue mailing and queues it again.
"""

from django_tasks import task

from comments.notifications import mailer


@task()
def send_mailing(mailing_id: int) -> dict:
    outcome = mailer.mailing_send(mailing_id=mailing_id)
    if outcome.retry_at and send_mailing.get_backend().supports_defer:
        send_mailing.using(run_after=outcome.retry_at).enqueue(mailing_id)
    return outcome.as_dict()


def mailing_enqueue(mailing_id: int) -> None:
    """Queue a mailing. With the database backend the task row is written in the caller's
    transaction, so it exists exactly when the mailing does."""
    send_mailing.enqueue(mailing_id)
