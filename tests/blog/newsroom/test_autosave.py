"""Autosave: what an editor types is kept aside (not published, not a revision), offered
back when they reopen the story, and tells others that someone is editing it."""

import json

from django.utils import timezone
from reversion.models import Version

from blog.models import Article, ArticleAutosave


def autosave(client, article=None, **fields):
    data = {"article": article.pk if article else "", **fields}
    return client.post("/admin/blog/article/autosave/", data)


def test_an_autosave_is_kept_aside_from_the_story(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    response = autosave(client, article, title="Typed title", body="<p>Typed.</p>", status="draft")
    assert response.status_code == 200 and response.json()["editors"] == []
    article.refresh_from_db()
    assert article.title != "Typed title" and article.is_public
    assert ArticleAutosave.objects.get().content == {
        "title": "Typed title",
        "body": "<p>Typed.</p>",
    }
    assert not Version.objects.exists()


def test_reopening_the_story_offers_the_newer_autosave(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    autosave(client, article, title="Typed title", body="<p>Typed </script> body.</p>")
    html = client.get(f"/admin/blog/article/{article.pk}/change/").content.decode()
    assert "There is an autosave newer than the version below" in html
    assert "restore it?" in html and "data-autosave-restore" in html
    opening = '<script id="autosave-content" type="application/json">'
    start = html.index(opening) + len(opening)
    content = json.loads(html[start : html.index("</script>", start)])
    assert content == {"title": "Typed title", "body": "<p>Typed </script> body.</p>"}


def test_an_autosave_older_than_the_saved_story_is_not_offered(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    autosave(client, article, title="Typed title")
    ArticleAutosave.objects.update(saved_at=article.updated_at - timezone.timedelta(minutes=1))
    html = client.get(f"/admin/blog/article/{article.pk}/change/").content.decode()
    assert "There is an autosave" not in html


def test_saving_the_story_discards_the_autosave(client, newsroom_editor, article):
    from tests.blog.newsroom.conftest import form_data

    client.force_login(newsroom_editor)
    autosave(client, article, title="Typed title")
    client.post(f"/admin/blog/article/{article.pk}/change/", form_data(article, title="Saved"))
    assert not ArticleAutosave.objects.exists()


def test_a_new_story_is_autosaved_and_offered_on_the_add_page(client, contributor):
    client.force_login(contributor)
    assert autosave(client, title="Not saved yet").status_code == 200
    assert autosave(client, title="Not saved yet, longer").status_code == 200
    assert ArticleAutosave.objects.get().article is None
    html = client.get("/admin/blog/article/add/").content.decode()
    assert "There is an autosave of a story you had not saved" in html
    assert "Not saved yet, longer" in html


def test_someone_else_editing_is_shown(client, newsroom_editor, contributor, own_draft):
    client.force_login(contributor)
    autosave(client, own_draft, title="Mine")
    client.force_login(newsroom_editor)
    html = client.get(f"/admin/blog/article/{own_draft.pk}/change/").content.decode()
    assert "Contributor is editing this story." in html
    assert "There is an autosave" not in html  # the contributor's is not the editor's
    assert autosave(client, own_draft, title="Desk's").json()["editors"] == ["Contributor"]
    # Each keeps their own: nobody's typing is overwritten.
    assert sorted(ArticleAutosave.objects.values_list("content__title", flat=True)) == [
        "Desk's",
        "Mine",
    ]


def test_an_old_autosave_does_not_say_someone_is_editing(
    client, newsroom_editor, contributor, own_draft
):
    client.force_login(contributor)
    autosave(client, own_draft, title="Mine")
    ArticleAutosave.objects.update(saved_at=timezone.now() - timezone.timedelta(minutes=10))
    client.force_login(newsroom_editor)
    html = client.get(f"/admin/blog/article/{own_draft.pk}/change/").content.decode()
    assert "is editing this story" not in html


def test_autosave_rejects_get_strangers_and_others_stories(
    client, contributor, stranger, make_article, make_staff
):
    other = make_article(author=make_staff("Author", "someone"))
    assert client.get("/admin/blog/article/autosave/").status_code == 302
    client.force_login(stranger)
    assert autosave(client, title="x").status_code == 302  # to the admin login
    client.force_login(contributor)
    assert client.get("/admin/blog/article/autosave/").status_code == 405
    assert autosave(client, other, title="x").status_code == 404
    bad = client.post("/admin/blog/article/autosave/", {"article": "abc", "title": "x"})
    assert bad.status_code == 404
    assert not ArticleAutosave.objects.exists()
    assert Article.objects.get(pk=other.pk).title != "x"


def test_the_change_form_loads_the_autosave_script(client, newsroom_editor):
    client.force_login(newsroom_editor)
    html = client.get("/admin/blog/article/add/").content.decode()
    assert "js/autosave.js" in html
    assert 'data-url="/admin/blog/article/autosave/"' in html


def test_the_editing_notices_cost_the_same_for_one_or_three_editors(
    client, newsroom_editor, make_staff, own_draft, django_assert_num_queries
):
    url = f"/admin/blog/article/{own_draft.pk}/change/"
    client.force_login(newsroom_editor)
    client.get(url)  # the session's first request writes to it
    for count, names in ((1, ["ann"]), (3, ["bob", "cy"])):
        for name in names:
            ArticleAutosave.objects.create(
                article=own_draft, user=make_staff("Author", name), content={"title": name}
            )
        with django_assert_num_queries(13):
            html = client.get(url).content.decode()
        assert html.count("is editing this story.") == count
