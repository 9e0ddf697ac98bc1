"""Announce newly published articles by email, and queue again mail whose retry is overdue.

Scheduled articles become public when their time comes, without any request or save, so
something has to look: run this every minute (cron), or let it loop with `--every 60`
(`make run` does). Sending itself happens in the tasks worker (`manage.py db_worker`).

On several nodes, each may run it: a lease in the database (comments.models.Lease) lets one
node do the check; the others skip it while that node renews its lease, and take over once
it stops renewing (the node died) for two periods.

A database that is away (not up yet, restarted, connection dropped) does not stop it: it
logs one line, waits 1, 2, 4… up to 30 seconds and carries on (blog/reconnect.py).
"""

import contextlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from blog.reconnect import until_database_answers
from comments.notifications.services import (
    article_notify_due,
    lease_acquire,
    lease_release,
    mailing_requeue_stalled,
)

LEASE_NAME = "send_notifications"
# A run from cron (no --every) holds the check for a little less than cron's minute, so
# that another node's cron may take over at the next minute should this node be gone.
ONE_SHOT_LEASE_SECONDS = 50


def _check(*, holder: str, seconds: int) -> tuple[int, int] | None:
    """(announced, re-queued), or None when another node holds the check."""
    if not lease_acquire(name=LEASE_NAME, holder=holder, seconds=seconds):
        return None
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
        # Held per node, so that a node's own runs (cron's, one a minute) renew it.
        holder = settings.NODE_NAME
        seconds = 2 * every if every > 0 else ONE_SHOT_LEASE_SECONDS
        try:
            while True:
                self.check_once(holder=holder, seconds=seconds, verbosity=verbosity)
                if every <= 0:
                    return
                time.sleep(every)
        except KeyboardInterrupt:
            # Ctrl-C in `make run` reaches every process of the terminal: stop quietly.
            return
        finally:
            if every > 0:
                # If the database is away, the lease runs out by itself and another node
                # takes over then.
                with contextlib.suppress(DatabaseError):
                    lease_release(name=LEASE_NAME, holder=holder)

    def check_once(self, *, holder: str, seconds: int, verbosity: int) -> None:
        result = until_database_answers(
            lambda: _check(holder=holder, seconds=seconds),
            doing="checking for due notifications",
        )
        if result is None:
            if verbosity > 1:
                self.stdout.write("Another node runs the check; skipped.")
            return
        announced, requeued = result
        if verbosity > 1 or announced or requeued:
            self.stdout.write(f"Announced {announced} article(s); re-queued {requeued} mailing(s).")
