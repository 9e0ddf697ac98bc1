"""Readers report comments; enough reports hold one until an editor reviews it."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from comments.models import CommentReport
from comments.moderation.actions import comment_approve
from tests.factories import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(article):
    return post(article, name="Troll", email="troll@example.org", text="Something nasty.")


def report_url(comment):
    return reverse("comments:report", args=[comment.pk])


def verified_reader(django_user_model, name):
    """A reader whose report counts toward a hold (a new account with a verified email)."""
    user = django_user_model.objects.create_user(name, f"{name}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def report_from(client, comment, user, n):
    # Each from an address of its own: an address reports a comment once a day.
    client.force_login(user)
    client.post(report_url(comment), REMOTE_ADDR=f"198.51.100.{n + 1}")


def test_each_comment_has_a_report_link_for_guests(client, article, comment):
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'href="/comments/{comment.pk}/report/" aria-label="Report the comment by Troll">Report'
        in page
    )


def test_signed_in_readers_get_a_report_button(client, article, comment, reader):
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'formaction="/comments/{comment.pk}/report/" class="report-button"' in page


def test_a_signed_in_reader_reports_with_one_click(client, article, comment, reader):
    client.force_login(reader)
    response = client.post(report_url(comment), follow=True)
    assert response.redirect_chain[-1][0] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert "the editors will review this comment" in response.content.decode()
    assert CommentReport.objects.get().user == reader


def test_a_guest_reports_through_the_small_form(client, comment):
    form = client.get(report_url(comment))
    assert form.status_code == 200
    assert "Something nasty." in form.content.decode()
    client.post(report_url(comment), {"email": "guest@example.org", "reason": "Insults."})
    report = CommentReport.objects.get()
    assert (report.email, report.reason, report.user) == ("guest@example.org", "Insults.", None)


def test_a_guest_must_give_an_email(client, comment):
    response = client.post(report_url(comment), {"reason": "Insults."})
    assert response.status_code == 400
    assert "Please give your email address." in response.content.decode()
    assert "Insults." in response.content.decode()
    assert not CommentReport.objects.exists()


def test_a_reader_counts_once(client, comment, reader):
    client.force_login(reader)
    client.post(report_url(comment))
    response = client.post(report_url(comment), follow=True)
    assert "already reported" in response.content.decode()
    assert CommentReport.objects.count() == 1


def test_a_guest_address_counts_once_whatever_emails_it_types(client, comment):
    client.post(report_url(comment), {"email": "one@example.org"})
    client.post(report_url(comment), {"email": "two@example.org"})
    assert CommentReport.objects.count() == 1


def test_enough_reports_hold_the_comment(client, comment, settings, django_user_model):
    settings.COMMENTS_REPORTS_TO_HOLD = 3
    for n in range(3):
        report_from(client, comment, verified_reader(django_user_model, f"r{n}"), n)
        comment.refresh_from_db()
        assert comment.is_public == (n < 2)
    assert comment.moderation.status == "held"
    assert comment.moderation.reasons[-1] == {
        "check": "reports",
        "verdict": "hold",
        "detail": "reported by 3 readers",
    }


def test_a_held_comment_disappears_for_other_readers(
    client, article, comment, settings, django_user_model
):
    settings.COMMENTS_REPORTS_TO_HOLD = 1
    report_from(client, comment, verified_reader(django_user_model, "rita"), 0)
    client.logout()
    assert "Something nasty." not in client.get(article.get_absolute_url()).content.decode()


def test_after_an_editor_approves_it_only_new_reports_count(
    client, comment, settings, editor, django_user_model
):
    settings.COMMENTS_REPORTS_TO_HOLD = 2
    for n in range(2):
        report_from(client, comment, verified_reader(django_user_model, f"r{n}"), n)
    comment.refresh_from_db()
    assert not comment.is_public
    comment_approve(comment, by=editor)
    report_from(client, comment, verified_reader(django_user_model, "late"), 2)
    comment.refresh_from_db()
    assert comment.is_public


def test_a_hidden_comment_cannot_be_reported(client, article, settings):
    hidden = post(article, text="cheap viagra")
    assert client.get(report_url(hidden)).status_code == 404
    assert client.post(report_url(hidden), {"email": "a@example.org"}).status_code == 404


def test_reporting_needs_the_csrf_token(comment, reader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(report_url(comment)).status_code == 403


def test_the_report_view_rejects_other_methods(client, comment):
    assert client.put(report_url(comment)).status_code == 405
