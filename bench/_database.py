"""A throw-away database for benchmarks: a SQLite file in a temporary folder (closer to a
real site than SQLite in memory), or test_<name> on PostgreSQL when DATABASE_URL says so."""

import contextlib
import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")
_created = False


@contextlib.contextmanager
def test_database():
    """Set Django up on a fresh test database, unless a caller already did."""
    global _created
    import django

    django.setup()
    if _created:
        yield
        return
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    with tempfile.TemporaryDirectory(prefix="wirepress-bench-") as folder:
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = os.path.join(folder, "bench.sqlite3")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        _created = True
        try:
            yield
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
            _created = False
