"""Subscribing and the pages email links lead to: the Follow box, following a discussion,
confirm, stop, one-click, manage. Bad links get a clear page, never a 500."""

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Mailing, Subscription
from comments.notifications import services
from tests.helpers import links, subject


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def pending(email="carla@example.org", **fields):
    subscription = services.subscription_create(email=email, kind=Subscription.Kind.POSTS)
    Subscription.objects.filter(pk=subscription.pk).update(**fields)
    subscription.refresh_from_db()
    return subscription


# --- Subscribing ---------------------------------------------------------------------------


def test_subscribing_the_same_address_twice_does_not_duplicate(client, smtp, db):
    for email in ("carla@example.org", " Carla@Example.ORG "):
        response = client.post("/comments/follow/", {"email": email, "next": "/"})
        assert response.status_code == 302

    assert Subscription.objects.get().email == "carla@example.org"
    assert len(smtp.messages) == 1  # and one confirmation email, not two


def test_following_a_discussion_twice_does_not_duplicate(article, reader):
    for _ in range(2):
        services.subscription_create(
            email=reader.email, kind=Subscription.Kind.COMMENTS, article=article, user=reader
        )
    assert Subscription.objects.count() == 1


def test_asking_again_later_sends_the_confirmation_again(smtp, db):
    subscription = pending()
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmation_sent_at=timezone.now() - timezone.timedelta(minutes=11)
    )

    services.subscription_create(email="carla@example.org", kind=Subscription.Kind.POSTS)

    assert len(smtp.messages) == 2


def test_subscribing_again_after_unsubscribing_asks_for_consent_again(smtp, db):
    subscription = pending(confirmed_at=timezone.now(), unsubscribed_at=timezone.now())

    again = services.subscription_create(email="carla@example.org", kind="posts")

    assert again.pk == subscription.pk
    assert again.is_pending
    assert subject(smtp.messages[-1]) == "[Wirepress] Please confirm your subscription"


