"""Import the agencies' RSS/Atom feeds: `manage.py import_wire [--source NAME] [--since …]
[--dry-run] [--due]`. Safe to run on a schedule (cron, a systemd timer, a worker loop)."""

import datetime
import re

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from blog.models import Source
from blog.wire import OUTCOMES, ImportSummary, wire_import

BAR_WIDTH = 24
_RELATIVE = re.compile(r"(?P<number>\d+)\s*(?P<unit>[mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def since_parse(value: str) -> datetime.datetime:
    """ "2d", "12h", "30m", "1w" ago, or a date / date and time (in TIME_ZONE when naive)."""
    value = value.strip()
    relative = _RELATIVE.fullmatch(value)
    if relative:
        amount = {_UNITS[relative["unit"]]: int(relative["number"])}
        return timezone.now() - datetime.timedelta(**amount)
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"--since {value!r}: give a date (2024-05-01), a date and time "
            "(2024-05-01T08:00) or an age such as 30m, 12h, 2d, 1w."
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Fetch the agencies' feeds and create or update their stories as articles (drafts "
        "unless the source publishes on import). Prints a progress bar and a summary table."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            metavar="NAME",
            help="Only this source (its name or slug); repeat for several.",
        )
        parser.add_argument(
            "--since",
            metavar="WHEN",
            help="Skip items published before then: 2024-05-01, 2024-05-01T08:00, or an "
            "age such as 30m, 12h, 2d.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Fetch and compare, but change nothing: shows what an import would do.",
        )
        parser.add_argument(
            "--due",
            action="store_true",
            help="Only feeds whose check interval has elapsed (for cron or a worker loop).",
        )

    def handle(self, *args, source=None, since=None, dry_run=False, due=False, **options):
        sources = self._sources(source) if source else None
        # Imported and updated stories start their history here, as from the admin.
        with reversion.create_revision(atomic=False):
            reversion.set_comment("Imported from the agency's feed.")
            summary = wire_import(
                sources=sources,
                due_only=due,
                since=since_parse(since) if since else None,
                dry_run=dry_run,
                progress=self._progress if options["verbosity"] > 0 else None,
            )
        if options["verbosity"] > 0:
            self._print_summary(summary)

    def _sources(self, names):
        sources = []
        for name in names:
            found = Source.objects.filter(Q(name__iexact=name) | Q(slug=name)).first()
            if found is None:
                known = ", ".join(Source.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No source named {name!r} (sources: {known}).")
            sources.append(found)
        return sources

    def _progress(self, done, total, feed):
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        label = f"{feed.source.name} {feed.url}" if feed else "done"
        line = f"[{bar}] {done}/{total} {label}"
        if self.stdout.isatty():
            # Redraw one line in a terminal; a log (cron) gets one line per feed.
            self.stdout.write(f"\r\033[K{line[:120]}", ending="\n" if feed is None else "")
            self.stdout.flush()
        else:
            self.stdout.write(line)

    def _print_summary(self, summary: ImportSummary):
        if summary.dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for name in summary.sources_without_feeds:
            self.stdout.write(self.style.WARNING(f"{name} has no active feed."))
        if not summary.feeds:
            self.stdout.write("No feed to import.")
            return
        headers = ["source", "feed", *OUTCOMES, "status"]
        rows = [
            [feed.source, feed.url, *map(str, feed.counts.values()), _status(feed)]
            for feed in summary.feeds
        ]
        rows.append(["total", "", *map(str, summary.totals.values()), ""])
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
        widths[1] = min(widths[1], 60)
        numeric = range(2, 2 + len(OUTCOMES))

        def line(cells):
            return "  ".join(
                cell.rjust(widths[i]) if i in numeric else cell[: widths[i]].ljust(widths[i])
                for i, cell in enumerate(cells)
            ).rstrip()

        self.stdout.write("")
        self.stdout.write(line(headers))
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row))
        notes = [
            (feed, item)
            for feed in summary.feeds
            for item in feed.items
            if item.outcome in ("failed", "skipped", "held")
        ]
        if notes or any(feed.reason for feed in summary.feeds):
            self.stdout.write("")
        for feed in summary.feeds:
            if feed.status == "failed":
                self.stdout.write(
                    self.style.ERROR(f"failed: {feed.source} {feed.url}: {feed.reason}")
                )
            elif feed.reason:
                self.stdout.write(
                    self.style.WARNING(f"warning: {feed.source} {feed.url}: {feed.reason}")
                )
        for feed, item in notes:
            text = f"{item.outcome}: {feed.source} “{item.title}”: {item.reason}"
            style = self.style.ERROR if item.outcome == "failed" else self.style.WARNING
            self.stdout.write(style(text))


def _status(feed) -> str:
    if feed.status == "failed":
        return "failed (see below)"
    if feed.status == "ok" and feed.reason:
        return "ok, with warnings: malformed XML"
    return feed.status
