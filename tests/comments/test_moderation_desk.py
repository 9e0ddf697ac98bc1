"""The moderation desk in the admin: one Discussion section, the comment list's columns,
one-click Approve / Spam / Trash per row, replying as the signed-in editor, the change form."""

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django_comments_xtd.models import XtdComment

from comments.models import CommentModeration, CommentReport
from tests.factories import add_comment, post
from tests.helpers import comment_author, comment_item, parse, text_of

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


def desk_url(comment, action):
    return f"{CHANGELIST}{comment.pk}/desk/{action}/"


def reply_url(comment):
    return f"{CHANGELIST}{comment.pk}/reply/"


def status_of(comment):
    return CommentModeration.objects.get(comment=comment).status


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def held(article):
    return post(
        article,
        name="Hal",
        email="hal@example.org",
        text="Links https://a.example https://b.example https://c.example",
        user_agent="Mozilla/5.0 (Hal's browser)",
        ip_address="192.0.2.77",
    )


@pytest.fixture
def clerk(django_user_model):
    """Staff who may see and edit comments but not moderate them."""
    user = django_user_model.objects.create_user("clerk", "clerk@example.org", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["view_comment", "change_comment"]
        )
    )
    return user


# --- One Discussion section -------------------------------------------------------------------


def test_the_admin_index_has_one_discussion_section_with_every_comment_model(editor_client):
    response = editor_client.get("/admin/")
    apps_by_name = {app["name"]: app for app in response.context["app_list"]}
    discussion = apps_by_name["Discussion"]
    assert {model["object_name"] for model in discussion["models"]} == {
        "Comment",
        "CommentReport",
        "BlocklistEntry",
        "BlockedCommenter",
        "Subscription",
        "Mailing",
        "DataRequest",
    }
    labels = {app["app_label"] for app in response.context["app_list"]}
    assert not labels & {"django_comments", "django_comments_xtd"}
    assert "Black listed domains" not in response.content.decode()


def test_the_stock_comment_admin_pages_are_gone(editor_client):
    for url in ("/admin/django_comments_xtd/xtdcomment/", "/admin/django_comments/commentflag/"):
        assert editor_client.get(url).status_code == 404


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_comment_author_article_status_reasons_and_reports(
    editor_client, held, article, reader
):
    CommentReport.objects.create(comment=held, user=reader, reason="Spammy")
    page = parse(editor_client.get(CHANGELIST))
    headers = [" ".join(th.text_content().split()) for th in page.xpath("//thead/tr/th")[1:]]
    assert headers == ["Comment", "Article", "Status", "Reports", "Moderate"]
    row = page.xpath("//tbody/tr")[0]
    assert text_of(row, './/span[@class="desk-author"]') == "Hal"
    assert text_of(row, './/span[@class="desk-excerpt"]').startswith("Links https://a.example")
    link = row.xpath('.//td[@class="field-article_link"]/a')[0]
    assert link.text_content() == article.title
    assert link.get("href") == f"{article.get_absolute_url()}#comment-{held.pk}"
    status = row.xpath('.//td[@class="field-status_and_reasons"]')[0]
    assert text_of(status, "./strong") == "Held for moderation"
    assert text_of(status, "./ul/li") == "links (hold): 3 links (2 or more are held)"
    assert text_of(row, './/td[@class="field-report_count"]') == "1"
    assert row.xpath('.//button[@data-desk-key="a"]/text()') == ["Approve"]


def test_a_row_offers_no_button_for_the_status_the_comment_has(editor_client, article):
    post(article, text="Fine comment.")
    row = parse(editor_client.get(CHANGELIST)).xpath("//tbody/tr")[0]
    assert row.xpath(".//button/text()") == ["Spam", "Trash"]


def test_staff_without_the_moderate_permission_get_no_buttons(client, clerk, held):
    client.force_login(clerk)
    page = parse(client.get(CHANGELIST))
    assert "Hal" in page.text_content()
    assert not page.xpath("//button[@data-desk-key]") and not page.xpath('//*[@id="comment-desk"]')


