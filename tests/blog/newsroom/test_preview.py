"""Preview: the form's unsaved content in the reader's look, for staff, nothing saved."""

from blog.models import Article
from tests.blog.newsroom.conftest import form_data


def test_a_published_story_previews_its_changes_without_publishing_them(
    client, newsroom_editor, article
):
    client.force_login(newsroom_editor)
    response = client.post(
        f"/admin/blog/article/{article.pk}/preview/",
        form_data(article, title="A better title", body="<p>New words.</p><script>evil()</script>"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article-title">A better title</h1>' in html
    assert "<p>New words.</p>" in html and "evil()" not in html
    assert "Preview of unsaved changes" in html
    assert "UNIAN" in html  # the reader's page, attribution and all
    article.refresh_from_db()
    assert article.title != "A better title"
    assert "no-store" in response["Cache-Control"]


def test_a_new_story_is_previewed_before_it_is_saved(client, contributor, unian):
    client.force_login(contributor)
    response = client.post(
        "/admin/blog/article/preview/",
        form_data(title="Not saved", slug="", body="<p>Draft words.</p>", source=unian.pk),
    )
    html = response.content.decode()
    assert "Not saved" in html and "<p>Draft words.</p>" in html
    assert not Article.objects.exists()


def test_preview_is_for_staff_who_may_see_the_story(
    client, stranger, contributor, article, make_staff
):
    url = f"/admin/blog/article/{article.pk}/preview/"
    client.force_login(stranger)
    assert client.post(url, form_data(article)).status_code == 302  # to the admin login
    client.force_login(contributor)
    assert client.post(url, form_data(article)).status_code == 404  # not theirs
    client.force_login(make_staff("Editor", "desk"))
    assert client.get(url).status_code == 405
