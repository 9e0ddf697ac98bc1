"""The editors' moderation queue in the admin."""

import json

import pytest
import respx
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django_comments_xtd.models import XtdComment

from comments.models import BlockedCommenter, BlocklistEntry, CommentModeration
from tests.factories import post

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def queue(article):
    """A published, a held, a spam and a removed comment."""
    published = post(article, name="Pat", email="pat@example.org", text="Fine comment.")
    held = post(
        article,
        name="Hal",
        email="hal@example.org",
        text="Links https://a.example https://b.example https://c.example",
    )
    spam = post(article, name="Sam", email="sam@example.org", text="cheap viagra")
    removed = post(article, name="Rem", email="rem@example.org", text="Gone soon.")
    CommentModeration.objects.filter(comment=removed).update(status="removed")
    XtdComment.objects.filter(pk=removed.pk).update(is_removed=True)
    return {"published": published, "held": held, "spam": spam, "removed": removed}


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def act(client, action, *comments, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in comments], **extra}
    return client.post(CHANGELIST, data, follow=True)


def status_of(comment):
    return CommentModeration.objects.get(comment=comment).status


def test_the_list_shows_status_and_the_pipelines_reasons(editor_client, queue):
    page = editor_client.get(CHANGELIST).content.decode()
    assert "Held for moderation" in page and "Spam" in page and "Removed" in page
    assert "<b>links</b> (hold): 3 links (2 or more are held)" in page
    assert "blocked word “viagra”" in page


@pytest.mark.parametrize("status", ["published", "held", "spam", "removed"])
def test_the_status_filter_shows_only_that_status(editor_client, queue, status):
    response = editor_client.get(CHANGELIST, {"status": status})
    shown = {c.pk for c in response.context["cl"].result_list}
    assert shown == {queue[status].pk}


def test_the_reason_filter(editor_client, queue):
    response = editor_client.get(CHANGELIST, {"reason": "blocklist"})
    assert [c.pk for c in response.context["cl"].result_list] == [queue["spam"].pk]


def test_editors_see_and_filter_the_new_rules_reasons(editor_client, article):
    promo = post(article, name="Pia", text="Great post, thanks!", url="https://bags.example")
    mash = post(article, name="Kim", text="asdfgh jkjkjk")
    page = editor_client.get(CHANGELIST).content.decode()
    assert (
        "<b>off_topic_promotion</b> (hold): short comment promoting its website that shares "
        "no word with the article" in page
    )
    assert "<b>gibberish</b> (spam): random letters (asdfgh, jkjkjk)" in page
    assert "Short off-topic promotion" in page  # the reason filter offers it
    response = editor_client.get(CHANGELIST, {"reason": "off_topic_promotion"})
    assert [c.pk for c in response.context["cl"].result_list] == [promo.pk]
    assert mash.pk not in {c.pk for c in response.context["cl"].result_list}


def test_the_article_filter(editor_client, queue, make_article):
    other = post(make_article(title="Another story"), text="Elsewhere.")
    response = editor_client.get(CHANGELIST, {"article": str(other.object_pk)})
    assert [c.pk for c in response.context["cl"].result_list] == [other.pk]
    assert "Another story" in response.content.decode()


def test_the_admin_index_shows_how_many_comments_await_moderation(editor_client, queue):
    page = editor_client.get("/admin/").content.decode()
    assert '?status=held"><strong>1</strong> comment awaiting moderation</a>' in page


def test_approve_publishes_and_records_the_editor(editor_client, queue, editor):
    act(editor_client, "approve_comments", queue["held"], queue["spam"])
    for comment in (queue["held"], queue["spam"]):
        comment.refresh_from_db()
        assert comment.is_public
        assert comment.moderation.status == "published"
        assert comment.moderation.reviewed_by == editor


def test_hold_unpublishes(editor_client, queue):
    act(editor_client, "unpublish_comments", queue["published"])
    queue["published"].refresh_from_db()
    assert not queue["published"].is_public
    assert status_of(queue["published"]) == "held"


def test_mark_spam_hides_as_spam(editor_client, queue):
    response = act(editor_client, "mark_spam", queue["published"])
    assert "1 comment(s) marked as spam." in response.content.decode()
    queue["published"].refresh_from_db()
    assert not queue["published"].is_public
    assert status_of(queue["published"]) == "spam"


