"""`/healthz`: what a load balancer polls to decide whether this node gets traffic.

It checks what a node needs to serve a page: every configured database (the primary, and
the replica when there is one), the shared cache, and the media storage. The answer is a
small JSON document, 200 when all answer and 503 naming the part that failed otherwise.

It is answered by a middleware placed first, before anything that could turn the probe
into something else: no HTTPS redirect (balancers probe over plain HTTP inside the
network), no ALLOWED_HOSTS check (they probe by address), no session, no cookie, no rate
limit, and not the 503 page DatabaseUnavailableMiddleware renders for readers.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger(__name__)

HEALTHZ_PATH = "/healthz"
# A file that is never written: asking whether it exists proves the storage answers
# (a HEAD request on S3) without writing anything on every probe.
STORAGE_PROBE = "healthz-probe"


class DatabaseCheckFailed(Exception):
    def __init__(self, alias: str, error: Exception):
        super().__init__(f"{type(error).__name__} on {alias}: {error}")
        self.summary = f"{type(error).__name__} on {alias}"


def check_databases() -> None:
    for alias in settings.DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            raise DatabaseCheckFailed(alias, exc) from exc


def check_cache() -> None:
    key, value = "healthz:probe", uuid.uuid4().hex
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was just stored")


def check_storage() -> None:
    default_storage.exists(STORAGE_PROBE)


CHECKS = {"database": check_databases, "cache": check_cache, "storage": check_storage}


def health_report() -> tuple[bool, dict]:
    """Run every check; returns (healthy, {part: "ok" | "failed: <reason>"})."""
    parts = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a part makes the node unhealthy
            logger.error("Health check: %s failed: %s", name, exc)
            parts[name] = f"failed: {getattr(exc, 'summary', type(exc).__name__)}"
        else:
            parts[name] = "ok"
    return all(state == "ok" for state in parts.values()), parts


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") != HEALTHZ_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        started = time.monotonic()
        healthy, parts = health_report()
        response = JsonResponse(
            {
                "status": "healthy" if healthy else "unhealthy",
                "checks": parts,
                "milliseconds": round((time.monotonic() - started) * 1000, 1),
            },
            status=200 if healthy else 503,
        )
        response["Cache-Control"] = "no-store"
        return response
