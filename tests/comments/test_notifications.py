"""Notification email, end to end against a real SMTP server on loopback: who gets what,
both parts, headers, and the links in it followed with the test client."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Mailing, Subscription
from comments.moderation.reasons import Verdict
from tests.factories import post_form
from tests.helpers import header_url, links, parts, subject


def test_a_published_comment_emails_the_articles_followers(
    client, smtp, article, make_article, follower
):
    follower("ann@example.org", article)
    follower("pending@example.org", article, confirmed_at=None)
    follower("gone@example.org", article, unsubscribed_at=timezone.now())
    follower("other-article@example.org", make_article())
    follower("posts-only@example.org")
    follower("boris@example.org", article)  # the commenter: not told about their own comment

    comment = post_form(
        client,
        article,
        name="Boris",
        email="Boris@Example.org",
        comment="NATO & Russia <b>talk</b> again.",
    )

    assert [m.envelope_recipients for m in smtp.messages] == [["ann@example.org"]]
    message = smtp.messages[0]
    assert message["To"] == "ann@example.org"
    assert message["From"] == "Wirepress <noreply@localhost>"
    assert subject(message) == f"[Wirepress] New comment on “{article.title}”"
    text, html = parts(message)
    assert "Boris commented on" in text
    assert "NATO & Russia <b>talk</b> again." in text
    assert f"http://testserver{article.get_absolute_url()}#comment-{comment.pk}" in text
    assert "NATO &amp; Russia &lt;b&gt;talk&lt;/b&gt; again." in html
    assert "<b>talk</b>" not in html
    assert "Stop notifications for this article" in html
    assert "Wirepress" in html


def test_every_email_carries_one_click_unsubscribe_headers(client, smtp, article, follower):
    subscription = follower("ann@example.org", article)
    post_form(client, article)

    message = smtp.messages[0]
    assert message["List-Unsubscribe"].strip() == (
        f"<http://testserver/comments/subscriptions/{subscription.token}/one-click/>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_links_in_a_comment_email_work(client, smtp, article, follower):
    follower("ann@example.org", article)
    comment = post_form(client, article, comment="First reply")
    found = links(smtp.messages[0])

    page = client.get(found["comment"].split("#")[0])
    assert page.status_code == 200
    assert f'id="comment-{comment.pk}"' in page.content.decode()

    manage = client.get(found["manage"])
    assert manage.status_code == 200
    assert "new comments on" in manage.content.decode()
    assert article.title in manage.content.decode()

    stop_page = client.get(found["stop"])
    assert "Stop notifications for this article?" in stop_page.content.decode()
    assert Subscription.objects.get(email="ann@example.org").unsubscribed_at is None
    stopped = client.post(found["stop"])
    assert "Notifications stopped" in stopped.content.decode()

    post_form(client, article, comment="Second reply")
    assert len(smtp.messages) == 1


def test_the_one_click_header_unsubscribes_without_a_session_or_csrf_token(
    smtp, article, follower, client
):
    from django.test import Client

    follower("ann@example.org", article)
    post_form(client, article)
    mail_provider = Client(enforce_csrf_checks=True)

    response = mail_provider.post(
        header_url(smtp.messages[0]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Subscription.objects.get(email="ann@example.org").unsubscribed_at is not None
    post_form(client, article, comment="Nobody hears this")
    assert len(smtp.messages) == 1


def carla_asks_for_both(client, article):
    """A guest comments and ticks both "Notify me" boxes."""
    post_form(client, article, email="carla@example.org", notify_comments="on", notify_posts="on")


def test_a_guest_who_ticks_both_boxes_gets_one_confirmation_email_and_nothing_else(
    client, smtp, article, make_article
):
    carla_asks_for_both(client, article)

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert subject(message) == "[Wirepress] Please confirm your subscription"
    text, html = parts(message)
    assert f"new comments on “{article.title}”" in text
    assert "new posts" in text
    assert "Confirm" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Subscription.objects.active().exists()

    # Not confirmed yet: a new comment and a new post email nobody.
    post_form(client, article, email="dan@example.org", comment="Hello")
    make_article(published_at=timezone.now())
    call_command("send_notifications")
    assert len(smtp.messages) == 1


def test_the_confirmation_link_asks_then_confirms_everything_the_email_listed(
    client, smtp, article, make_article
):
    carla_asks_for_both(client, article)
    confirm = links(smtp.messages[0])["confirm"]
    article.announced_at = timezone.now()  # the fixture's article is not news any more
    article.save()

    page = client.get(confirm)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Yes, confirm" in html
    assert f'new comments on <a href="{article.get_absolute_url()}">“{article.title}”</a>' in html
    assert "new posts at Wirepress" in html
    assert not Subscription.objects.active().exists()

    done = client.post(confirm)
    assert "Subscription confirmed" in done.content.decode()
    assert Subscription.objects.active().filter(email="carla@example.org").count() == 2

    post_form(client, article, email="dan@example.org", comment="Hello Carla")
    new = make_article(title="Fresh news", published_at=timezone.now())
    call_command("send_notifications")
    subjects = [subject(m) for m in smtp.to("carla@example.org")]
    assert subjects[1:] == [
        f"[Wirepress] New comment on “{article.title}”",
        f"[Wirepress] New post: {new.title}",
    ]


def test_a_held_comment_notifies_nobody_until_an_editor_approves_it(
    client, admin_client, smtp, article, follower, moderation_decides
):
    follower("ann@example.org", article)
    moderation_decides(Verdict.HOLD)
    comment = post_form(client, article, comment="Held for now")
    assert not comment.is_public
    assert smtp.messages == []

    for _ in range(2):  # approving twice still emails once
        response = admin_client.post(
            "/admin/comments/comment/",
            {"action": "approve_comments", "_selected_action": [comment.pk]},
        )
        assert response.status_code == 302

    comment.refresh_from_db()
    assert comment.is_public
    assert [subject(m) for m in smtp.messages] == [f"[Wirepress] New comment on “{article.title}”"]
    assert "Held for now" in parts(smtp.messages[0])[0]


def test_a_spam_comment_never_notifies(client, smtp, article, follower, moderation_decides):
    follower("ann@example.org", article)
    moderation_decides(Verdict.SPAM)
    post_form(client, article, comment="Buy now")
    call_command("send_notifications")
    assert smtp.messages == []
    assert not Mailing.objects.exists()


def test_a_new_article_emails_each_confirmed_blog_subscriber_once(
    client, smtp, follower, make_article
):
    follower("ann@example.org")
    follower("bea@example.org")
    follower("pending@example.org", confirmed_at=None)
    follower("bounced@example.org", bounced_at=timezone.now())
    follower("gone@example.org", unsubscribed_at=timezone.now())
    article = make_article(title="Ceasefire talks resume", published_at=timezone.now())

    call_command("send_notifications")
    call_command("send_notifications")

    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org", "bea@example.org"]
    message = smtp.to("ann@example.org")[0]
    assert subject(message) == "[Wirepress] New post: Ceasefire talks resume"
    text, html = parts(message)
    assert f"http://testserver{article.get_absolute_url()}" in text
    assert "(C)UNIAN" in html
    assert "Unsubscribe" in html
    article.refresh_from_db()
    assert article.announced_at is not None

    unsubscribe = links(message)["stop"]
    assert "Unsubscribe from new posts?" in client.get(unsubscribe).content.decode()
    assert "Unsubscribed" in client.post(unsubscribe).content.decode()
    make_article(title="Another story", published_at=timezone.now())
    call_command("send_notifications")
    assert [m["To"] for m in smtp.messages[2:]] == ["bea@example.org"]


def test_a_scheduled_article_is_announced_when_its_time_comes(smtp, follower, make_article):
    follower("ann@example.org")
    article = make_article(published_at=timezone.now() + timezone.timedelta(hours=1))

    call_command("send_notifications")
    assert smtp.messages == []

    # Its time comes.
    type(article).objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    call_command("send_notifications")
    assert [subject(m) for m in smtp.messages] == [f"[Wirepress] New post: {article.title}"]


def test_drafts_and_backdated_imports_are_not_announced(smtp, follower, make_article):
    follower("ann@example.org")
    make_article(status="draft", published_at=None)
    backdated = make_article(published_at=timezone.now() - timezone.timedelta(days=10))

    call_command("send_notifications")

    assert smtp.messages == []
    backdated.refresh_from_db()
    assert backdated.announced_at is not None  # looked at once, not again


@pytest.mark.parametrize("verified", [True, False])
def test_a_signed_in_reader_follows_a_discussion_without_commenting(
    client, smtp, reader, article, verified
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=reader).update(verified=verified)
    client.force_login(reader)

    page = client.get(article.get_absolute_url())
    assert "Follow this discussion" in page.content.decode()
    response = client.post(f"/comments/follow/{article.pk}/", {"follow": "on"})
    assert response.status_code == 302

    if not verified:
        assert [subject(m) for m in smtp.messages] == [
            "[Wirepress] Please confirm your subscription"
        ]
        assert "Check your inbox" in client.get(article.get_absolute_url()).content.decode()
        client.post(links(smtp.messages[0])["confirm"])
        smtp.messages.clear()

    assert "You follow this discussion" in client.get(article.get_absolute_url()).content.decode()
    client.logout()
    post_form(client, article, comment="Anyone there?")
    assert [m["To"] for m in smtp.messages] == ["reader@example.org"]


def test_a_title_with_a_line_break_still_makes_a_valid_subject(smtp, follower, make_article):
    follower("ann@example.org")
    make_article(title="Talks\nresume", published_at=timezone.now())

    call_command("send_notifications")

    assert subject(smtp.messages[0]) == "[Wirepress] New post: Talks resume"


def test_editors_see_mailings_deliveries_and_subscriptions(
    admin_client, smtp, article, follower, client
):
    follower("ann@example.org", article)
    follower("gone@example.org", article)
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"
    post_form(client, article)
    mailing = Mailing.objects.get()

    listing = admin_client.get("/admin/comments/mailing/")
    assert listing.status_code == 200
    assert "New comment: comment #" in listing.content.decode()
    detail = admin_client.get(f"/admin/comments/mailing/{mailing.pk}/change/").content.decode()
    assert "gone@example.org" in detail and "550 5.1.1 No such user" in detail
    assert "ann@example.org" not in detail  # sent ones are not listed one by one
    subscriptions = admin_client.get("/admin/comments/subscription/?q=gone").content.decode()
    assert "gone@example.org" in subscriptions


def test_an_account_without_an_address_can_tick_notify_without_harm(client, smtp, reader, article):
    reader.email = ""
    reader.save()
    client.force_login(reader)

    comment = post_form(client, article, notify_comments="on", notify_posts="on")

    assert comment.is_public
    assert not Subscription.objects.exists()
    assert smtp.messages == []
