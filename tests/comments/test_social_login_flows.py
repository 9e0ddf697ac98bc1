"""Google, Facebook, X and WordPress.com logins, end to end through allauth's callback with
the providers' HTTP endpoints mocked: the reader comes back to the article as that account,
with what they had typed, and comments with the account's name, picture and profile link."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from comments.models import SocialProfile
from tests.comments.conftest import finish_login, google_id_token, start_login

pytestmark = pytest.mark.django_db

DRAFT = "Stoltenberg is right: dialogue needs two sides."


def post_comment(client, article, text):
    page = client.get(article.get_absolute_url())
    form = page.context["comment_form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "honeypot"}
    data.update(comment=text, notify_comments="", notify_posts="")
    data = {name: value for name, value in data.items() if value not in ("", False, None)}
    return client.post(reverse("comments:post", args=[article.pk]), data)


def assert_back_on_the_article_as(client, article, response, *, provider_name, name):
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert f"You are commenting using your {provider_name} account." in html
    assert '<strong class="commenter-name">' in html and name in html
    # What they typed before leaving for the provider is still in the form.
    assert page.context["comment_form"]["comment"].value() == DRAFT
    assert 'class="social-logins"' not in html
    return page


def test_google_login_brings_the_reader_back_to_comment_as_their_google_account(
    client, article, providers, mocked_http
):
    location, query = start_login(client, article, "google", comment=DRAFT)
    assert location.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    assert query["client_id"] == providers["google"]["APPS"][0]["client_id"]
    assert set(query["scope"].split()) == {"profile", "email"}
    token = mocked_http.post(
        "https://oauth2.googleapis.com/token",
        json={
            "access_token": "google-access",
            "expires_in": 3599,
            "token_type": "Bearer",
            "id_token": google_id_token(
                sub="109876543210",
                email="gina@example.org",
                email_verified=True,
                name="Gina Gomez",
                given_name="Gina",
                family_name="Gomez",
                picture="https://lh3.googleusercontent.com/a/gina=s96-c",
            ),
        },
    )

    response = finish_login(client, "google", query, code="google-code")

    assert "code=google-code" in token.calls[0].request.body
    user = get_user_model().objects.get(email="gina@example.org")
    assert SocialAccount.objects.get(user=user).provider == "google"
    assert SocialAccount.objects.get(user=user).uid == "109876543210"
    assert_back_on_the_article_as(
        client, article, response, provider_name="Google", name="Gina Gomez"
    )

    response = post_comment(client, article, "Posted with Google.")

    comment = XtdComment.objects.get()
    assert (comment.user, comment.user_name, comment.user_email) == (
        user,
        "Gina Gomez",
        "gina@example.org",
    )
    page = client.get(response["Location"]).content.decode()
    assert 'src="https://lh3.googleusercontent.com/a/gina=s96-c"' in page


def test_facebook_login_gives_name_picture_and_profile_link(
    client, article, providers, mocked_http
):
    _, query = start_login(client, article, "facebook", comment=DRAFT)
    mocked_http.get(
        "https://graph.facebook.com/v19.0/oauth/access_token",
        json={"access_token": "facebook-access", "token_type": "bearer", "expires_in": 5183944},
    )
    profile = mocked_http.get(
        "https://graph.facebook.com/v19.0/me",
        json={
            "id": "10160000000000001",
            "name": "Fiona Fischer",
            "first_name": "Fiona",
            "last_name": "Fischer",
            "email": "fiona@example.org",
            "link": "https://www.facebook.com/fiona.fischer",
            "picture": {
                "data": {
                    "url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1",
                    "is_silhouette": False,
                }
            },
        },
    )

    response = finish_login(client, "facebook", query, code="facebook-code")

    assert "picture" in profile.calls[0].request.params["fields"]
    user = get_user_model().objects.get(email="fiona@example.org")
    assert SocialAccount.objects.get(user=user).provider == "facebook"
    assert_back_on_the_article_as(
        client, article, response, provider_name="Facebook", name="Fiona Fischer"
    )
    post_comment(client, article, "Posted with Facebook.")
    comment = XtdComment.objects.get()
    assert comment.user_url == "https://www.facebook.com/fiona.fischer"
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="https://www.facebook.com/fiona.fischer"' in page
    assert 'src="https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1"' in page


def test_x_login_without_an_email_address_still_lets_the_reader_comment(
    client, article, providers, mocked_http
):
    _, query = start_login(client, article, "twitter_oauth2", comment=DRAFT)
    assert query["code_challenge_method"] == "S256"
    token = mocked_http.post(
        "https://api.x.com/2/oauth2/token",
        json={"access_token": "x-access", "token_type": "bearer", "expires_in": 7200},
    )
    mocked_http.get(
        "https://api.x.com/2/users/me",
        json={
            "data": {
                "id": "2244994945",
                "name": "Xena Xu",
                "username": "xenaxu",
                "profile_image_url": "https://pbs.twimg.com/profile_images/1/xena_normal.jpg",
                "verified": False,
            }
        },
    )

    response = finish_login(client, "twitter_oauth2", query, code="x-code")

    assert "code_verifier=" in token.calls[0].request.body
    assert token.calls[0].request.headers["Authorization"].startswith("Basic ")
    account = SocialAccount.objects.get(provider="twitter_oauth2")
    assert account.uid == "2244994945"
    assert account.user.email == ""
    page = assert_back_on_the_article_as(
        client, article, response, provider_name="X", name="Xena Xu"
    )
    assert "Your X login gave no email address" in page.content.decode()

    response = post_comment(client, article, "Posted with X, no email needed.")

    assert response.status_code == 302
    comment = XtdComment.objects.get()
    assert (comment.user_name, comment.user_email, comment.user_url) == (
        "Xena Xu",
        "",
        "https://x.com/xenaxu",
    )
    assert comment.followup is False
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'src="https://pbs.twimg.com/profile_images/1/xena_normal.jpg"' in page


def test_wordpress_com_login_uses_its_own_provider(client, article, providers, mocked_http):
    location, query = start_login(client, article, "wordpress", comment=DRAFT)
    assert location.startswith("https://public-api.wordpress.com/oauth2/authorize?")
    assert query["scope"] == "auth"
    assert query["response_type"] == "code"
    token = mocked_http.post(
        "https://public-api.wordpress.com/oauth2/token",
        json={"access_token": "wp-access", "token_type": "bearer", "scope": "auth"},
    )
    me = mocked_http.get(
        "https://public-api.wordpress.com/rest/v1.1/me",
        json={
            "ID": 5836086,
            "username": "foccusser",
            "display_name": "foccusser",
            "email": "foccusser@example.org",
            "email_verified": True,
            "avatar_URL": "https://0.gravatar.com/avatar/f00?s=96&d=identicon",
            "profile_URL": "https://gravatar.com/foccusser",
            "primary_blog_url": "https://foccusser.wordpress.com",
        },
    )

    response = finish_login(client, "wordpress", query, code="wp-code")

    assert "client_secret=wordpress-secret" in token.calls[0].request.body
    assert me.calls[0].request.headers["Authorization"] == "Bearer wp-access"
    account = SocialAccount.objects.get(provider="wordpress")
    assert (account.uid, account.user.email) == ("5836086", "foccusser@example.org")
    assert account.user.emailaddress_set.get().verified is True
    assert_back_on_the_article_as(
        client, article, response, provider_name="WordPress.com", name="foccusser"
    )
    profile = SocialProfile.objects.get(user=account.user)
    assert profile.profile_url == "https://gravatar.com/foccusser"
    assert profile.avatar_url == "https://0.gravatar.com/avatar/f00?s=96&d=identicon"


def test_logging_in_again_refreshes_the_picture(client, article, providers, mocked_http):
    for picture in ("https://pbs.twimg.com/old.jpg", "https://pbs.twimg.com/new.jpg"):
        client.logout()
        _, query = start_login(client, article, "twitter_oauth2")
        mocked_http.post("https://api.x.com/2/oauth2/token", json={"access_token": "a"})
        mocked_http.get(
            "https://api.x.com/2/users/me",
            json={
                "data": {"id": "1", "name": "Xena", "username": "x", "profile_image_url": picture}
            },
        )
        finish_login(client, "twitter_oauth2", query, code="c")
        mocked_http.reset()

    assert SocialAccount.objects.count() == 1
    assert SocialProfile.objects.get().avatar_url == "https://pbs.twimg.com/new.jpg"


# --- When it goes wrong ---------------------------------------------------------------------


def test_denied_consent_returns_to_the_article_with_the_text_and_a_clear_message(
    client, article, providers, caplog
):
    _, query = start_login(client, article, "google", comment=DRAFT)

    response = finish_login(client, "google", query, error="access_denied")

    assert (
        "Login with google failed: cancelled None (provider's error 'access_denied'; state found)"
        in caplog.messages
    )

    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert "Logging in with Google was cancelled." in html
    assert page.context["comment_form"]["comment"].value() == DRAFT
    assert not page.context["user"].is_authenticated
    # The notice is said once.
    assert "was cancelled" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("provider", "name", "endpoint"),
    [
        ("google", "Google", "https://oauth2.googleapis.com/token"),
        ("facebook", "Facebook", "https://graph.facebook.com/v19.0/oauth/access_token"),
        ("twitter_oauth2", "X", "https://api.x.com/2/oauth2/token"),
        ("wordpress", "WordPress.com", "https://public-api.wordpress.com/oauth2/token"),
    ],
)
def test_a_provider_error_returns_to_the_article_with_a_clear_message(
    client, article, providers, mocked_http, provider, name, endpoint
):
    _, query = start_login(client, article, provider, comment=DRAFT)
    method = "GET" if provider == "facebook" else "POST"
    mocked_http.add(method, endpoint, json={"error": "invalid_grant"}, status=400)

    response = finish_login(client, provider, query, code="expired-code")

    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    page = client.get(article.get_absolute_url())
    assert f"{name} could not log you in." in page.content.decode()
    assert page.context["comment_form"]["comment"].value() == DRAFT
    assert get_user_model().objects.count() == 0


def test_a_wordpress_profile_failure_is_a_clear_message_too(
    client, article, providers, mocked_http
):
    _, query = start_login(client, article, "wordpress")
    mocked_http.post("https://public-api.wordpress.com/oauth2/token", json={"access_token": "a"})
    mocked_http.get("https://public-api.wordpress.com/rest/v1.1/me", status=503)

    finish_login(client, "wordpress", query, code="c")

    page = client.get(article.get_absolute_url()).content.decode()
    assert "WordPress.com could not log you in." in page


def test_a_callback_without_a_started_login_explains_itself(client, providers, caplog):
    response = client.get("/accounts/google/login/callback/", {"state": "forged", "code": "x"})

    assert response.status_code == 401
    html = response.content.decode()
    assert "Google could not log you in: the login took too long" in html
    assert 'class="site-header"' in html  # allauth's pages look like the site
    # The operator's log says which kind of failure it was.
    assert (
        "Login with google failed: unknown None (provider's error None; state not in this session)"
        in caplog.messages
    )


def test_an_error_in_the_popup_ends_on_its_last_page_with_the_notice_for_the_form(
    client, article, providers
):
    _, query = start_login(client, article, "google", popup="1")

    response = finish_login(client, "google", query, error="access_denied")

    assert response["Location"] == reverse("comments:login_done", args=[article.pk])
    fragment = client.get(reverse("comments:form", args=[article.pk])).content.decode()
    assert "Logging in with Google was cancelled." in fragment


# --- No open redirects ------------------------------------------------------------------------

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


@pytest.mark.parametrize("next_url", EVIL)
def test_allauths_provider_login_ignores_a_next_to_another_site(
    client, providers, mocked_http, next_url
):
    response = client.post("/accounts/twitter_oauth2/login/", {"next": next_url})
    query = dict(pair.split("=", 1) for pair in response["Location"].split("?", 1)[1].split("&"))
    mocked_http.post("https://api.x.com/2/oauth2/token", json={"access_token": "a"})
    mocked_http.get(
        "https://api.x.com/2/users/me", json={"data": {"id": "1", "name": "X", "username": "x"}}
    )

    response = client.get(
        "/accounts/twitter_oauth2/login/callback/", {"state": query["state"], "code": "c"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_comment_login_takes_no_next_at_all(client, article, providers, mocked_http):
    _, query = start_login(client, article, "twitter_oauth2", next="https://evil.example/")
    mocked_http.post("https://api.x.com/2/oauth2/token", json={"access_token": "a"})
    mocked_http.get(
        "https://api.x.com/2/users/me", json={"data": {"id": "1", "name": "X", "username": "x"}}
    )

    response = finish_login(client, "twitter_oauth2", query, code="c")

    assert response["Location"] == f"{article.get_absolute_url()}#respond"


@pytest.mark.parametrize("next_url", EVIL)
def test_password_login_and_logout_stay_on_site(client, reader, next_url):
    response = client.post(
        "/accounts/login/", {"login": reader.email, "password": "reader-password", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"

    response = client.post("/accounts/logout/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_denial_without_state_still_returns_to_the_article(client, article, providers):
    """Some providers (and oidc-provider-mock) leave `state` out of an error answer."""
    _, query = start_login(client, article, "wordpress", comment=DRAFT)

    response = client.get("/accounts/wordpress/login/callback/", {"error": "access_denied"})

    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Logging in with WordPress.com was cancelled." in html


def test_an_email_taken_by_another_account_is_not_revealed_its_owner_is_told_by_email(
    client, article, providers, mocked_http, reader
):
    _, query = start_login(client, article, "wordpress", comment=DRAFT)
    mocked_http.post("https://public-api.wordpress.com/oauth2/token", json={"access_token": "a"})
    mocked_http.get(
        "https://public-api.wordpress.com/rest/v1.1/me",
        json={"ID": 7, "username": "rita", "display_name": "Rita", "email": reader.email},
    )

    response = finish_login(client, "wordpress", query, code="c")

    # The same "check your inbox" page as any sign-up: whoever logs in with a provider
    # account carrying someone's address learns nothing; the address's owner is emailed.
    assert response["Location"] == reverse("account_email_verification_sent")
    page = client.get(response["Location"]).content.decode()
    assert 'class="site-header"' in page
    (message,) = mail.outbox
    assert message.to == [reader.email]
    assert "already" in message.body
    assert not SocialAccount.objects.exists()