# --- One-click actions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", "published", "Comment by Hal approved."),
        ("spam", "spam", "Comment by Hal marked as spam."),
        ("trash", "removed", "Comment by Hal moved to the trash (removed)."),
    ],
)
def test_a_row_button_moderates_the_comment_and_goes_back_to_the_list(
    editor_client, editor, held, action, status, message
):
    back = f"{CHANGELIST}?status=held"
    response = editor_client.post(desk_url(held, action), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert status_of(held) == status
    assert CommentModeration.objects.get(comment=held).reviewed_by == editor
    held.refresh_from_db()
    assert held.is_public == (status == "published") and held.is_removed == (status == "removed")
    page = editor_client.get(back).content.decode()
    assert message in page


def test_the_decision_is_kept_in_the_comments_history(editor_client, held):
    editor_client.post(desk_url(held, "spam"))
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.get_change_message()) == (str(held.pk), "Marked as spam.")


@pytest.mark.parametrize("action", ["approve", "spam", "trash"])
def test_a_row_action_rejects_get(editor_client, held, action):
    assert editor_client.get(desk_url(held, action)).status_code == 405
    assert status_of(held) == "held"


@pytest.mark.parametrize("action", ["approve", "spam", "trash"])
def test_a_row_action_is_denied_to_staff_without_the_moderate_permission(
    client, clerk, held, action
):
    client.force_login(clerk)
    assert client.post(desk_url(held, action)).status_code == 403
    assert status_of(held) == "held"


