"""Pending review: the queue editors see, publishing or sending back, the author's email."""

from django.core import mail
from django.utils import timezone

from blog.models import Article
from tests.blog.newsroom.conftest import form_data, messages_of


def test_editors_see_how_many_stories_await_review(client, newsroom_editor, make_article):
    make_article(status=Article.Status.PENDING, published_at=None)
    make_article(status=Article.Status.PENDING, published_at=None)
    make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(newsroom_editor)
    html = client.get("/admin/").content.decode()
    assert '<a href="/admin/blog/article/?status=pending"><strong>2</strong> stories' in html


def test_contributors_are_not_shown_the_review_queue(client, contributor):
    client.force_login(contributor)
    assert "awaiting review" not in client.get("/admin/").content.decode()


def test_the_status_filter_tells_the_four_states_apart(client, newsroom_editor, make_article):
    tomorrow = timezone.now() + timezone.timedelta(days=1)
    make_article(title="Waiting", status=Article.Status.PENDING, published_at=None)
    make_article(title="Tomorrow", published_at=tomorrow)
    make_article(title="Out now")
    make_article(title="Unfinished", status=Article.Status.DRAFT, published_at=None)
    client.force_login(newsroom_editor)
    expected = {
        "draft": "Unfinished",
        "pending": "Waiting",
        "scheduled": "Tomorrow",
        "published": "Out now",
    }
    for value, title in expected.items():
        html = client.get(f"/admin/blog/article/?status={value}").content.decode()
        shown = [t for t in expected.values() if f">{t}</a>" in html]
        assert shown == [title], value
    html = client.get("/admin/blog/article/").content.decode()
    for label in ("Draft", "Pending review", "Scheduled", "Published"):
        assert f">{label}</a>" in html


def test_an_editor_publishes_a_submitted_story_and_its_author_is_emailed(
    client, newsroom_editor, contributor, own_draft
):
    own_draft.status = Article.Status.PENDING
    own_draft.save()
    client.force_login(newsroom_editor)
    client.post(
        f"/admin/blog/article/{own_draft.pk}/change/", form_data(own_draft, status="published")
    )
    own_draft.refresh_from_db()
    assert own_draft.is_public
    [message] = mail.outbox
    assert message.to == [contributor.email]
    assert message.subject == "[Wirepress] “Contributor's draft” is published"
    assert f"http://testserver{own_draft.get_absolute_url()}" in message.body
    assert "Desk published your story" in message.body


def test_publishing_by_action_emails_the_author_too(client, newsroom_editor, own_draft):
    client.force_login(newsroom_editor)
    client.post(
        "/admin/blog/article/", {"action": "publish_now", "_selected_action": [own_draft.pk]}
    )
    assert [m.subject for m in mail.outbox] == ["[Wirepress] “Contributor's draft” is published"]


def test_an_author_publishing_their_own_story_is_not_emailed(client, author):
    client.force_login(author)
    client.post("/admin/blog/article/add/", form_data(slug="mine", status="published"))
    assert Article.objects.get(slug="mine").is_public
    assert mail.outbox == []


def test_an_editor_sends_a_story_back_with_a_note(client, newsroom_editor, contributor, own_draft):
    own_draft.status = Article.Status.PENDING
    own_draft.save()
    client.force_login(newsroom_editor)
    change = client.get(f"/admin/blog/article/{own_draft.pk}/change/").content.decode()
    assert f"/admin/blog/article/{own_draft.pk}/send-back/" in change
    response = client.post(
        f"/admin/blog/article/{own_draft.pk}/send-back/",
        {"note": "Name your sources <please>."},
        follow=True,
    )
    assert messages_of(response) == ["“Contributor's draft” is back with its author as a draft."]
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.DRAFT
    [message] = mail.outbox
    assert message.to == [contributor.email]
    assert "Name your sources <please>." in message.body
    assert "Name your sources &lt;please&gt;." in message.alternatives[0][0]
    client.force_login(contributor)
    html = client.get(f"/admin/blog/article/{own_draft.pk}/change/").content.decode()
    assert "An editor sent this story back: Name your sources &lt;please&gt;." in html


def test_sending_back_needs_a_note(client, newsroom_editor, own_draft):
    own_draft.status = Article.Status.PENDING
    own_draft.save()
    client.force_login(newsroom_editor)
    response = client.post(f"/admin/blog/article/{own_draft.pk}/send-back/", {"note": " "})
    assert "This field is required." in response.content.decode()
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.PENDING and mail.outbox == []


def test_resubmitting_clears_the_note(client, contributor, own_draft):
    own_draft.review_note = "Shorter, please."
    own_draft.save()
    client.force_login(contributor)
    client.post(
        f"/admin/blog/article/{own_draft.pk}/change/", form_data(own_draft, status="pending")
    )
    own_draft.refresh_from_db()
    assert (own_draft.status, own_draft.review_note) == (Article.Status.PENDING, "")


def test_only_editors_send_stories_back(client, author, make_article):
    story = make_article(status=Article.Status.PENDING, published_at=None, author=author)
    client.force_login(author)
    assert (
        client.post(f"/admin/blog/article/{story.pk}/send-back/", {"note": "x"}).status_code == 403
    )
    story.refresh_from_db()
    assert story.status == Article.Status.PENDING


def test_the_review_mail_is_queued_not_sent_in_the_request(
    client, newsroom_editor, own_draft, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(newsroom_editor)
    client.post(
        "/admin/blog/article/", {"action": "publish_now", "_selected_action": [own_draft.pk]}
    )
    from blog.tasks import review_mail_task

    [queued] = review_mail_task.get_backend().results
    assert queued.kwargs == {
        "article_id": own_draft.pk,
        "event": "published",
        "note": "",
        "editor_id": newsroom_editor.pk,
    }
    assert mail.outbox == []
