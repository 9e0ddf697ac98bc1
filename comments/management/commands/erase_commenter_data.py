"""Anonymise one commenter's comments (and optionally delete their text)."""

from django.core.management.base import BaseCommand

from comments.privacy.data import data_erase


class Command(BaseCommand):
    help = (
        "Erase the personal data of the commenter with this email address: name becomes "
        "'Anonymous'; email, website, IP address, user agent and account link are removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--delete-text", action="store_true", help="also delete the text of the comments"
        )

    def handle(self, *args, email, delete_text=False, **options):
        count = data_erase(email=email, delete_text=delete_text)
        what = "anonymised and removed" if delete_text else "anonymised"
        self.stdout.write(f"{count} comment(s) written with {email} {what}.")
