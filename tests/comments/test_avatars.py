"""Avatars: a local identicon per email, the same everywhere, Gravatar only when asked."""

import hashlib
import re

from comments.discussion.avatars import avatar_url, identicon_svg


def test_the_same_email_always_gets_the_same_avatar():
    assert avatar_url("Rita@Example.org ") == avatar_url("rita@example.org")


def test_different_emails_get_different_avatars():
    assert avatar_url("rita@example.org") != avatar_url("olena@example.org")


def test_the_avatar_url_does_not_reveal_a_plain_hash_of_the_email():
    email = "rita@example.org"
    url = avatar_url(email)
    assert re.fullmatch(r"/comments/avatar/[0-9a-f]{32}\.svg", url)
    for algorithm in ("md5", "sha1", "sha256"):
        assert hashlib.new(algorithm, email.encode()).hexdigest()[:32] not in url


def test_the_avatar_is_an_svg_served_with_long_caching(client, db):
    response = client.get(avatar_url("rita@example.org"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=31536000" in response["Cache-Control"]
    assert response.content.decode().startswith("<svg ")


def test_the_avatar_view_needs_no_database(client):
    # No `db` fixture: a query here would fail the test.
    assert client.get(avatar_url("rita@example.org")).status_code == 200


def test_identicons_are_symmetric_patterns_that_differ_by_digest():
    first, second = identicon_svg("0" * 31 + "1"), identicon_svg("f" * 32)
    assert first != second
    cells = re.findall(r'<rect x="(\d)" y="(\d)" width="1"', second)
    assert cells  # all bits set: a full pattern
    assert {(x, y) for x, y in cells} == {(str(6 - int(x)), y) for x, y in cells}


def test_a_malformed_avatar_address_is_404(client, db):
    assert client.get("/comments/avatar/not-a-digest.svg").status_code == 404
    assert client.get(f"/comments/avatar/{'z' * 32}.svg").status_code == 404


def test_gravatar_is_used_only_when_configured(settings):
    settings.AVATARS_GRAVATAR = True
    url = avatar_url("Rita@example.org", size=32)
    assert url.startswith("https://www.gravatar.com/avatar/")
    # Gravatar's SHA-256 of the normalized address, at twice the size for sharp screens.
    assert hashlib.sha256(b"rita@example.org").hexdigest() in url
    assert "s=64" in url and "d=identicon" in url
