"""The learned spam filter from the command line: what it has learned (no option), rebuild it
from this site's reviewed comments, forget everything, load the seed model shipped with the
project, or move it as JSON between sites."""

import json

from django.core.management.base import BaseCommand, CommandError

from comments.moderation import learned


class Command(BaseCommand):
    help = (
        "The learned spam filter: without an option, how many comments and tokens it has "
        "learned; --retrain rebuilds it from the comments editors reviewed on this site, "
        "--reset forgets everything, --seed loads the model shipped with the project "
        "(--if-new: only when it has learned nothing), --export/--import move it as JSON."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group()
        what.add_argument(
            "--retrain",
            action="store_true",
            help="forget the model and learn again from this site's reviewed comments only",
        )
        what.add_argument("--reset", action="store_true", help="forget everything it learned")
        what.add_argument(
            "--seed",
            action="store_true",
            help="replace the model with the seed shipped with the project",
        )
        what.add_argument("--export", metavar="FILE", help="write the model to FILE (JSON)")
        what.add_argument(
            "--import",
            dest="import_file",
            metavar="FILE",
            help="replace the model with the one in FILE (written by --export)",
        )
        parser.add_argument(
            "--if-new",
            action="store_true",
            help="with --seed: only when the filter has learned nothing (what `make run` does)",
        )

    def handle(self, *args, retrain, reset, seed, if_new, export, import_file, **options):
        if if_new and not seed:
            raise CommandError("--if-new goes with --seed")
        if retrain:
            trained = learned.learned_retrain()
            self.stdout.write(
                f"Retrained from {trained['spam']} spam and {trained['ham']} legitimate "
                "comment(s) reviewed by editors."
            )
        elif reset:
            learned.learned_reset()
            self.stdout.write("The learned filter forgot everything.")
        elif seed:
            count = learned.learned_load_seed(if_new=if_new)
            if count is None:
                self.stdout.write(
                    "The learned filter already knows this site: the seed was not loaded."
                )
            else:
                self.stdout.write(f"Loaded the seed model ({count} token(s)).")
        elif export:
            data = learned.learned_export()
            try:
                with open(export, "w", encoding="utf-8") as file:
                    json.dump(data, file, ensure_ascii=False, indent=1)
            except OSError as exc:
                raise CommandError(f"Cannot write {export}: {exc.strerror}") from None
            self.stdout.write(f"Exported {len(data['tokens'])} token(s) to {export}.")
        elif import_file:
            self._import(import_file)
        self._stats()

    def _import(self, path: str) -> None:
        try:
            with open(path, encoding="utf-8") as file:
                data = json.load(file)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} is not JSON: {exc}") from None
        try:
            count = learned.learned_import(data)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}; the model was not changed") from None
        self.stdout.write(f"Imported {count} token(s) from {path}.")

    def _stats(self) -> None:
        stats = learned.learned_stats()
        self.stdout.write(
            f"The learned filter knows {stats['spam_comments']} spam and "
            f"{stats['ham_comments']} legitimate comment(s), {stats['tokens']} token(s)."
        )
