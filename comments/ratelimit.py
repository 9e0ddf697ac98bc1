"""The sliding-window rate limit shared by comments (per address and per author) and by the
forms that email someone (follow, data requests: per client address).

Counts live in the shared cache (database or Redis), under a hash of each subject, so a
limit holds across workers and no raw address or email ends up in a cache key.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

# A subject ("ip:203.0.113.9", "email:rita@example.org"...) and how many it may do per window.
Subjects = list[tuple[str, int]]


def _key(subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"comments:rate:{digest}"


def _recent(key: str, now: float, window: int) -> list[float]:
    """Times counted under `key` within the last window (a sliding window: no burst of twice
    the limit across a window's edge)."""
    return [moment for moment in cache.get(key, []) if moment > now - max(window, 1)]


def rate_limit_wait(subjects: Subjects, *, window: int) -> int:
    """Seconds until every subject is under its limit again; 0 when it may go ahead now.
    A limit of 0 or less means no limit."""
    now, wait = time.time(), 0
    for subject, limit in subjects:
        if limit <= 0:
            continue
        recent = _recent(_key(subject), now, window)
        if len(recent) >= limit:
            # Allowed again when the oldest counted moment leaves the window.
            oldest = sorted(recent)[-limit]
            wait = max(wait, max(1, math.ceil(oldest + window - now)))
    return wait


def rate_limit_record(subjects: Subjects, *, window: int) -> None:
    """Count one more under each subject."""
    now = time.time()
    for subject, limit in subjects:
        if limit <= 0:
            continue
        key = _key(subject)
        # Two workers counting at the same moment may lose one count: a limit, not a ledger.
        recent = _recent(key, now, window)[-limit:] + [now]
        cache.set(key, recent, timeout=window + 5)


def _mail_request_subjects(request) -> Subjects:
    from comments.web import client_ip

    address = client_ip(request)
    return [(f"mail-request:{address}", settings.COMMENTS_FOLLOW_RATE_PER_IP)] if address else []


def mail_request_wait(request) -> int:
    """Seconds before this client may ask for another email (a follow confirmation or a data
    request link); 0 when it may now. Each such request mails an address the client typed,
    so a client must not turn the site into a mail cannon."""
    return rate_limit_wait(
        _mail_request_subjects(request), window=settings.COMMENTS_FOLLOW_RATE_WINDOW
    )


def mail_request_count(request) -> None:
    rate_limit_record(_mail_request_subjects(request), window=settings.COMMENTS_FOLLOW_RATE_WINDOW)


def too_many_requests_message(wait: int) -> str:
    minutes = math.ceil(wait / 60)
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many requests from your address in a short time. "
        f"Please try again in {minutes} {unit}."
    )