def test_a_row_action_is_denied_to_readers(client, reader, held):
    client.force_login(reader)
    response = client.post(desk_url(held, "approve"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert status_of(held) == "held"


def test_a_row_action_needs_the_csrf_token(editor, held):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(desk_url(held, "approve")).status_code == 403
    assert status_of(held) == "held"


def test_a_row_action_never_sends_the_editor_to_another_site(editor_client, held):
    response = editor_client.post(desk_url(held, "approve"), {"next": "https://evil.example/"})
    assert response["Location"] == CHANGELIST


def test_an_unknown_action_or_comment_is_not_found(editor_client, held):
    assert editor_client.post(desk_url(held, "delete")).status_code == 404
    held.pk = 999_999
    assert editor_client.post(desk_url(held, "approve")).status_code == 404


# --- Reply as the editor -------------------------------------------------------------------------


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_user(
        "chief",
        "chief@example.org",
        first_name="Olha",
        last_name="Chief",
        is_staff=True,
        is_superuser=True,
    )


def test_an_editors_reply_appears_under_their_name_with_a_staff_badge(client, chief, article):
    question = post(article, name="Rita Reader", text="Is the photo from today?")
    client.force_login(chief)
    response = client.post(
        reply_url(question), {"comment": "Yes, taken this morning.", "next": CHANGELIST}
    )
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    reply = XtdComment.objects.get(parent_id=question.pk, level=1)
    assert (reply.user, reply.is_public) == (chief, True)

    page = parse(Client().get(article.get_absolute_url()))
    item = comment_item(page, question.pk).xpath(f'.//li[@id="comment-{reply.pk}"]')[0]
    assert comment_author(item) == "Olha Chief"
    assert text_of(item, './/span[@class="comment-badge"]') == "staff"
    assert "Yes, taken this morning." in item.text_content()
    assert not comment_item(page, question.pk).xpath('./span[@class="comment-badge"]')


def test_replying_to_a_held_comment_approves_it_first(editor_client, held):
    editor_client.post(reply_url(held), {"comment": "Please post fewer links."})
    assert status_of(held) == "published"
    assert XtdComment.objects.filter(parent_id=held.pk, level=1, is_public=True).exists()


def test_a_spam_comment_gets_no_reply(editor_client, article):
    spam = post(article, name="Sam", text="cheap viagra")
    response = editor_client.post(reply_url(spam), {"comment": "No."})
    assert response.status_code == 200
    assert "approve it before replying" in response.content.decode()
    assert XtdComment.objects.count() == 1


def test_an_empty_reply_asks_for_text_and_a_long_one_keeps_what_was_typed(
    editor_client, held, settings
):
    response = editor_client.post(reply_url(held), {"comment": "  "})
    assert response.context["form"].errors["comment"] == ["This field is required."]
    settings.COMMENTS_MAX_LENGTH = 10
    response = editor_client.post(reply_url(held), {"comment": "Far too long a reply."})
    assert "Keep it to 10 characters (it has 21)." in response.content.decode()
    assert "Far too long a reply." in response.content.decode()
    assert XtdComment.objects.count() == 1


def test_the_reply_page_quotes_the_comment(editor_client, held):
    response = editor_client.get(reply_url(held))
    assert response.status_code == 200
    assert "Links https://a.example" in text_of(
        parse(response), '//blockquote[@class="desk-quoted"]'
    )


def test_a_comment_as_deep_as_replies_go_offers_no_reply(editor_client, article, settings):
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 1
    deep = post(article, text="A reply.", parent=post(article, text="A comment."))
    row = parse(editor_client.get(CHANGELIST)).xpath("//tbody/tr")[0]
    assert "A reply." in row.text_content() and not row.xpath('.//a[@class="desk-reply"]')
    response = editor_client.get(reply_url(deep))
    assert "as deep as it can go" in text_of(parse(response), '//p[@class="errornote"]')


def test_reports_link_to_the_comment_on_the_desk(editor_client, held, reader):
    CommentReport.objects.create(comment=held, user=reader, reason="Spammy")
    page = parse(editor_client.get("/admin/comments/commentreport/"))
    assert page.xpath("//td[@class='field-comment_link']/a/@href") == [
        f"{CHANGELIST}{held.pk}/change/"
    ]


def test_replying_is_denied_to_staff_without_the_moderate_permission(client, clerk, held):
    client.force_login(clerk)
    assert client.post(reply_url(held), {"comment": "Hello"}).status_code == 403
    assert XtdComment.objects.count() == 1


def test_staff_badges_cost_no_queries(article, chief, django_assert_num_queries):
    for n in range(30):
        add_comment(article, f"Editor's note {n}", user=chief)
    client = Client()
    client.get(article.get_absolute_url())  # warms the ContentType and related caches
    # The same 5 as for any discussion (tests/comments/test_discussion_page.py).
    with django_assert_num_queries(5):
        page = parse(client.get(article.get_absolute_url()))
    assert len(page.xpath('//span[@class="comment-badge"]')) == 30


# --- The change form ----------------------------------------------------------------------------


def test_the_change_form_shows_the_article_author_network_and_history(
    editor_client, held, article, reader
):
    CommentReport.objects.create(comment=held, user=reader, reason="Too many links")
    editor_client.post(desk_url(held, "spam"))
    page = parse(editor_client.get(f"{CHANGELIST}{held.pk}/change/"))
    link = page.xpath('//div[contains(@class, "field-article_and_thread")]//a')[0]
    assert link.text_content() == article.title
    assert link.get("href") == f"{article.get_absolute_url()}#comment-{held.pk}"
    assert not page.xpath('//select[@name="content_type"] | //input[@name="object_pk"]')
    assert page.xpath('//input[@name="user_email"]/@value') == ["hal@example.org"]
    assert text_of(page, '//div[contains(@class, "field-ip_address")]//div[@class="readonly"]') == (
        "192.0.2.77"
    )
    assert "Hal's browser" in text_of(page, '//div[contains(@class, "field-user_agent")]')
    history = text_of(page, '//ul[@class="desk-history"]')
    assert "Checked by the spam pipeline (objections: links (hold)" in history
    assert "Reported by reader: Too many links" in history
    assert "editor: Marked as spam." in history
    assert page.xpath('//button[@form="comment-desk"]/text()') == ["Approve", "Trash"]


def test_editing_the_text_on_the_change_form_keeps_the_comment_where_it_is(
    editor_client, held, article
):
    response = editor_client.post(
        f"{CHANGELIST}{held.pk}/change/",
        {
            "comment": "Edited by the desk.",
            "user_name": "Hal",
            "user_email": "hal@example.org",
            "user_url": "",
        },
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.comment == "Edited by the desk."
    assert (held.object_pk, held.is_public) == (str(article.pk), False)


# --- Rights kept on upgrade -----------------------------------------------------------------------


def test_staff_who_could_see_comments_before_keep_the_desk(client, django_user_model, held):
    migration = importlib.import_module("comments.migrations.0005_comment_desk_proxy")
    moderator = django_user_model.objects.create_user("mod", "mod@example.org", is_staff=True)
    moderator.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="django_comments_xtd", codename="view_xtdcomment"
        )
    )
    client.force_login(moderator)
    assert client.get(CHANGELIST).status_code == 403

    migration.grant_desk_permissions(apps, None)
    assert client.get(CHANGELIST).status_code == 200


def test_a_staff_comment_posted_with_javascript_shows_its_badge_at_once(client, editor, article):
    from django.urls import reverse

    from tests.factories import comment_form_data

    client.force_login(editor)
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        comment_form_data(article, user=editor, comment="A note from the desk."),
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 200
    assert '<span class="comment-badge">staff</span>' in response.json()["comment"]
