"""The privacy page, email-confirmed export and erasure, and the retention command."""

import json
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.models import CommentModeration, CommentReport, DataRequest
from comments.moderation.actions import comment_mark_spam, comment_report
from comments.privacy.data import data_erase, data_export
from tests.factories import post

pytestmark = pytest.mark.django_db

PRIVACY = "/comments/privacy/"
REQUEST = "/comments/privacy/request/"


@pytest.fixture
def ritas(article):
    first = post(
        article,
        text="First thought on Stoltenberg.",
        url="https://rita.example",
        ip_address="203.0.113.1",
    )
    reply = post(article, email="bob@example.org", name="Bob", text="A reply.", parent=first)
    second = post(article, text="Second thought.", referrer="https://search.example/")
    return first, second, reply


def confirm_link() -> str:
    return re.search(r"http://testserver(/comments/privacy/confirm/\S+/)", mail.outbox[-1].body)[1]


def test_the_privacy_page_says_what_is_stored_and_for_how_long(client, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 45
    page = client.get(PRIVACY).content.decode()
    for stored in ("Your email address", "IP address", "user agent", "comment_author", "sessionid"):
        assert stored in page
    assert "Deleted automatically 45 days after the comment was posted." in page
    assert "does not use Akismet" in page


def test_the_privacy_page_explains_akismet_when_it_is_on(client, settings):
    settings.AKISMET_API_KEY = "key"
    settings.AKISMET_SITE_URL = "https://news.example.org"
    page = client.get(PRIVACY).content.decode()
    assert 'This site uses <a href="https://akismet.com/" rel="noopener">Akismet</a>' in page


def test_a_data_request_emails_a_link_and_stores_only_its_hash(client):
    response = client.post(REQUEST, {"email": "rita@example.org", "kind": "export"}, follow=True)
    assert "We have sent a confirmation link to rita@example.org" in response.content.decode()
    assert mail.outbox[-1].to == ["rita@example.org"]
    token = confirm_link().rstrip("/").rsplit("/", 1)[-1]
    stored = DataRequest.objects.get()
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_the_same_request_twice_in_a_row_sends_one_email(client):
    for _ in range(2):
        client.post(REQUEST, {"email": "rita@example.org", "kind": "export"})
    assert len(mail.outbox) == 1


def test_a_bad_request_form_says_what_is_wrong(client):
    response = client.post(REQUEST, {"email": "not-an-email", "kind": "export"})
    assert response.status_code == 400
    assert "Please give a valid email address" in response.content.decode()
    assert not mail.outbox


def test_the_request_view_rejects_get(client):
    assert client.get(REQUEST).status_code == 405


def test_opening_the_link_changes_nothing_until_the_button(client, ritas):
    client.post(REQUEST, {"email": "rita@example.org", "kind": "erase"})
    page = client.get(confirm_link())
    assert page.status_code == 200
    assert "Erase my data" in page.content.decode()
    assert XtdComment.objects.filter(user_name="Rita Reader").count() == 2


def test_a_confirmed_export_downloads_the_commenters_data(client, ritas, article):
    client.post(REQUEST, {"email": "RITA@example.org", "kind": "export"})
    response = client.post(confirm_link())
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [c["text"] for c in data["comments"]] == [
        "First thought on Stoltenberg.",
        "Second thought.",
    ]
    first = data["comments"][0]
    assert first["article"] == article.title
    assert first["ip_address"] == "203.0.113.1"
    assert first["website"] == "https://rita.example"
    assert data["comments"][1]["referrer"] == "https://search.example/"
    # The link works once.
    assert client.post(confirm_link()).status_code == 404


def test_a_confirmed_erasure_anonymises_and_keeps_the_text(client, ritas):
    first, second, reply = ritas
    client.post(REQUEST, {"email": "rita@example.org", "kind": "erase"})
    response = client.post(confirm_link())
    assert "Done: 2 comments" in response.content.decode()
    first.refresh_from_db()
    assert (first.user_name, first.user_email, first.user_url, first.ip_address) == (
        "Anonymous",
        "",
        "",
        None,
    )
    assert first.comment == "First thought on Stoltenberg." and first.is_public
    assert CommentModeration.objects.get(comment=second).referrer == ""
    reply.refresh_from_db()
    assert reply.user_name == "Bob"


def test_an_erasure_can_delete_the_text_too(client, ritas, article):
    first, _, _ = ritas
    client.post(REQUEST, {"email": "rita@example.org", "kind": "erase", "delete_text": "on"})
    client.post(confirm_link())
    first.refresh_from_db()
    assert first.comment == "" and first.is_removed
    page = client.get(article.get_absolute_url()).content.decode()
    assert "First thought on Stoltenberg." not in page
    assert "A reply." in page  # Bob's reply stays


def test_an_expired_link_says_so(client, ritas):
    client.post(REQUEST, {"email": "rita@example.org", "kind": "erase"})
    DataRequest.objects.update(created_at=timezone.now() - timezone.timedelta(hours=25))
    response = client.post(confirm_link())
    assert response.status_code == 404
    assert "expired or has already been used" in response.content.decode()
    assert XtdComment.objects.filter(user_name="Rita Reader").count() == 2


def test_erasure_covers_an_accounts_comments_and_its_reports(article, reader):
    own = post(article, user=reader, email=reader.email, name="Rita", text="As an account.")
    other = post(article, email="x@example.org", text="Someone else.")
    comment_report(comment=other, user=reader)
    assert data_erase(email="reader@example.org") == 1
    own.refresh_from_db()
    assert own.user is None and own.user_name == "Anonymous"
    assert not CommentReport.objects.exists()


def test_export_includes_reports(article):
    other = post(article, email="x@example.org", text="Someone else.")
    comment_report(comment=other, email="rita@example.org", reason="Rude.")
    data = data_export(email="rita@example.org")
    assert data["reports"][0]["reason"] == "Rude."
    assert data["comments"] == []


def test_the_retention_command_clears_old_ip_addresses_only(ritas, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 60
    first, second, _ = ritas
    XtdComment.objects.filter(pk=first.pk).update(
        submit_date=timezone.now() - timezone.timedelta(days=61)
    )
    out = StringIO()
    call_command("purge_comment_data", stdout=out)
    assert "Cleared the IP address of 1 comment(s) older than 60 days" in out.getvalue()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.ip_address is None
    assert CommentModeration.objects.get(comment=first).user_agent == ""
    assert second.ip_address is not None
    assert CommentModeration.objects.get(comment=second).user_agent == "Mozilla/5.0 (test)"


def test_the_retention_command_deletes_old_spam_and_old_requests(article, settings, editor):
    settings.COMMENTS_SPAM_RETENTION_DAYS = 30
    old_spam = post(article, text="Old spam.")
    new_spam = post(article, email="b@example.org", text="New spam.")
    for comment in (old_spam, new_spam):
        comment_mark_spam(comment, by=editor)
    CommentModeration.objects.filter(comment=old_spam).update(
        reviewed_at=timezone.now() - timezone.timedelta(days=31)
    )
    DataRequest.objects.create(email="a@example.org", kind="export", token_hash="x" * 64)
    DataRequest.objects.update(created_at=timezone.now() - timezone.timedelta(days=31))
    call_command("purge_comment_data", stdout=StringIO())
    assert list(XtdComment.objects.values_list("comment", flat=True)) == ["New spam."]
    assert not DataRequest.objects.exists()


def test_the_export_command_prints_json(ritas):
    out = StringIO()
    call_command("export_commenter_data", "rita@example.org", stdout=out)
    assert len(json.loads(out.getvalue())["comments"]) == 2


def test_the_export_command_writes_a_file(ritas, tmp_path):
    target = tmp_path / "rita.json"
    call_command("export_commenter_data", "rita@example.org", output=str(target), stderr=StringIO())
    assert json.loads(target.read_text())["email"] == "rita@example.org"


def test_the_erase_command_anonymises(ritas):
    out = StringIO()
    call_command("erase_commenter_data", "rita@example.org", "--delete-text", stdout=out)
    assert "2 comment(s) written with rita@example.org anonymised and removed" in out.getvalue()
    assert not XtdComment.objects.filter(user_email="rita@example.org").exists()