def test_mark_not_spam_publishes(editor_client, queue):
    act(editor_client, "mark_not_spam", queue["spam"])
    queue["spam"].refresh_from_db()
    assert queue["spam"].is_public
    assert status_of(queue["spam"]) == "published"


def test_spam_and_not_spam_are_reported_to_akismet_when_it_is_on(editor_client, queue, settings):
    settings.AKISMET_API_KEY = "key"
    settings.AKISMET_SITE_URL = "https://news.example.org"
    thanks = "Thanks for making the web a better place."
    with respx.mock as akismet:
        spam = akismet.post("https://rest.akismet.com/1.1/submit-spam").respond(200, text=thanks)
        ham = akismet.post("https://rest.akismet.com/1.1/submit-ham").respond(200, text=thanks)
        response = act(editor_client, "mark_spam", queue["published"])
        act(editor_client, "mark_not_spam", queue["spam"])
    assert spam.call_count == 1 and ham.call_count == 1
    assert "Akismet was told about 1 of 1." in response.content.decode()


def test_remove_takes_the_comment_down(editor_client, queue, client, article):
    act(editor_client, "remove_comments", queue["published"])
    queue["published"].refresh_from_db()
    assert queue["published"].is_removed
    assert status_of(queue["published"]) == "removed"


def test_block_sends_the_commenters_next_comments_to_spam(editor_client, queue, article, editor):
    act(editor_client, "block_commenters", queue["published"])
    blocked = BlockedCommenter.objects.get()
    assert (blocked.email, blocked.created_by) == ("pat@example.org", editor)
    assert post(article, email="pat@example.org", text="Back again.").moderation.status == "spam"


def test_export_downloads_the_authors_data(editor_client, queue):
    response = act(editor_client, "export_commenter_data", queue["held"], queue["spam"])
    data = json.loads(response.content)
    assert [c["email"] for c in data["commenters"]] == ["hal@example.org", "sam@example.org"]
    assert data["commenters"][0]["comments"][0]["text"].startswith("Links")


def test_erase_asks_for_confirmation_first(editor_client, queue):
    response = act(editor_client, "erase_commenter_data", queue["held"])
    assert "all</strong> their comments" in response.content.decode()
    queue["held"].refresh_from_db()
    assert queue["held"].user_name == "Hal"


def test_erase_anonymises_after_confirmation(editor_client, queue):
    response = act(
        editor_client, "erase_commenter_data", queue["held"], confirmed="yes", delete_text="on"
    )
    assert "Personal data of 1 commenter(s) erased from 1 comment(s)." in response.content.decode()
    queue["held"].refresh_from_db()
    assert (queue["held"].user_name, queue["held"].user_email, queue["held"].comment) == (
        "Anonymous",
        "",
        "",
    )


def test_staff_without_the_moderate_permission_get_no_moderation_actions(
    client, queue, django_user_model
):
    from django.contrib.auth.models import Permission

    clerk = django_user_model.objects.create_user("clerk", "clerk@example.org", is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_comment")
    )
    client.force_login(clerk)
    response = client.get(CHANGELIST)
    action_form = response.context["action_form"]
    actions = [value for value, _ in action_form.fields["action"].choices] if action_form else []
    assert "approve_comments" not in actions and "mark_spam" not in actions
    # Exporting hands out emails and IP addresses: not for view-only staff either.
    assert "export_commenter_data" not in actions


def test_strangers_cannot_reach_the_queue(client, stranger, queue):
    client.force_login(stranger)
    response = client.post(
        CHANGELIST, {"action": "approve_comments", ACTION_CHECKBOX_NAME: [queue["held"].pk]}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    queue["held"].refresh_from_db()
    assert not queue["held"].is_public


def test_editors_edit_the_blocklist_in_the_admin(editor_client, article):
    response = editor_client.post(
        "/admin/comments/blocklistentry/add/",
        {"kind": "domain", "value": "WWW.Spammy.Example", "action": "spam", "note": ""},
    )
    assert response.status_code == 302
    assert BlocklistEntry.objects.get(kind="domain", note="").value == "spammy.example"
    assert post(article, text="see spammy.example").moderation.status == "spam"


def test_the_queue_page_takes_a_constant_number_of_queries(
    editor_client, queue, article, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as small:
        editor_client.get(CHANGELIST)
    for n in range(20):
        post(article, email=f"p{n}@example.org", text=f"Comment number {n}.")
    with django_assert_max_num_queries(20) as large:
        editor_client.get(CHANGELIST)
    assert len(large.captured_queries) == len(small.captured_queries)
