"""Run every benchmark module of this package (each has a `run()`) on a test database."""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    import bench

    setup_test_environment()
    # A throw-away database (SQLite in memory, or test_<name> on PostgreSQL).
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        wanted = set(sys.argv[1:])
        for module in pkgutil.iter_modules(bench.__path__):
            if module.name.startswith("_") or (wanted and module.name not in wanted):
                continue
            importlib.import_module(f"bench.{module.name}").run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
