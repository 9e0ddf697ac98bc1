"""Who may do what to an article: Contributor, Author, Editor (groups made by a migration).
Every right is checked on the server: the form, the actions, the object, the other views."""

import pytest
from django.utils import timezone

from blog.models import Article
from tests.blog.newsroom.conftest import form_data, messages_of
from tests.factories import add_comment

ADD = "/admin/blog/article/add/"
LIST = "/admin/blog/article/"


def change_url(article):
    return f"/admin/blog/article/{article.pk}/change/"


def action(client, name, *articles):
    return client.post(
        LIST, {"action": name, "_selected_action": [a.pk for a in articles]}, follow=True
    )


# --- Contributor ---------------------------------------------------------------------------


def test_a_contributor_deletes_their_own_draft(client, contributor, own_draft):
    client.force_login(contributor)
    response = client.post(f"/admin/blog/article/{own_draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=own_draft.pk).exists()


def test_a_contributor_writes_a_draft_credited_to_them(client, contributor):
    client.force_login(contributor)
    response = client.post(ADD, form_data(title="My first story", slug="first"))
    assert response.status_code == 302
    article = Article.objects.get(slug="first")
    assert (article.author, article.status) == (contributor, Article.Status.DRAFT)


def test_a_contributor_cannot_publish_by_posting_the_status(client, contributor, own_draft):
    client.force_login(contributor)
    response = client.post(change_url(own_draft), form_data(own_draft, status="published"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.DRAFT


def test_a_contributor_cannot_publish_a_new_story_either(client, contributor):
    client.force_login(contributor)
    client.post(ADD, form_data(slug="sneaky", status="published"))
    assert not Article.objects.filter(slug="sneaky").exists()


def test_a_contributor_cannot_schedule(client, contributor, own_draft):
    client.force_login(contributor)
    html = client.get(change_url(own_draft)).content.decode()
    assert 'name="published_at_0"' not in html
    tomorrow = timezone.localtime() + timezone.timedelta(days=1)
    client.post(
        change_url(own_draft),
        form_data(own_draft, published_at_0=tomorrow.strftime("%Y-%m-%d"), published_at_1="08:00"),
    )
    own_draft.refresh_from_db()
    assert own_draft.published_at is None


def test_a_contributor_cannot_publish_by_action(client, contributor, own_draft):
    client.force_login(contributor)
    html = client.get(LIST).content.decode()
    assert "publish_now" not in html and "submit_for_review" in html
    action(client, "publish_now", own_draft)
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.DRAFT


def test_a_contributor_submits_a_draft_for_review(client, contributor, own_draft):
    client.force_login(contributor)
    response = client.post(change_url(own_draft), form_data(own_draft, status="pending"))
    assert response.status_code == 302
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.PENDING


def test_a_contributor_submits_drafts_by_action(client, contributor, own_draft):
    client.force_login(contributor)
    response = action(client, "submit_for_review", own_draft)
    assert messages_of(response) == ["1 article(s) submitted for review."]
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.PENDING


def test_a_contributor_sees_and_opens_only_their_own_stories(
    client, contributor, own_draft, make_article, make_staff
):
    other = make_article(title="Someone else's", author=make_staff("Contributor", "other"))
    client.force_login(contributor)
    html = client.get(LIST).content.decode()
    assert "Contributor&#x27;s draft" in html and "Someone else" not in html
    assert client.get(change_url(other)).status_code == 302  # "does not exist", to the index
    client.post(change_url(other), form_data(other, title="Hijacked"))
    other.refresh_from_db()
    assert other.title == "Someone else's"
    assert client.get(f"/admin/blog/article/{other.pk}/revisions/").status_code == 404


def test_a_contributors_published_story_is_read_only_to_them(client, contributor, make_article):
    story = make_article(title="Out there", author=contributor)
    client.force_login(contributor)
    html = client.get(change_url(story)).content.decode()
    assert 'name="title"' not in html
    assert client.post(change_url(story), form_data(story, title="Changed")).status_code == 403
    assert (
        client.post(f"/admin/blog/article/{story.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert action(client, "delete_selected", story).status_code == 200
    assert action(client, "unpublish", story).status_code == 200
    story.refresh_from_db()
    assert (story.title, story.status) == ("Out there", Article.Status.PUBLISHED)


def test_a_contributor_cannot_credit_someone_else(client, contributor, editor):
    client.force_login(contributor)
    client.post(ADD, form_data(slug="credited", author=editor.pk))
    assert Article.objects.get(slug="credited").author == contributor


def test_a_contributor_cannot_import_wire_stories(client, contributor, unian):
    client.force_login(contributor)
    assert client.get("/admin/blog/article/paste/").status_code == 403
    assert "Paste a wire story" not in client.get(LIST).content.decode()
    assert "import_now" not in client.get("/admin/blog/source/").content.decode()
    response = client.post(
        "/admin/blog/source/", {"action": "import_now", "_selected_action": [unian.pk]}
    )
    assert not Article.objects.exists() and response.status_code == 200


# --- Author --------------------------------------------------------------------------------


def test_an_author_publishes_their_own_story(client, author):
    client.force_login(author)
    client.post(ADD, form_data(slug="mine", status="published"))
    article = Article.objects.get(slug="mine")
    assert article.is_public and article.author == author


def test_an_author_schedules_their_own_story(client, author):
    client.force_login(author)
    tomorrow = timezone.localtime() + timezone.timedelta(days=1)
    client.post(
        ADD,
        form_data(
            slug="later",
            status="published",
            published_at_0=tomorrow.strftime("%Y-%m-%d"),
            published_at_1="08:00",
        ),
    )
    assert Article.objects.get(slug="later").is_scheduled


def test_an_author_publishes_own_drafts_by_action(client, author, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, author=author)
    client.force_login(author)
    assert messages_of(action(client, "publish_now", draft)) == ["1 article(s) published."]
    draft.refresh_from_db()
    assert draft.is_public


def test_an_author_cannot_touch_anyone_elses_story(client, author, own_draft):
    client.force_login(author)
    action(client, "publish_now", own_draft)
    client.post(change_url(own_draft), form_data(own_draft, status="published"))
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.DRAFT
    assert client.get("/admin/blog/article/paste/").status_code == 403


# --- Editor --------------------------------------------------------------------------------


def test_an_editor_edits_and_schedules_anyones_story(client, newsroom_editor, own_draft):
    client.force_login(newsroom_editor)
    tomorrow = timezone.localtime() + timezone.timedelta(days=1)
    client.post(
        change_url(own_draft),
        form_data(
            own_draft,
            title="Edited by the desk",
            status="published",
            published_at_0=tomorrow.strftime("%Y-%m-%d"),
            published_at_1="08:00",
        ),
    )
    own_draft.refresh_from_db()
    assert own_draft.title == "Edited by the desk" and own_draft.is_scheduled


def test_an_editor_publishes_anyones_story_by_action(client, newsroom_editor, own_draft):
    client.force_login(newsroom_editor)
    action(client, "publish_now", own_draft)
    own_draft.refresh_from_db()
    assert own_draft.is_public


def test_an_editor_imports_wire_stories(client, newsroom_editor, unian):
    client.force_login(newsroom_editor)
    assert client.get("/admin/blog/article/paste/").status_code == 200
    assert "Paste a wire story" in client.get(LIST).content.decode()
    assert "import_now" in client.get("/admin/blog/source/").content.decode()


def test_an_editor_moderates_comments(client, newsroom_editor, article):
    comment = add_comment(article, public=False)
    client.force_login(newsroom_editor)
    response = client.post(
        "/admin/comments/comment/",
        {"action": "approve_comments", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_public


@pytest.mark.parametrize("role", ["Contributor", "Author"])
def test_only_editors_moderate_comments(client, make_staff, role):
    client.force_login(make_staff(role))
    assert client.get("/admin/comments/comment/").status_code == 403


def test_the_byline_picker_lists_staff_only(client, newsroom_editor, reader, contributor):
    client.force_login(newsroom_editor)
    html = client.get(ADD).content.decode()
    assert f'<option value="{contributor.pk}">' in html
    assert f'<option value="{reader.pk}">' not in html


def test_a_superuser_keeps_every_right(client, editor, own_draft):
    client.force_login(editor)
    action(client, "publish_now", own_draft)
    own_draft.refresh_from_db()
    assert own_draft.is_public
    assert client.get("/admin/blog/article/paste/").status_code == 200


def test_migrating_creates_the_three_roles(db):
    from django.contrib.auth.models import Group

    rights = {
        group.name: {p.codename for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions")
    }
    assert {"add_article", "change_article"} <= rights["Contributor"]
    assert "publish_article" not in rights["Contributor"]
    assert "publish_article" in rights["Author"] and "edit_any_article" not in rights["Author"]
    assert {"edit_any_article", "import_wire", "can_moderate"} <= rights["Editor"]


def test_a_contributor_uploads_to_the_library_and_describes_only_their_own_images(
    client, contributor, newsroom_editor, make_image
):
    theirs = make_image(uploaded_by=newsroom_editor)
    own = make_image(uploaded_by=contributor)
    client.force_login(contributor)

    assert client.get("/admin/blog/image/add/").status_code == 200
    assert client.get("/admin/blog/image/picker/").status_code == 200
    assert client.get(f"/admin/blog/image/{own.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/blog/image/{theirs.pk}/change/", {"alt": "Renamed by a contributor"}
    )
    theirs.refresh_from_db()
    assert theirs.alt != "Renamed by a contributor"
    assert response.status_code in {302, 403}
    assert client.post(f"/admin/blog/image/{theirs.pk}/delete/", {"post": "yes"}).status_code == 403


def test_an_editor_looks_after_the_whole_library(client, contributor, newsroom_editor, make_image):
    theirs = make_image(uploaded_by=contributor)
    client.force_login(newsroom_editor)

    assert client.get(f"/admin/blog/image/{theirs.pk}/change/").status_code == 200
    assert client.post(f"/admin/blog/image/{theirs.pk}/delete/", {"post": "yes"}).status_code == 302
