"""Run every benchmark module of this package in turn, or those named on the command line
(`python -m bench email_fanout`). A benchmark is a module here with a `run()` (or `main()`)
that prints its table; modules starting with "_" are helpers. They run on a throw-away test
database (SQLite unless DATABASE_URL says otherwise), never on the site's own."""

import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The site's settings plus what comparisons need (bench/settings.py).
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


# Run on their own (`make soak` runs `python -m bench.soak`): minutes, not seconds, on a
# server and a database of their own.
LONG = {"soak", "cluster", "pages", "lighthouse"}


def machine() -> str:
    """What the figures were measured on."""
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
    database = connection.vendor
    if database == "sqlite":
        database += f" {connection.Database.sqlite_version}"
    return (
        f"{cpu}; {platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"Django {django.get_version()}; {database}"
    )


def main() -> None:
    import bench
    from bench._database import test_database

    wanted = set(sys.argv[1:])
    with test_database():
        print(machine())
        print()
        for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
            if module.name.startswith("_") or (wanted and module.name not in wanted):
                continue
            if module.name in LONG:
                continue
            benchmark = importlib.import_module(f"bench.{module.name}")
            (getattr(benchmark, "run", None) or benchmark.main)()
            print()


if __name__ == "__main__":
    main()
