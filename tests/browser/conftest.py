"""A real OpenID Connect provider on loopback (oidc-provider-mock), for login tests."""

import os
import threading
import warnings

import pytest
import requests
from werkzeug.serving import make_server

OIDC_NAME = "Demo OIDC"


@pytest.fixture(scope="session")
def oidc_server():
    """The provider's base URL. It runs in a thread for the whole session; its authorize page
    offers the predefined user "dana" and a "Deny" button."""
    with warnings.catch_warnings():
        # authlib (under the mock) turns its deprecation warnings on when imported: after
        # that, silence them while the mock imports its deprecated parts.
        import authlib.deprecate  # noqa: F401

        warnings.simplefilter("ignore", DeprecationWarning)
        from oidc_provider_mock import User, app

    # authlib refuses plain http unless told otherwise; this is loopback only.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    server = make_server(
        "127.0.0.1", 0, app(user_claims=[User(sub="dana", claims={})]), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.fixture
def oidc_provider(oidc_server, settings, live_server):
    """The site configured with the provider, whose user "dana" has a name and a picture
    (served by the site itself: tests never reach the internet)."""
    picture = f"{live_server.url}/comments/avatar/{'d' * 32}.svg"
    response = requests.put(
        f"{oidc_server}/users/dana",
        json={
            "name": "Dana Demo",
            "email": "dana@example.org",
            "email_verified": True,
            "picture": picture,
        },
        timeout=5,
    )
    response.raise_for_status()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "demo",
                    "name": OIDC_NAME,
                    "client_id": "wirepress-tests",
                    "secret": "loopback-only",
                    "settings": {"server_url": oidc_server},
                }
            ]
        }
    }
    return {"picture": picture}
