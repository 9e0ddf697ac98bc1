"""Run every benchmark module in bench/ (each has a `run()`), in a throwaway database:
SQLite in memory, or a fresh `test_<name>` database on the server DATABASE_URL names."""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")


def main(selected: list[str]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # As in the tests: no collectstatic needed, and a cache whose reads cost no query.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Not setup_test_environment(): its template instrumentation would be measured too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0)
    try:
        names = selected or sorted(
            module.name
            for module in pkgutil.iter_modules([str(Path(__file__).parent)])
            if not module.name.startswith("_")
        )
        for name in names:
            importlib.import_module(f"bench.{name}").run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1:])
