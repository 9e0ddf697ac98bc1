"""Read replicas: reader pages read from the `replica` database (DATABASE_REPLICA_URL),
everything else from the primary, and a reader who just wrote reads their own writes.

What reads from the replica: GET and HEAD requests outside the admin and the account pages,
from a reader who has not written in the last DATABASE_REPLICA_STICKY_SECONDS. Every write,
every read made while handling a POST (a write's checks must see the latest rows), the
admin, sign-in and sign-up, and work outside requests (the tasks worker, commands) use the
primary. A replica lags a little behind: after a POST (a comment, a like, a follow) the
response carries a short-lived signed cookie, and requests carrying it read from the
primary, so the reader sees their comment and their like at once.
"""

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
STICKY_COOKIE = "wp_primary"
# Read paths that always go to the primary: editors work on fresh rows, and sign-in flows
# read right after they write (codes, confirmations).
PRIMARY_PATH_PREFIXES = ("/admin/", "/accounts/")

_read_from_replica: ContextVar[bool] = ContextVar("read_from_replica", default=False)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when a replica is configured."""

    def db_for_read(self, model, **hints):
        return REPLICA if _read_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, on either side

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication


def reads_from_replica(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path_info.startswith(PRIMARY_PATH_PREFIXES):
        return False
    return not _wrote_recently(request)


def _wrote_recently(request) -> bool:
    return (
        request.get_signed_cookie(
            STICKY_COOKIE,
            default=None,
            salt=STICKY_COOKIE,
            max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
        )
        is not None
    )


class ReplicaReadsMiddleware:
    """Decides, per request, where its reads go; marks a writer's browser for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _read_from_replica.set(reads_from_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _read_from_replica.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=STICKY_COOKIE,
                max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
