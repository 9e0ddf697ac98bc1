"""The OAuth2 endpoints of WordPress.com and the profile request made after the token."""

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)

API = "https://public-api.wordpress.com"


class WordPressOAuth2Adapter(OAuth2Adapter):
    provider_id = "wordpress"
    authorize_url = f"{API}/oauth2/authorize"
    access_token_url = f"{API}/oauth2/token"  # noqa: S105 (a URL, not a password)
    profile_url = f"{API}/rest/v1.1/me"

    def complete_login(self, request, app, token, **kwargs):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, headers={"Authorization": f"Bearer {token.token}"}
            )
            response.raise_for_status()
            profile = response.json()
        if not isinstance(profile, dict) or not profile.get("ID"):
            raise OAuth2Error(f"WordPress.com sent no user: {response.text[:200]}")
        return self.get_provider().sociallogin_from_response(request, profile)


oauth2_login = OAuth2LoginView.adapter_view(WordPressOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WordPressOAuth2Adapter)
