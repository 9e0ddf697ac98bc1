"""Announce newly published articles by email, and queue again mail whose retry is overdue.

Scheduled articles become public when their time comes, without any request or save, so
something has to look: run this every minute (cron), or let it loop with `--every 60`
(`make run` does). Sending itself happens in the tasks worker (`manage.py db_worker`).

A database that is away (not up yet, restarted, connection dropped) does not stop it: it
logs one line, waits 1, 2, 4… up to 30 seconds and carries on (blog/reconnect.py).
"""

import time

from django.core.management.base import BaseCommand

from blog.reconnect import until_database_answers
from comments.notifications.services import article_notify_due, mailing_requeue_stalled


def _check() -> tuple[int, int]:
    return article_notify_due(), mailing_requeue_stalled()


class Command(BaseCommand):
    help = "Email subscribers about newly published articles; re-queue overdue notification mail."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking every SECONDS (default: check once and exit).",
        )

    def handle(self, *, every: int, verbosity: int, **options):
        try:
            while True:
                announced, requeued = until_database_answers(
                    _check, doing="checking for due notifications"
                )
                if verbosity > 1 or announced or requeued:
                    self.stdout.write(
                        f"Announced {announced} article(s); re-queued {requeued} mailing(s)."
                    )
                if every <= 0:
                    return
                time.sleep(every)
        except KeyboardInterrupt:
            # Ctrl-C in `make run` reaches every process of the terminal: stop quietly.
            return
