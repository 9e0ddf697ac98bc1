"""Logging in to comment: the icons above the comment form, and the reader's social identity.

- `login_options(request)`: one icon per configured provider (environment or admin), then
  "email" for a local account. A provider without keys is not offered.
- `commenter_for(request)`: how a signed-in reader comments (name, avatar, "your Google account").
- `social_profile_update`: after a social login, the name, picture and profile link a comment
  shows are copied from the provider (`comments.social.adapters.AccountAdapter` calls it).
- The typed comment survives the trip to the provider: without JavaScript it waits in the
  session (`comment_draft_keep` / `comment_draft_pop`); with JavaScript the page never leaves.
"""

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MultipleObjectsReturned, ValidationError
from django.core.validators import URLValidator

from comments.discussion.avatars import avatar_url
from comments.models import SocialProfile

EMAIL_LOGIN = "email"


DRAFTS_SESSION_KEY = "comment_drafts"


NOTICE_SESSION_KEY = "comment_login_notice"


DRAFT_FIELDS = ("comment", "reply_to", "notify_comments", "notify_posts")


MAX_DRAFTS = 5


# allauth provider -> icon, in the reference page's order (WordPress.com, Google, X, Facebook).
BRANDS = {
    "wordpress": "wordpress",
    "google": "google",
    "twitter_oauth2": "x",
    "facebook": "facebook",
    "openid_connect": "openid",
}


_web_url = URLValidator(schemes=["https", "http"])


@dataclass(frozen=True)
class LoginOption:
    id: str  # what the login view is given: allauth's provider id, or an OIDC app's provider_id
    name: str  # "Google", or the OIDC app's name
    brand: str  # which icon
    popup: bool = True  # with JavaScript, log in in a popup (local accounts use the page)

    @property
    def icon(self) -> str:
        return f"img/social/{self.brand}.svg"


def login_options(request) -> list[LoginOption]:
    """The ways to log in offered above the comment form (one query: the admin's apps)."""
    providers = [
        provider
        for provider in get_adapter(request).list_providers(request)
        if provider.id in BRANDS and not (provider.app and provider.app.settings.get("hidden"))
    ]
    order = list(BRANDS)
    providers.sort(key=lambda provider: (order.index(provider.id), provider.name))
    options = [
        LoginOption(id=provider.sub_id, name=provider.name, brand=BRANDS[provider.id])
        for provider in providers
    ]
    options.append(
        LoginOption(
            id=EMAIL_LOGIN, name=f"{settings.SITE_NAME} account", brand="email", popup=False
        )
    )
    return options


def login_option(request, option_id: str) -> LoginOption | None:
    return next((option for option in login_options(request) if option.id == option_id), None)


def login_provider(request, option: LoginOption):
    """allauth's provider behind `option` (None for a local account, or if it went away)."""
    if option.id == EMAIL_LOGIN:
        return None
    try:
        return get_adapter(request).get_provider(request, option.id)
    except (SocialApp.DoesNotExist, MultipleObjectsReturned, ImproperlyConfigured):
        return None


# --- The signed-in commenter ---------------------------------------------------------------


@dataclass(frozen=True)
class Commenter:
    name: str
    email: str
    url: str
    avatar: str
    provider_name: str  # "Google" when this session logged in with Google; "" for a password


def social_profile_of(user) -> SocialProfile | None:
    """The user's social profile, or None; cached on `user` by Django, so ask freely."""
    try:
        return user.social_profile
    except SocialProfile.DoesNotExist:
        return None


def commenter_name(user, profile: SocialProfile | None) -> str:
    return (profile.display_name if profile else "") or user.get_full_name() or user.get_username()


def commenter_for(request) -> Commenter | None:
    """How the signed-in reader comments (one query, for their social profile)."""
    user = request.user
    if not user.is_authenticated:
        return None
    profile = social_profile_of(user)
    records = get_authentication_records(request, user)
    latest = records[-1] if records else {}
    via_social = (
        profile is not None
        and latest.get("method") == "socialaccount"
        and latest.get("provider") == profile.provider
    )
    return Commenter(
        name=commenter_name(user, profile),
        email=user.email,
        url=profile.profile_url if profile else "",
        avatar=avatar_url(user.email, picture=profile.avatar_url if profile else ""),
        provider_name=profile.provider_name if via_social else "",
    )


def _web_url_or_blank(value) -> str:
    if not isinstance(value, str) or len(value) > 500:
        return ""
    try:
        _web_url(value)
    except ValidationError:
        return ""
    return value


def social_identity(*, provider, account) -> dict:
    """Name, picture and profile link of a social account, as a comment shows them.

    allauth knows pictures for Google, X and WordPress.com; OpenID Connect (`picture`,
    `profile`, `website` claims) and Facebook (`picture.data.url`) are read here. Never the
    email address: it is not public.
    """
    provider_account = provider.wrap_account(account)
    data = provider_account.get_user_data() or {}
    picture = provider_account.get_avatar_url() or data.get("picture")
    if isinstance(picture, dict):  # Facebook: {"data": {"url": ..., "is_silhouette": ...}}
        picture = picture.get("data", {})
        picture = None if picture.get("is_silhouette") else picture.get("url")
    profile_url = provider_account.get_profile_url() or data.get("profile") or data.get("website")
    name = next(
        (
            value.strip()
            for value in (data.get("name"), data.get("display_name"))
            if isinstance(value, str) and value.strip()
        ),
        "",
    )
    return {
        "provider": account.provider,
        "provider_name": provider.name[:100],
        "display_name": name[:150],
        "avatar_url": _web_url_or_blank(picture),
        "profile_url": _web_url_or_blank(profile_url),
    }


def social_profile_update(*, user, provider, account) -> SocialProfile:
    """Copy the name, picture and profile link of the social account `user` just logged in
    with (allauth `provider` and `SocialAccount`), replacing those of an earlier login."""
    profile, _ = SocialProfile.objects.update_or_create(
        user=user, defaults=social_identity(provider=provider, account=account)
    )
    return profile


# --- What the reader typed, and what to tell them, across the login round trip ----------------


def comment_draft_keep(request, article, data) -> None:
    """Keep the comment being written on `article` while the reader logs in or out."""
    draft = {
        "comment": str(data.get("comment", ""))[: settings.COMMENTS_MAX_LENGTH],
        "reply_to": str(data.get("reply_to", "")).strip()[:20],
        "notify_comments": bool(data.get("notify_comments")),
        "notify_posts": bool(data.get("notify_posts")),
    }
    if not draft["comment"].strip() and not draft["reply_to"]:
        return
    drafts = {
        key: value
        for key, value in request.session.get(DRAFTS_SESSION_KEY, {}).items()
        if key != str(article.pk)
    }
    drafts[str(article.pk)] = draft
    request.session[DRAFTS_SESSION_KEY] = dict(list(drafts.items())[-MAX_DRAFTS:])


def comment_draft_pop(request, article) -> dict:
    """The kept comment for `article` (form initial data), once."""
    drafts = request.session.get(DRAFTS_SESSION_KEY)
    if not drafts or str(article.pk) not in drafts:
        return {}
    draft = drafts.pop(str(article.pk))
    request.session[DRAFTS_SESSION_KEY] = drafts
    return {name: draft[name] for name in DRAFT_FIELDS if draft.get(name)}


def login_notice_set(request, text: str, *, level: str = "error") -> None:
    request.session[NOTICE_SESSION_KEY] = {"text": text, "level": level}


def login_notice_pop(request) -> dict | None:
    if NOTICE_SESSION_KEY not in request.session:
        return None
    return request.session.pop(NOTICE_SESSION_KEY)
