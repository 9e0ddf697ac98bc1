"""Run the benchmarks on a throw-away SQLite database and print their tables (`make bench`)."""

import os
import platform
import sys
import tempfile
import warnings
from pathlib import Path


def machine() -> str:
    import django
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        if models:
            cpu = f"{models[0]} ({len(models)} cores visible)"
    return (
        f"{cpu}; {platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"Django {django.get_version()}; {connection.vendor} {connection.Database.sqlite_version}"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wirepress-bench-") as folder:
        # Before Django reads its settings: a database of our own, the bench's settings.
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        # whitenoise warns that collectstatic has not run: irrelevant to these pages.
        warnings.filterwarnings("ignore", message="No directory at")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)

        from bench import comments_tree

        print("Article page: server-side time (median) and queries, Wirepress vs xtd's stock tag")
        print(machine())
        print()
        print(comments_tree.table(comments_tree.run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
