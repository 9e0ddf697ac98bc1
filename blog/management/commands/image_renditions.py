"""Queue the renditions of library images that have none yet (photos moved into the library
by the upgrade, or made under other settings.PICTURES); `--all` remakes every image's."""

from django.core.management.base import BaseCommand
from django.db.models import F

from blog.models import Image


class Command(BaseCommand):
    help = "Queue renditions for library images without them (the tasks worker makes them)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Remake every image's renditions.")

    def handle(self, *args, all=False, **options):
        images = Image.objects.all() if all else Image.objects.exclude(renditions_of=F("file"))
        count = 0
        for image in images.iterator():
            image.file.save_all()
            count += 1
        self.stdout.write(f"Renditions queued for {count} image(s).")
