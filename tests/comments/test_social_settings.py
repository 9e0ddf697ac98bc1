"""Providers come from environment variables; half a configuration stops start-up, naming
the variable that is missing."""

import pytest

from tests.blog.test_settings import run_check


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"GOOGLE_CLIENT_ID": "id"}, "GOOGLE_CLIENT_SECRET"),
        ({"X_CLIENT_SECRET": "secret"}, "X_CLIENT_ID"),
        ({"OIDC_SERVER_URL": "https://sso.example.org"}, "OIDC_CLIENT_ID"),
        ({"OIDC_CLIENT_ID": "id", "OIDC_CLIENT_SECRET": "s"}, "OIDC_SERVER_URL"),
    ],
)
def test_half_a_provider_configuration_names_what_is_missing(env, missing):
    result = run_check(env)
    assert result.returncode != 0
    assert missing in result.stderr.splitlines()[-1]


def test_a_complete_configuration_starts():
    result = run_check(
        {
            "WORDPRESS_CLIENT_ID": "1234",
            "WORDPRESS_CLIENT_SECRET": "s",
            "OIDC_SERVER_URL": "https://sso.example.org/realms/news",
            "OIDC_CLIENT_ID": "wirepress",
            "OIDC_CLIENT_SECRET": "s",
        }
    )
    assert result.returncode == 0, result.stderr
