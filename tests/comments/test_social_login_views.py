"""The comment form's login row, the login popup's pages, "Log out" and "Change", and the
draft that survives the round trip."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import reverse

from blog.settings import social_app
from comments.models import SocialProfile
from tests.comments.conftest import configure_sso, start_login
from tests.factories import post

pytestmark = pytest.mark.django_db


def icons(html):
    """The login options offered above the form, by their accessible names."""
    return [
        part.split("</span>")[0]
        for part in html.split('<span class="visually-hidden">Log in with ')[1:]
    ]


@pytest.fixture
def google_reader(reader, client):
    """A reader who logged in with Google in this browser."""
    account = SocialAccount.objects.create(
        user=reader, provider="google", uid="42", extra_data={"name": "Rita Reader"}
    )
    SocialProfile.objects.create(
        user=reader,
        provider="google",
        provider_name="Google",
        display_name="Rita R.",
        avatar_url="https://lh3.googleusercontent.com/a/rita",
    )
    client.force_login(reader)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "socialaccount", "provider": "google", "uid": account.uid, "at": 0}
    ]
    session["account_authentication_methods_user"] = str(reader.pk)
    session.save()
    return reader


# --- The icon row ---------------------------------------------------------------------------


def back_at_the_form(client, article, response, *, notice: str, kept: str):
    """The reader is sent back to the form, which tells `notice` and still holds the
    comment `kept`; returns the page."""
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    page = client.get(article.get_absolute_url())
    assert notice in page.content.decode()
    assert page.context["comment_form"]["comment"].value() == kept
    return page


def test_without_provider_keys_only_a_local_account_is_offered(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert "Fill in your details below or click an icon to log in:" in html
    assert icons(html) == ["Wirepress account"]


def test_configured_providers_get_an_icon_each_in_the_reference_order(client, article, providers):
    html = client.get(article.get_absolute_url()).content.decode()

    assert icons(html) == ["WordPress.com", "Google", "X", "Facebook", "Wirepress account"]


def test_two_environment_variables_enable_a_provider(client, article, settings, monkeypatch):
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "id-from-env")
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "secret-from-env")
    settings.SOCIALACCOUNT_PROVIDERS = {"google": {"APPS": social_app("GOOGLE")}}

    html = client.get(article.get_absolute_url()).content.decode()

    assert icons(html) == ["Google", "Wirepress account"]


def test_an_openid_connect_provider_is_offered_under_its_own_name(client, article, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "keycloak",
                    "name": "Newsroom SSO",
                    "client_id": "wirepress",
                    "secret": "s",
                    "settings": {"server_url": "https://sso.example.org/realms/news"},
                }
            ]
        }
    }

    html = client.get(article.get_absolute_url()).content.decode()

    assert icons(html) == ["Newsroom SSO", "Wirepress account"]
    assert 'value="keycloak"' in html


def test_an_app_added_in_the_admin_is_offered_too(client, article):
    app = SocialApp.objects.create(provider="facebook", name="Facebook", client_id="1", secret="2")
    app.sites.add(Site.objects.get_current())

    html = client.get(article.get_absolute_url()).content.decode()

    assert icons(html) == ["Facebook", "Wirepress account"]


def test_the_icons_submit_the_comment_form_to_the_login_view(client, article, providers):
    html = client.get(article.get_absolute_url()).content.decode()

    login = reverse("comments:login", args=[article.pk])
    connect = reverse("comments:login_connect", args=[article.pk])
    assert (
        f'form="commentform" formaction="{login}" formnovalidate name="provider" value="google"'
        in html
    )
    assert f'data-popup-url="{connect}?provider=google"' in html


# --- Starting a login -------------------------------------------------------------------------


def test_the_login_view_rejects_get(client, article):
    response = client.get(reverse("comments:login", args=[article.pk]))
    assert response.status_code == 405


def test_the_login_view_denies_a_post_from_another_site(article, providers):
    stranger = Client(enforce_csrf_checks=True)
    response = stranger.post(reverse("comments:login", args=[article.pk]), {"provider": "google"})
    assert response.status_code == 403


def test_an_unknown_provider_returns_to_the_form_with_a_message(client, article):
    response = client.post(
        reverse("comments:login", args=[article.pk]), {"provider": "myspace", "comment": "Hi"}
    )

    back_at_the_form(
        client,
        article,
        response,
        notice="That way of logging in is not available any more.",
        kept="Hi",
    )


def test_the_login_view_404s_for_a_draft_article(client, make_article, providers):
    draft = make_article(status="draft")
    response = client.post(reverse("comments:login", args=[draft.pk]), {"provider": "google"})
    assert response.status_code == 404


def test_a_local_account_login_keeps_the_draft_and_comes_back_to_the_form(client, article, reader):
    response = client.post(
        reverse("comments:login", args=[article.pk]),
        {"provider": "email", "comment": "Typed first", "notify_comments": "on"},
    )

    assert response["Location"] == "/accounts/login/?next=" + (
        article.get_absolute_url().replace("/", "%2F") + "%23respond"
    )
    response = client.post(
        response["Location"], {"login": reader.email, "password": "reader-password"}
    )
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert "You are commenting as Rita Reader." in html
    assert page.context["comment_form"]["comment"].value() == "Typed first"
    assert page.context["comment_form"]["notify_comments"].value() is True


def test_a_reply_in_progress_is_still_a_reply_after_logging_in(client, article, providers):
    parent = post(article, name="Foccusser", email="f@example.org", text="First")

    start_login(client, article, "google", comment="My reply", reply_to=str(parent.pk))
    client.post(reverse("comments:login", args=[article.pk]), {"provider": "nothing"})
    page = client.get(article.get_absolute_url())

    assert "Leave a Reply to Foccusser" in page.content.decode()
    assert str(page.context["comment_form"]["reply_to"].value()) == str(parent.pk)


def test_the_popup_starts_with_connecting_to_the_provider(client, article, providers):
    response = client.get(
        reverse("comments:login_connect", args=[article.pk]), {"provider": "google"}
    )

    html = response.content.decode()
    assert "Connecting to Google…" in html
    assert f'action="{reverse("comments:login", args=[article.pk])}"' in html
    assert '<input type="hidden" name="popup" value="1">' in html
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_the_popup_start_404s_for_an_unknown_provider(client, article):
    response = client.get(
        reverse("comments:login_connect", args=[article.pk]), {"provider": "google"}
    )
    assert response.status_code == 404


def test_a_popup_login_does_not_store_a_draft_and_ends_on_the_popups_last_page(
    client, article, providers
):
    _, query = start_login(client, article, "google", popup="1", comment="in the page")

    assert "comment_drafts" not in client.session
    state = client.session["socialaccount_states"][query["state"]][0]
    assert state["next"] == reverse("comments:login_done", args=[article.pk])


def test_the_popups_last_page_talks_to_its_opener_or_goes_to_the_article(client, article):
    response = client.get(reverse("comments:login_done", args=[article.pk]))

    html = response.content.decode()
    assert f'data-article-url="{article.get_absolute_url()}#respond"' in html
    assert "js/login-popup.js" in html
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"
    assert "no-store" in response["Cache-Control"]


def test_article_pages_let_popups_report_back(client, article):
    response = client.get(article.get_absolute_url())
    assert response["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"


# --- Signed in ---------------------------------------------------------------------------------


def test_the_form_shows_the_social_identity_with_log_out_and_change(client, article, google_reader):
    html = client.get(article.get_absolute_url()).content.decode()

    assert "You are commenting using your Google account." in html
    assert '<strong class="commenter-name">Rita R.</strong>' in html
    assert 'src="https://lh3.googleusercontent.com/a/rita"' in html
    logout = reverse("comments:logout", args=[article.pk])
    assert (
        f'formaction="{logout}" formnovalidate class="link-button" data-identity-action="logout">Log out<'
        in html
    )
    assert (
        'name="change" value="1" class="link-button" data-identity-action="change">Change<' in html
    )
    assert icons(html) == []


def test_a_password_login_is_not_called_a_google_login(client, article, google_reader):
    client.logout()
    client.post("/accounts/login/", {"login": google_reader.email, "password": "reader-password"})

    html = client.get(article.get_absolute_url()).content.decode()

    assert "You are commenting as Rita R." in html
    assert "Google account" not in html


def test_the_form_fragment_is_the_form_for_who_the_reader_is_now(client, article, google_reader):
    response = client.get(reverse("comments:form", args=[article.pk]))

    assert response.content.decode().lstrip().startswith('<div id="respond"')
    assert "You are commenting using your Google account." in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_log_out_keeps_the_reader_and_their_text_on_the_article(client, article, google_reader):
    response = client.post(
        reverse("comments:logout", args=[article.pk]), {"comment": "Half a thought"}
    )

    page = back_at_the_form(
        client,
        article,
        response,
        notice="You are logged out. Your comment is still here.",
        kept="Half a thought",
    )
    assert not page.context["user"].is_authenticated


def test_change_leads_to_the_login_icons_and_guest_fields(
    client, article, google_reader, providers
):
    response = client.post(
        reverse("comments:logout", args=[article.pk]), {"comment": "Half", "change": "1"}
    )

    assert response["Location"] == f"{article.get_absolute_url()}#comment-login"
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-login"' in html
    assert "Google" in icons(html)
    assert 'name="email"' in html


def test_log_out_from_the_page_script_gets_the_guest_form(client, article, google_reader):
    response = client.post(
        reverse("comments:logout", args=[article.pk]),
        {"comment": "Kept"},
        headers={"X-Requested-With": "fetch"},
    )

    form = response.json()["form"]
    assert "Fill in your details below or click an icon to log in:" in form
    assert ">\nKept</textarea>" in form


def test_log_out_rejects_get(client, article, google_reader):
    response = client.get(reverse("comments:logout", args=[article.pk]))
    assert response.status_code == 405


def test_log_out_denies_a_post_from_another_site(article, google_reader):
    stranger = Client(enforce_csrf_checks=True)
    stranger.force_login(google_reader)

    response = stranger.post(reverse("comments:logout", args=[article.pk]))

    assert response.status_code == 403
    assert stranger.get(article.get_absolute_url()).context["user"] == google_reader


def test_a_commenter_without_email_cannot_ask_for_email_notifications(client, article, reader):
    reader.email = ""
    reader.save()
    client.force_login(reader)

    response = client.post(
        reverse("comments:post", args=[article.pk]),
        {**security_data(client, article), "comment": "Hello", "notify_comments": "on"},
    )

    assert response.status_code == 302
    from django_comments_xtd.models import XtdComment

    assert XtdComment.objects.get().followup is False


def security_data(client, article):
    form = client.get(article.get_absolute_url()).context["comment_form"]
    return {
        name: form[name].value()
        for name in ("content_type", "object_pk", "timestamp", "security_hash")
    }


def test_the_pages_a_login_popup_passes_through_keep_its_opener(client, providers):
    for path in ("/accounts/login/", "/accounts/google/login/callback/"):
        assert client.get(path)["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_an_unreachable_openid_connect_provider_is_a_message_not_an_error(
    client, article, settings
):
    # Nothing listens on port 9 (discard) on loopback.
    configure_sso(settings, "http://127.0.0.1:9")

    response = client.post(
        reverse("comments:login", args=[article.pk]), {"provider": "sso", "comment": "Kept"}
    )

    back_at_the_form(
        client, article, response, notice="Newsroom SSO cannot be reached right now.", kept="Kept"
    )
