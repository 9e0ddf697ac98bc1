"""Local accounts by email (allauth): sign-up with verification, password reset, rate limits,
on pages that look like the site."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_signing_up_sends_a_verification_email_named_after_the_site(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert message.subject == "[Wirepress] Please Confirm Your Email Address"
    assert "Hello from Wirepress!" in message.body
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", message.body).group(1)
    assert client.get(link).status_code == 200


def test_a_password_reset_email_leads_to_a_new_password(client, reader):
    client.post("/accounts/password/reset/", {"email": reader.email})

    (message,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"password1": "another-passphrase", "password2": "another-passphrase"}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.check_password("another-passphrase")


def test_failed_logins_are_rate_limited(client, reader):
    for _ in range(5):
        client.post("/accounts/login/", {"login": reader.email, "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"login": reader.email, "password": "reader-password"}
    )

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_the_account_pages_look_like_the_site(client):
    html = client.get("/accounts/login/").content.decode()

    title = html.split("<title>")[1].split("</title>")[0]
    assert " ".join(title.split()) == "Sign In – Wirepress"
    assert 'class="site-header"' in html
    assert 'class="account-page"' in html
    assert 'href="/static/css/site.css"' in html
