"""What a social account contributes to a comment: name, picture and profile link, never the
email address, and only web addresses."""

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount

from comments.social.identity import social_identity
from tests.comments.conftest import configure_sso

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc(settings):
    configure_sso(settings)


def identity(rf, provider_id, extra_data):
    provider = get_adapter().get_provider(rf.get("/"), provider_id)
    account = SocialAccount(provider=provider_id, uid="1", extra_data=extra_data)
    return social_identity(provider=provider, account=account)


def test_an_openid_connect_account_gives_its_picture_and_profile_claims(rf, oidc):
    result = identity(
        rf,
        "sso",
        {
            "userinfo": {
                "sub": "1",
                "name": "Olga Ortiz",
                "email": "olga@example.org",
                "picture": "https://sso.example.org/avatars/olga.png",
                "profile": "https://people.example.org/olga",
            }
        },
    )

    assert result == {
        "provider": "sso",
        "provider_name": "Newsroom SSO",
        "display_name": "Olga Ortiz",
        "avatar_url": "https://sso.example.org/avatars/olga.png",
        "profile_url": "https://people.example.org/olga",
    }


def test_a_picture_that_is_not_a_web_address_is_dropped(rf, oidc):
    result = identity(
        rf, "sso", {"userinfo": {"picture": "javascript:alert(1)", "website": "ftp://x.example"}}
    )
    assert (result["avatar_url"], result["profile_url"]) == ("", "")


def test_the_email_address_is_never_the_public_name(rf, oidc):
    result = identity(rf, "sso", {"userinfo": {"email": "secret@example.org"}})
    assert result["display_name"] == ""


def test_facebooks_default_silhouette_is_not_a_picture(rf, providers):
    silhouette = {"data": {"url": "https://fb.example/s.jpg", "is_silhouette": True}}
    result = identity(rf, "facebook", {"id": "1", "name": "F", "picture": silhouette})
    assert result["avatar_url"] == ""
