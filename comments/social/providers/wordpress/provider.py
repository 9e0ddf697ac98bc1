"""WordPress.com as an allauth provider: who the reader is, from `/rest/v1.1/me`.

The profile looks like::

    {"ID": 12345, "username": "foccusser", "display_name": "foccusser",
     "email": "f@example.org", "email_verified": true,
     "avatar_URL": "https://0.gravatar.com/avatar/...", "profile_URL": "https://gravatar.com/foccusser",
     "primary_blog_url": "https://foccusser.wordpress.com"}
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from comments.social.providers.wordpress.views import WordPressOAuth2Adapter


class WordPressAccount(ProviderAccount):
    def get_profile_url(self):
        data = self.account.extra_data
        return data.get("profile_URL") or data.get("primary_blog_url") or None

    def get_avatar_url(self):
        return self.account.extra_data.get("avatar_URL") or None

    def to_str(self):
        data = self.account.extra_data
        return data.get("display_name") or data.get("username") or super().to_str()


class WordPressProvider(OAuth2Provider):
    id = "wordpress"
    name = "WordPress.com"
    account_class = WordPressAccount
    oauth2_adapter_class = WordPressOAuth2Adapter

    def get_default_scope(self):
        # "auth" grants the /me endpoints only: enough to log in, nothing on the reader's blogs.
        return ["auth"]

    def extract_uid(self, data):
        return str(data["ID"])

    def extract_common_fields(self, data):
        return {
            "email": data.get("email"),
            "username": data.get("username"),
            "name": data.get("display_name"),
        }

    def extract_email_addresses(self, data):
        email = data.get("email")
        if not email:
            return []
        verified = data.get("email_verified") is True
        return [EmailAddress(email=email, verified=verified, primary=True)]


provider_classes = [WordPressProvider]
