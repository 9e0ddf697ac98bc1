"""Write one archive of the database and the media files into BACKUP_DIR, taken while the
site runs (README "Backups"); `--keep N` then deletes the older archives beyond N."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blog.backups import VENDOR_NAMES, BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive in BACKUP_DIR."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="Afterwards, delete the archives in BACKUP_DIR older than the newest N.",
        )
        parser.add_argument(
            "--dir", type=Path, help="Write the archive here instead of BACKUP_DIR."
        )

    def handle(self, *args, keep=None, dir=None, **options):
        try:
            result = backup_create(
                backup_dir=dir or settings.BACKUP_DIR, media_root=settings.MEDIA_ROOT, keep=keep
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backed up the {VENDOR_NAMES[result.vendor]} database "
            f"({result.database_bytes:,} bytes) and {result.media_files} media file(s) "
            f"to {result.archive} ({result.archive_bytes:,} bytes) in {result.seconds:.2f} s."
        )
        for path in result.pruned:
            self.stdout.write(f"Deleted the older backup {path.name}.")
