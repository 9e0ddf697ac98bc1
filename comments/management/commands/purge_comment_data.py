"""Clear old IP addresses, user agents and referrers of comments, delete old spam and old
data requests. Run it daily (cron or a systemd timer); see README "Privacy"."""

from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy.data import personal_data_purge


class Command(BaseCommand):
    help = (
        "Clear comments' IP addresses, user agents and referrers older than "
        "COMMENTS_IP_RETENTION_DAYS, delete spam older than COMMENTS_SPAM_RETENTION_DAYS "
        "and data requests past keeping."
    )

    def handle(self, *args, **options):
        result = personal_data_purge()
        self.stdout.write(
            f"Cleared the IP address of {result.ip_addresses_cleared} comment(s) older than "
            f"{settings.COMMENTS_IP_RETENTION_DAYS} days; deleted {result.spam_deleted} old spam "
            f"comment(s) and {result.data_requests_deleted} old data request(s)."
        )
