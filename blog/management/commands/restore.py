"""Restore an archive made by `manage.py backup` into this clone's database (DATABASE_URL)
and MEDIA_ROOT; refuses to overwrite either unless `--force` (README "Backups")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blog.backups import VENDOR_NAMES, BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and media files from an archive made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The backup archive (.tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database or media folder that is not empty.",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            result = backup_restore(archive=archive, media_root=settings.MEDIA_ROOT, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the {VENDOR_NAMES[result.vendor]} database of {result.created} "
            f"({result.database_bytes:,} bytes) and {result.media_files} media file(s) "
            f"in {result.seconds:.2f} s."
        )
        if result.migrations_to_apply:
            self.stdout.write(
                f"This code has {result.migrations_to_apply} migration(s) the backup had not "
                "applied: run `manage.py migrate`."
            )
