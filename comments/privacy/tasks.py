"""Background work for data requests: the confirmation email, run by the tasks worker
(`manage.py db_worker`), so a slow or refusing mail server never holds up the request.

The link's token is made here, in the worker, and only its hash is stored: the queued task
carries the request's id, never a working link. A mail server that refuses is tried again
later with a backoff (NOTIFICATIONS_RETRY_SECONDS, NOTIFICATIONS_MAX_ATTEMPTS); when every
attempt failed the request is dropped, so asking again is not taken for a repeat.
"""

import logging
import smtplib

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from comments.models import DataRequest
from comments.privacy import data

logger = logging.getLogger(__name__)


@task()
def send_data_request_confirmation(data_request_id: int, site_url: str, attempt: int = 1) -> str:
    data_request = DataRequest.objects.filter(pk=data_request_id, completed_at=None).first()
    if data_request is None:
        return "gone"
    try:
        data.data_request_send_confirmation(data_request, site_url=site_url)
    except (smtplib.SMTPException, OSError) as error:
        backend = send_data_request_confirmation.get_backend()
        if attempt < settings.NOTIFICATIONS_MAX_ATTEMPTS and backend.supports_defer:
            delay = settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** (attempt - 1)
            logger.warning("Data request confirmation not sent, retrying: %s", error)
            send_data_request_confirmation.using(
                run_after=timezone.now() + timezone.timedelta(seconds=delay)
            ).enqueue(data_request_id, site_url, attempt + 1)
            return "retrying"
        logger.warning("Data request confirmation not sent, giving up: %s", error)
        data_request.delete()
        return "failed"
    return "sent"


def data_request_confirmation_enqueue(data_request_id: int, *, site_url: str) -> None:
    send_data_request_confirmation.enqueue(data_request_id, site_url)
