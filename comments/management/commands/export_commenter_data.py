"""Print (or write) everything kept about one commenter's comments, as JSON."""

import json

from django.core.management.base import BaseCommand

from comments.privacy.data import data_export


class Command(BaseCommand):
    help = "Export the comment data of the commenter with this email address, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="write to this file instead of the screen")

    def handle(self, *args, email, output=None, **options):
        text = json.dumps(data_export(email=email), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Written to {output}.")
        else:
            self.stdout.write(text)
