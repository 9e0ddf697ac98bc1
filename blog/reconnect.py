"""Background work that outlives a database outage.

A worker that meets a dropped connection or a database that is not up yet closes the broken
connection, logs one line, waits (1 s, doubling up to 30 s) and tries again, instead of
exiting: the site's own loops (`manage.py send_notifications --every`) and the notification
task use this. Processes that are not ours (django-tasks-db's `db_worker`) are restarted by
`blog/supervise.py` instead.
"""

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# What drivers raise when the server went away, refuses connections or the SQLite file
# cannot be opened (Django wraps both drivers' errors in these).
DATABASE_ERRORS = (OperationalError, InterfaceError)
FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0

T = TypeVar("T")


def waits(first: float | None = None, longest: float | None = None) -> Iterator[float]:
    """1, 2, 4 … seconds, then LONGEST_WAIT for ever."""
    wait = FIRST_WAIT if first is None else first
    longest = LONGEST_WAIT if longest is None else longest
    while True:
        yield min(wait, longest)
        wait *= 2


def close_broken_connections() -> None:
    """Drop this thread's database connections, so the next query connects afresh."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_ERRORS):
            connection.close()


def describe(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def until_database_answers(
    work: Callable[[], T], *, doing: str, sleep: Callable[[float], None] = time.sleep
) -> T:
    """`work()`, called again after each database error until it runs through: one log line
    per failure, then a wait that doubles up to LONGEST_WAIT. Only for work that may be
    repeated (it started over or wrote nothing the first time)."""
    delays = waits()
    while True:
        try:
            return work()
        except DATABASE_ERRORS as exc:
            close_broken_connections()
            delay = next(delays)
            logger.warning(
                "Database unavailable while %s (%s); trying again in %g s",
                doing,
                describe(exc),
                delay,
            )
            sleep(delay)
