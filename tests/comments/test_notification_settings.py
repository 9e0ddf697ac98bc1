"""The notification settings: bad values stop start-up naming the variable."""

import pytest

from tests.blog.test_settings import run_check


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TASKS_BACKEND", "celery"),
        ("SITE_URL", "news.example.org"),
        ("NOTIFICATIONS_BATCH_SIZE", "lots"),
        ("NOTIFICATIONS_BATCH_SIZE", "0"),
        ("NOTIFICATIONS_MAX_ATTEMPTS", "-1"),
    ],
)
def test_a_bad_notification_setting_names_the_variable(name, value):
    result = run_check({name: value})
    assert result.returncode != 0
    assert name in result.stderr.splitlines()[-1]


def test_the_worker_command_is_installed():
    result = run_check({}, "--tag", "models")
    assert result.returncode == 0, result.stderr
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "django_tasks_db"
    assert get_commands()["send_notifications"] == "comments"
