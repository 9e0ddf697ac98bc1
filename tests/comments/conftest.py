"""Fixtures for the discussion: followers, links found in emails;
logging in to comment: configured providers and the provider round trip."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from comments.models import Subscription
from comments.moderation import pipeline
from comments.moderation.reasons import Decision, Reason, Verdict

GOOGLE_ID = "google-client-id.apps.googleusercontent.com"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts logins per IP in the cache (every test client is 127.0.0.1), and
    local-memory caches outlive a test: start each test with none counted."""
    cache.clear()


@pytest.fixture
def providers(settings):
    """Google, Facebook, X and WordPress.com configured, as their env variables would."""
    configured = {}
    for name, config in settings.SOCIALACCOUNT_PROVIDERS.items():
        if name == "openid_connect":
            continue
        client_id = GOOGLE_ID if name == "google" else f"{name}-client-id"
        configured[name] = {
            **config,
            "APPS": [{"client_id": client_id, "secret": f"{name}-secret"}],
        }
    settings.SOCIALACCOUNT_PROVIDERS = configured
    return configured


def configure_sso(settings, server_url="https://sso.example.org"):
    """An OpenID Connect provider, "Newsroom SSO" (provider id "sso"), at `server_url`."""
    app = {
        "provider_id": "sso",
        "name": "Newsroom SSO",
        "client_id": "c",
        "secret": "s",
        "settings": {"server_url": server_url},
    }
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}


@pytest.fixture
def mocked_http():
    """Every outgoing HTTP request must be one the test registered."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def start_login(client, article, provider, **data):
    """Click a provider icon under `article` (no JavaScript): returns the provider's
    authorization URL and its query."""
    response = client.post(
        reverse("comments:login", args=[article.pk]), {"provider": provider, **data}
    )
    assert response.status_code == 302, response.content
    location = response["Location"]
    return location, {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def finish_login(client, provider, query, **params):
    """The provider sends the reader back to the callback URL it was given."""
    callback = urlsplit(query["redirect_uri"]).path
    assert callback == f"/accounts/{provider}/login/callback/"
    return client.get(callback, {"state": query["state"], **params})


def google_id_token(**claims):
    now = int(time.time())
    payload = {
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_ID,
        "iat": now,
        "exp": now + 3600,
        **claims,
    }
    # Received straight from Google's token endpoint over TLS: allauth does not check the
    # signature then (OpenID Connect Core 3.1.3.7), so any key will do here.
    return jwt.encode(payload, "not-checked-" * 3, algorithm="HS256")


@pytest.fixture
def follower(db):
    """A confirmed subscription (article given: its comments; none: the blog's posts)."""

    def make(email, article=None, **fields):
        kind = Subscription.Kind.COMMENTS if article else Subscription.Kind.POSTS
        defaults = {"confirmed_at": timezone.now(), "confirmation_sent_at": timezone.now()}
        defaults.update(fields)
        return Subscription.objects.create(email=email, kind=kind, article=article, **defaults)

    return make


@pytest.fixture
def moderation_decides(monkeypatch):
    """moderation_decides(Verdict.HOLD): moderation gives that verdict to every new comment
    (as the spam checks would to a suspicious one)."""

    def decide(verdict: Verdict) -> None:
        decision = Decision(verdict, [Reason("test", verdict, f"{verdict} by the test")])
        monkeypatch.setattr(pipeline, "comment_verdict", lambda submission: decision)

    return decide


@pytest.fixture
def hold_everything(moderation_decides):
    """Moderation holds every new comment."""
    moderation_decides(Verdict.HOLD)


@pytest.fixture
def queued_tasks(settings):
    """Tasks are queued, not run: the test runs them (as the worker would) when it likes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = default_task_backend

    class Queue:
        def ready(self, now=None):
            now = now or timezone.now()
            return [
                r
                for r in backend.results
                if r.status == "READY" and (r.task.run_after is None or r.task.run_after <= now)
            ]

        def waiting(self):
            return [r for r in backend.results if r.task.run_after is not None]

        def run(self, result):
            backend.results.remove(result)
            return result.task.call(*result.args, **result.kwargs)

    return Queue()
