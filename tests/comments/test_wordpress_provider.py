"""The WordPress.com provider (allauth ships none): endpoints, scope, and who the reader is."""

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers import registry
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.test import RequestFactory

from comments.social.providers.wordpress.provider import WordPressProvider
from comments.social.providers.wordpress.views import WordPressOAuth2Adapter

ME = {
    "ID": 5836086,
    "username": "foccusser",
    "display_name": "Foc Cusser",
    "email": "foccusser@example.org",
    "email_verified": False,
    "avatar_URL": "https://0.gravatar.com/avatar/f00?s=96&d=identicon",
    "profile_URL": "https://gravatar.com/foccusser",
    "primary_blog_url": "https://foccusser.wordpress.com",
}


@pytest.fixture
def provider(providers, rf):
    return get_adapter().get_provider(rf.get("/"), "wordpress")


def test_it_is_registered_with_allauth_as_wordpress_com():
    assert registry.get_class("wordpress") is WordPressProvider
    assert WordPressProvider.name == "WordPress.com"


def test_it_uses_the_public_api_endpoints():
    assert (
        WordPressOAuth2Adapter.authorize_url == "https://public-api.wordpress.com/oauth2/authorize"
    )
    assert (
        WordPressOAuth2Adapter.access_token_url == "https://public-api.wordpress.com/oauth2/token"
    )
    assert WordPressOAuth2Adapter.profile_url == "https://public-api.wordpress.com/rest/v1.1/me"


@pytest.mark.django_db
def test_it_asks_only_for_the_auth_scope(provider):
    assert provider.get_scope() == ["auth"]


@pytest.mark.django_db
def test_the_reader_is_built_from_the_me_endpoint(provider, rf):
    login = provider.sociallogin_from_response(rf.get("/"), ME)

    assert login.account.uid == "5836086"
    assert login.user.email == "foccusser@example.org"
    assert (login.user.first_name, login.user.last_name) == ("Foc", "Cusser")
    # WordPress.com said the address is not verified: allauth must not treat it as verified.
    assert [(a.email, a.verified) for a in login.email_addresses] == [
        ("foccusser@example.org", False)
    ]


@pytest.mark.django_db
def test_a_verified_address_is_kept_as_verified(provider, rf):
    login = provider.sociallogin_from_response(rf.get("/"), {**ME, "email_verified": True})
    assert [a.verified for a in login.email_addresses] == [True]


def test_the_account_has_the_gravatar_picture_and_profile_link():
    account = SocialAccount(provider="wordpress", uid="1", extra_data=ME)
    wrapped = WordPressProvider.account_class(account)

    assert wrapped.get_avatar_url() == ME["avatar_URL"]
    assert wrapped.get_profile_url() == "https://gravatar.com/foccusser"
    assert wrapped.to_str() == "Foc Cusser"


def test_without_a_profile_link_the_blog_is_the_link():
    data = {**ME, "profile_URL": ""}
    account = SocialAccount(provider="wordpress", uid="1", extra_data=data)
    assert WordPressProvider.account_class(account).get_profile_url() == ME["primary_blog_url"]


@pytest.mark.django_db
def test_an_answer_without_a_user_is_a_login_error(providers, mocked_http):
    mocked_http.get("https://public-api.wordpress.com/rest/v1.1/me", json={"error": "nope"})
    request = RequestFactory().get("/")
    adapter = WordPressOAuth2Adapter(request)
    app = get_adapter().get_app(request, "wordpress")

    with pytest.raises(OAuth2Error, match="WordPress.com sent no user"):
        adapter.complete_login(request, app, token=type("Token", (), {"token": "t"})())