def test_the_follow_box_is_on_every_page(client, article):
    for url in ("/", article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'action="/comments/follow/"' in html
        assert "Follow Wirepress: get new posts by email" in html


def test_the_follow_box_takes_the_reader_back_with_a_message(client, smtp, article):
    response = client.post(
        "/comments/follow/",
        {"email": "carla@example.org", "next": article.get_absolute_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert "we emailed a confirmation link to carla@example.org" in response.content.decode()
    assert [m["To"] for m in smtp.messages] == ["carla@example.org"]


def test_the_follow_box_does_not_redirect_off_site(client, smtp, db):
    response = client.post(
        "/comments/follow/", {"email": "carla@example.org", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_follow_box_explains_a_bad_address_and_keeps_it(client, db):
    response = client.post("/comments/follow/", {"email": "carla@", "next": "/"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please give a valid email address" in html
    assert 'value="carla@"' in html
    assert not Subscription.objects.exists()


def test_the_follow_box_rejects_get(client, db):
    assert client.get("/comments/follow/").status_code == 405


def test_the_follow_box_needs_a_csrf_token(csrf_client, db):
    response = csrf_client.post("/comments/follow/", {"email": "carla@example.org"})
    assert response.status_code == 403
    assert not Subscription.objects.exists()


def test_following_a_discussion_rejects_get(client, reader, article):
    client.force_login(reader)
    assert client.get(f"/comments/follow/{article.pk}/").status_code == 405


def test_a_guest_cannot_follow_a_discussion_without_signing_in(client, article):
    response = client.post(f"/comments/follow/{article.pk}/", {"follow": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Subscription.objects.exists()


def test_a_guest_sees_no_follow_discussion_button(client, article):
    assert "Follow this discussion" not in client.get(article.get_absolute_url()).content.decode()


def test_following_an_unpublished_article_is_404(client, reader, make_article):
    draft = make_article(status="draft", published_at=None)
    client.force_login(reader)
    assert client.post(f"/comments/follow/{draft.pk}/").status_code == 404


def test_a_reader_stops_following_a_discussion(client, reader, article, follower):
    subscription = follower(reader.email, article, user=reader)
    client.force_login(reader)

    client.post(f"/comments/follow/{article.pk}/", {"follow": "off"})

    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert "Follow this discussion" in client.get(article.get_absolute_url()).content.decode()


# --- Confirm -----------------------------------------------------------------------------------


def test_a_forged_token_gets_a_clear_page(client, db):
    for url in (
        "/comments/subscriptions/forged-token/",
        "/comments/subscriptions/forged-token/confirm/",
        "/comments/subscriptions/forged-token/stop/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert client.post("/comments/subscriptions/forged-token/stop/").status_code == 404
    assert client.post("/comments/subscriptions/forged-token/one-click/").status_code == 404
    assert client.post("/comments/subscriptions/forged-token/resume/").status_code == 404
    assert client.get(f"/comments/subscriptions/{'x' * 500}/").status_code == 404


def test_the_confirmation_page_asks_before_confirming(client, smtp, db):
    subscription = pending()
    url = f"/comments/subscriptions/{subscription.token}/confirm/"

    response = client.get(url)

    assert response.status_code == 200
    assert "Yes, confirm" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_pending


def test_confirming_needs_a_csrf_token(csrf_client, smtp, db):
    subscription = pending()
    response = csrf_client.post(f"/comments/subscriptions/{subscription.token}/confirm/")
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.is_pending


def test_a_reused_confirmation_link_says_it_is_done_already(client, smtp, db):
    subscription = pending()
    url = f"/comments/subscriptions/{subscription.token}/confirm/"
    client.post(url)

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        assert "Already confirmed" in response.content.decode()
    assert Subscription.objects.active().count() == 1


def test_an_expired_confirmation_link_confirms_nothing(client, smtp, db):
    subscription = pending(confirmation_sent_at=timezone.now() - timezone.timedelta(days=8))
    url = f"/comments/subscriptions/{subscription.token}/confirm/"

    response = client.post(url)

    assert response.status_code == 410
    assert "This confirmation link has expired" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_pending


def test_a_cancelled_request_cannot_be_confirmed(client, smtp, db):
    subscription = pending(unsubscribed_at=timezone.now())
    response = client.post(f"/comments/subscriptions/{subscription.token}/confirm/")
    assert "This request was cancelled" in response.content.decode()
    assert not Subscription.objects.active().exists()


def test_confirming_clears_the_addresss_old_bounce(client, smtp, follower, article):
    bounced = follower("carla@example.org", article, bounced_at=timezone.now())
    subscription = pending()

    client.post(f"/comments/subscriptions/{subscription.token}/confirm/")

    # The reader clicked a link mailed to the address: it takes mail again.
    active = Subscription.objects.active().filter(email="carla@example.org")
    assert set(active) == {bounced, subscription}


# --- Stop, one-click, manage ---------------------------------------------------------------


def test_the_stop_page_asks_then_stops_and_is_idempotent(client, follower, article):
    subscription = follower("ann@example.org", article)
    url = f"/comments/subscriptions/{subscription.token}/stop/"

    assert "Stop notifications for this article?" in client.get(url).content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active

    assert "Notifications stopped" in client.post(url).content.decode()
    assert "Already stopped" in client.post(url).content.decode()
    assert "Already stopped" in client.get(url).content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_stopping_needs_a_csrf_token(csrf_client, follower, article):
    subscription = follower("ann@example.org", article)
    response = csrf_client.post(f"/comments/subscriptions/{subscription.token}/stop/")
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.is_active


def test_one_click_unsubscribes_and_is_idempotent(csrf_client, follower):
    subscription = follower("ann@example.org")
    url = f"/comments/subscriptions/{subscription.token}/one-click/"
    for _ in range(2):
        response = csrf_client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_opening_the_one_click_link_shows_the_page_without_unsubscribing(client, follower):
    subscription = follower("ann@example.org")

    response = client.get(f"/comments/subscriptions/{subscription.token}/one-click/", follow=True)

    assert "Unsubscribe from new posts?" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active


def test_the_manage_page_lists_the_addresss_subscriptions_only(
    client, follower, article, make_article
):
    mine = follower("ann@example.org")
    follower("ann@example.org", article)
    follower("ann@example.org", make_article(title="Muted story"), unsubscribed_at=timezone.now())
    follower("bob@example.org", make_article(title="Bob's story"))

    html = client.get(f"/comments/subscriptions/{mine.token}/").content.decode()

    assert "new posts at Wirepress" in html
    assert article.title in html
    assert "Muted story" in html
    assert html.count(">Resume</button>") == 1
    assert "Bob's story" not in html
    assert "bob@example.org" not in html


def test_the_manage_page_reads_its_list_in_constant_queries(
    client, follower, make_article, django_assert_num_queries
):
    mine = follower("ann@example.org")
    url = f"/comments/subscriptions/{mine.token}/"
    client.get(url)  # fills the sidebar cache
    with django_assert_num_queries(2):  # the token's subscription, the address's list
        client.get(url)
    for _ in range(10):
        follower("ann@example.org", make_article())
    client.get("/")  # the sidebar again: new articles
    with django_assert_num_queries(2):
        client.get(url)


def test_the_manage_page_rejects_post(client, follower):
    subscription = follower("ann@example.org")
    assert client.post(f"/comments/subscriptions/{subscription.token}/").status_code == 405


def test_a_stopped_subscription_is_resumed_from_the_manage_page(client, follower):
    subscription = follower("ann@example.org", unsubscribed_at=timezone.now())
    url = f"/comments/subscriptions/{subscription.token}/resume/"

    assert client.get(url).status_code == 405
    response = client.post(url)

    assert response["Location"] == f"/comments/subscriptions/{subscription.token}/"
    subscription.refresh_from_db()
    assert subscription.is_active


def test_resuming_needs_a_csrf_token(csrf_client, follower):
    subscription = follower("ann@example.org", unsubscribed_at=timezone.now())
    response = csrf_client.post(f"/comments/subscriptions/{subscription.token}/resume/")
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_tokens_are_random_and_unique(db):
    tokens = {pending(f"reader{n}@example.org").token for n in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 43 for token in tokens)


def test_a_confirmation_email_links_to_its_pages(client, smtp, db):
    pending()
    found = links(smtp.messages[0])
    assert client.get(found["manage"]).status_code == 200
    assert "Unsubscribe from new posts?" in client.get(found["stop"]).content.decode()
    assert Mailing.objects.get().finished_at is not None
