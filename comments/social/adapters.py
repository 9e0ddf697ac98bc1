"""django-allauth adapters for what Wirepress does differently: a provider error or a cancelled
consent sends the reader back to the article with a notice, never to a dead end; a social
login copies the reader's name and picture; a mail server that is down is no error page.
"""

import logging
import smtplib
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.providers.base import AuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.requests import RequestSite
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from comments.social.identity import login_notice_set, social_profile_update

logger = logging.getLogger(__name__)


def _is_discussion_url(url: str) -> bool:
    """Whether `url` shows the comment form (an article, or the login popup's last page)."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.view_name in {"blog:article", "comments:login_done"}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """Back to where the reader started (their comment kept), with a notice that says
        what happened, instead of allauth's "Third-Party Login Failure" page."""
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
        context = extra_context or {}
        # What the provider answered and whether this session held the login's state: an
        # "unknown" failure is one of the two, and allauth does not say which.
        if context.get("state"):
            state_seen = "found"
        else:
            state_seen = "not in this session" if context.get("state_id") else "not sent"
        logger.warning(
            "Login with %s failed: %s %r (provider's error %r; state %s)",
            provider.id,
            error,
            exception,
            request.GET.get("error"),
            state_seen,
        )
        state = context.get("state")
        if state is None and request.GET.get("error") and not request.GET.get("state"):
            # Some providers leave `state` out of an error answer ("access_denied"): the
            # login this browser started last with them is the one that failed.
            state = statekit.unstash_last_state(request, provider_id=provider.sub_id)
        state = state or {}
        next_url = state.get("next")
        if not next_url or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return  # no way back (e.g. an expired session): allauth's error page says so
        # OAuth2's "access_denied": the reader said no (allauth only sees it with a state).
        if error == AuthError.CANCELLED or request.GET.get("error") == "access_denied":
            text = (
                f"Logging in with {provider.name} was cancelled. Your comment is still here: "
                "click an icon to try again, or fill in your details below."
            )
        else:
            text = (
                f"{provider.name} could not log you in. Your comment is still here: please try "
                "again, or fill in your details below."
            )
        if _is_discussion_url(next_url):
            login_notice_set(request, text)
        else:
            messages.error(request, text)
        raise ImmediateHttpResponse(HttpResponseRedirect(next_url))


class AccountAdapter(DefaultAccountAdapter):
    def post_login(self, request, user, **kwargs):
        """After a social login, copy the reader's picture, name and profile link (kept on
        our side: the discussion then needs no query per comment to show them)."""
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None:
            social_profile_update(
                user=user, provider=sociallogin.provider, account=sociallogin.account
            )
        return super().post_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        # Emails name the site by SITE_NAME and the address readers use, not the Sites row.
        request = allauth_context.request
        if request is not None:
            site = RequestSite(request)
            site.name = settings.SITE_NAME
            context = {"current_site": site, **context}
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            # A mail server that is down must not turn a sign-up or a password reset into
            # an error page: the reader is told, and can ask for the email again.
            logger.warning("Could not send the %s email: %s", template_prefix, error)
            if request is not None:
                messages.error(
                    request,
                    "We could not send you an email just now. Please try again in a few minutes.",
                )
