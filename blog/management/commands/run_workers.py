"""Run the background workers beside the web server, restarting any that stops
(blog/supervise.py): the tasks worker (`db_worker`: notification email, wire imports, image
renditions) and the minute check (`send_notifications --every 60`). `make run` starts it;
Ctrl-C or SIGTERM stops it and them."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from blog.supervise import supervise


class Command(BaseCommand):
    help = "Run db_worker and send_notifications, starting again any that stops."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=60,
            metavar="SECONDS",
            help="How often send_notifications checks (default: 60).",
        )

    def handle(self, *, every: int, verbosity: int, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        supervise(
            {
                "db_worker": [*manage, "db_worker", f"--verbosity={verbosity}"],
                "send_notifications": [*manage, "send_notifications", f"--every={every}"],
            }
        )
