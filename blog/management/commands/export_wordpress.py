"""Export the site for WordPress: `manage.py export_wordpress [--since DATE] [--output FILE]`
writes a WXR 1.2 file (standard output by default) that WordPress's importer reads."""

import sys

from django.core.management.base import BaseCommand

from blog.management.commands.import_wire import since_parse
from blog.wordpress.export import wordpress_export


class Command(BaseCommand):
    help = "Write articles, categories, tags, authors and comments as a WordPress export (WXR)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=since_parse,
            help="Only articles changed since: a date (2024-05-01), or an age (2d, 12h).",
        )
        parser.add_argument("--output", "-o", help="The file to write (default: standard output).")

    def handle(self, *args, **options):
        if options["output"]:
            with open(options["output"], "wb") as out:
                count = wordpress_export(out=out, since=options["since"])
            self.stderr.write(f"{count} articles written to {options['output']}.")
        else:
            out = getattr(self.stdout, "buffer", None) or sys.stdout.buffer
            count = wordpress_export(out=out, since=options["since"])
            self.stderr.write(f"{count} articles written.")
