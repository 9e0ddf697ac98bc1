"""Attacks on signing in: guessing staff passwords on /admin/login/, and — behind a proxy —
ten bad logins from one address locking every reader out (all shared the proxy's address)."""

import runpy

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def behind_proxy(settings, monkeypatch):
    """The settings a `BEHIND_PROXY=true` deployment starts with."""
    monkeypatch.setenv("BEHIND_PROXY", "true")
    production = runpy.run_path(str(settings.BASE_DIR / "blog" / "settings.py"))
    for name in ("BEHIND_PROXY", "SECURE_PROXY_SSL_HEADER", "ALLAUTH_TRUSTED_PROXY_COUNT"):
        setattr(settings, name, production[name])


def throttled(response) -> bool:
    """allauth refuses with a form error (failed attempts) or a 429 page (attempts at all)."""
    return response.status_code == 429 or b"Too many failed login attempts" in response.content


def bad_login(client, n: int, **headers):
    return client.post(
        LOGIN, {"login": f"nobody{n}@example.org", "password": "guess"}, headers=headers
    )


def test_behind_a_proxy_one_address_cannot_lock_out_the_others(client, behind_proxy, reader):
    for n in range(10):
        assert not throttled(bad_login(client, n, x_forwarded_for="203.0.113.5"))

    # The attacker's address is now throttled...
    assert throttled(bad_login(client, 10, x_forwarded_for="203.0.113.5"))
    # ...and a reader behind the same proxy still signs in.
    response = client.post(
        LOGIN,
        {"login": "reader@example.org", "password": "reader-password"},
        headers={"x_forwarded_for": "198.51.100.7"},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(reader.pk)


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_limit(client, reader):
    for n in range(10):
        bad_login(client, n, x_forwarded_for=f"203.0.113.{n}")

    assert throttled(bad_login(client, 10, x_forwarded_for="198.51.100.99"))


def test_admin_login_page_sends_staff_to_the_rate_limited_login(client, editor):
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": "editor-password"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_thirty_wrong_staff_passwords_then_the_right_one_is_refused(client, editor):
    for _ in range(30):
        client.post(LOGIN, {"login": "editor@example.org", "password": "wrong"})

    response = client.post(LOGIN, {"login": "editor@example.org", "password": "editor-password"})

    assert throttled(response)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_with_an_authenticator_app_must_give_its_code(client, editor):
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)

    response = client.post(LOGIN, {"login": "editor@example.org", "password": "editor-password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(pk=editor.pk).pk)
    assert client.get(reverse("admin:index")).status_code == 200
