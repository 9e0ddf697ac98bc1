"""Import a WordPress export: `manage.py import_wordpress FILE.xml [--dry-run]
[--author-map CSV] [--media download|link|skip] [--pingbacks] [--time-zone ZONE]`.

One transaction per file: a malformed or truncated export saves nothing. Running it again
on the same file changes nothing; a newer export adds what is new (blog/wordpress/)."""

from django.core.management.base import BaseCommand, CommandError

from blog.wordpress import WXRError, read_author_map, wordpress_import


class Command(BaseCommand):
    help = "Import posts, categories, tags, authors and comments from a WordPress export (WXR)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The WXR file from WordPress's Tools → Export.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; save nothing."
        )
        parser.add_argument(
            "--author-map",
            metavar="CSV",
            help="Rows of `wordpress_login,username-or-email` naming accounts here.",
        )
        parser.add_argument(
            "--media",
            choices=["download", "link", "skip"],
            default="link",
            help="link (default): featured images keep their WordPress address; download: "
            "into the media library (the wire import's safe fetcher); skip: none.",
        )
        parser.add_argument(
            "--pingbacks", action="store_true", help="Import pingbacks and trackbacks too."
        )
        parser.add_argument(
            "--teach-approved",
            action="store_true",
            help="Teach the learned spam filter the approved comments as legitimate (its "
            "spam is always taught): for a site whose WordPress held comments for review.",
        )
        parser.add_argument(
            "--time-zone",
            help="The WordPress site's time zone, for dates it wrote without UTC "
            "(default: TIME_ZONE).",
        )

    def handle(self, *args, **options):
        author_map = {}
        if options["author_map"]:
            try:
                with open(options["author_map"], encoding="utf-8", newline="") as lines:
                    author_map = read_author_map(lines)
            except OSError as exc:
                raise CommandError(f"--author-map: {exc}") from None
        try:
            with open(options["file"], "rb") as source:
                summary = wordpress_import(
                    source=source,
                    dry_run=options["dry_run"],
                    author_map=author_map,
                    media=options["media"],
                    pingbacks=options["pingbacks"],
                    time_zone=options["time_zone"],
                    teach_approved=options["teach_approved"],
                )
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except WXRError as exc:
            raise CommandError(f"{options['file']}, {exc}. Nothing was imported.") from None
        self.stdout.write(summary.table())
