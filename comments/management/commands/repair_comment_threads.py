"""Put every discussion thread back in order from its parent links: replies shown under the
wrong comment (concurrent replies stored before posting locked the thread) move back under
their parent. Safe to run at any time, and again; see README "Operations"."""

from django.core.management.base import BaseCommand

from comments.discussion.services import comment_threads_repair


class Command(BaseCommand):
    help = "Recompute the order, level and reply count of every comment from its parent."

    def handle(self, *args, **options):
        corrected = comment_threads_repair()
        self.stdout.write(f"Put {corrected} comment(s) back in their place in the thread.")
