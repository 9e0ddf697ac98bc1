"""Spam-defence settings: bad values stop start-up with a message naming the variable."""

import pytest

from tests.blog.test_settings import run_check


def test_an_akismet_site_address_that_is_no_address_stops_start_up():
    result = run_check({"AKISMET_API_KEY": "abc123", "AKISMET_SITE_URL": "news.example.org"})
    assert result.returncode != 0
    assert "AKISMET_SITE_URL must be the site's address" in result.stderr


@pytest.mark.parametrize("name", ["COMMENTS_RATE_PER_IP", "COMMENTS_IP_RETENTION_DAYS"])
def test_a_bad_number_names_the_variable(name):
    result = run_check({name: "lots"})
    assert result.returncode != 0
    assert name in result.stderr.splitlines()[-1]


def test_akismet_with_its_site_address_starts():
    result = run_check(
        {"AKISMET_API_KEY": "abc123", "AKISMET_SITE_URL": "https://news.example.org"}
    )
    assert result.returncode == 0, result.stderr
