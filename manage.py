#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError, connections

    # A wrong or unreachable DATABASE_URL is a one-line message, not a traceback.
    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"Configuration error: {exc}")
    except OperationalError as exc:
        if connections["default"].connection is not None:
            raise  # connected: an error of the command, not of the address
        database = connections["default"].settings_dict
        where = database["NAME"]
        if database["HOST"]:
            where = f"{database['HOST']}:{database['PORT'] or 'default port'}/{where}"
        reason = str(exc).strip().splitlines()[0]
        sys.exit(f"DATABASE_URL: cannot connect to the database at {where}: {reason}")


if __name__ == "__main__":
    main()
