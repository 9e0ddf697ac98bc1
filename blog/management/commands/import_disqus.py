"""Import Disqus comments: `manage.py import_disqus FILE.xml [--dry-run]`. Threads are
matched to articles by address (old WordPress ones included) or by the WordPress plugin's
identifier; run `import_wordpress` first. One transaction; idempotent (blog/wordpress/)."""

from django.core.management.base import BaseCommand, CommandError

from blog.wordpress import WXRError
from blog.wordpress.disqus import disqus_import


class Command(BaseCommand):
    help = "Import comments from a Disqus export under the articles they were written about."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The XML file from Disqus's Export.")
        parser.add_argument("--dry-run", action="store_true", help="Save nothing.")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as source:
                summary = disqus_import(source=source, dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except WXRError as exc:
            raise CommandError(f"{options['file']}, {exc}. Nothing was imported.") from None
        self.stdout.write(summary.table())
