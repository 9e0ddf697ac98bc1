"""What the views of every concern ask of a request: whether the page's script sent it (it
then wants JSON), and the reader's IP address.
"""

import ipaddress

from django.conf import settings
from django.http import JsonResponse


def wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def client_ip(request) -> str | None:
    """The reader's IP address: behind a proxy, the last X-Forwarded-For entry (the one our
    proxy added; earlier ones are whatever the client claimed)."""
    if settings.BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass  # absent or garbled: the database column only takes addresses
    return request.META.get("REMOTE_ADDR") or None


def json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def too_many_requests(response, wait: int):
    """Mark a page answering a client over a rate limit: 429, and when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response
