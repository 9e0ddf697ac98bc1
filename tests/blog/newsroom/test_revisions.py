"""Revisions: every save keeps one (who, when), any two compare word by word, one click
restores one, and the restore is itself a revision."""

from reversion.models import Version

from blog.models import Article, Category
from blog.revisions import article_versions
from tests.blog.newsroom.conftest import form_data, messages_of


def save(client, article, **changes):
    response = client.post(
        f"/admin/blog/article/{article.pk}/change/", form_data(article, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()


def test_every_save_keeps_a_revision_with_who_and_what(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    save(client, article, title="First title")
    save(client, article, standfirst="A new standfirst.")
    versions = list(article_versions(article))
    assert [v.field_dict["title"] for v in versions] == ["First title", "First title"]
    assert versions[0].field_dict["standfirst"] == "A new standfirst."
    assert {v.revision.user for v in versions} == {newsroom_editor}
    assert versions[0].revision.get_comment() == "Changed Standfirst."


def test_the_revisions_page_marks_the_changed_words(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    save(client, article, body="<p>The talks <b>resumed</b> on Monday.</p>")
    save(client, article, body="<p>The talks stalled on Tuesday.</p><p>A <script>x</script></p>")
    html = client.get(f"/admin/blog/article/{article.pk}/revisions/").content.decode()
    assert "The talks <del>resumed </del><ins>stalled </ins>on <del>Monday.</del>" in html
    assert "<script>" not in html.split("text-diff")[-1]
    assert "Body</h3>" in html and "Title (unchanged)</h3>" in html


def test_any_two_revisions_can_be_compared(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    for title in ("One", "Two", "Three"):
        save(client, article, title=title)
    three, _, one = article_versions(article)
    html = client.get(
        f"/admin/blog/article/{article.pk}/revisions/?old={one.pk}&new={three.pk}"
    ).content.decode()
    assert "<del>One</del><ins>Three</ins>" in html


def test_a_bad_comparison_falls_back_to_the_last_two(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    save(client, article, title="One")
    save(client, article, title="Two")
    response = client.get(f"/admin/blog/article/{article.pk}/revisions/?old=x&new=99999")
    assert "<del>One</del><ins>Two</ins>" in response.content.decode()


def test_restoring_a_revision_brings_the_story_back_as_a_new_revision(
    client, newsroom_editor, article
):
    news = Category.objects.create(name="News", slug="news")
    client.force_login(newsroom_editor)
    save(client, article, title="Good title", body="<p>Good body.</p>", categories=[news.pk])
    save(client, article, title="Bad title", body="<p>Bad body.</p>", categories=[])
    good = list(article_versions(article))[1]
    response = client.post(
        f"/admin/blog/article/{article.pk}/revisions/{good.pk}/restore/", follow=True
    )
    assert messages_of(response)[-1] == "The revision is restored (and kept as the newest one)."
    article.refresh_from_db()
    assert (article.title, article.body) == ("Good title", "<p>Good body.</p>")
    assert list(article.categories.all()) == [news]
    assert article.is_public  # the status is not part of a restore
    newest = article_versions(article).first()
    assert newest.field_dict["title"] == "Good title"
    assert newest.revision.get_comment().startswith("Restored the revision of ")
    assert Version.objects.get_for_object(article).count() == 3


def test_restoring_an_old_slug_keeps_the_newer_address_working(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    save(client, article, slug="first-slug")
    save(client, article, slug="second-slug")
    first = list(article_versions(article))[1]
    second_url = article.get_absolute_url()
    client.post(f"/admin/blog/article/{article.pk}/revisions/{first.pk}/restore/")
    article.refresh_from_db()
    assert article.slug == "first-slug"
    assert client.get(second_url)["Location"] == article.get_absolute_url()


def test_restore_rejects_get_and_others(client, newsroom_editor, contributor, article):
    client.force_login(newsroom_editor)
    save(client, article, title="One")
    save(client, article, title="Two")
    version = list(article_versions(article))[1]
    url = f"/admin/blog/article/{article.pk}/revisions/{version.pk}/restore/"
    assert client.get(url).status_code == 405
    client.force_login(contributor)
    assert client.post(url).status_code == 404
    article.refresh_from_db()
    assert article.title == "Two"


def test_a_contributor_cannot_restore_into_their_published_story(
    client, newsroom_editor, contributor, make_article
):
    story = make_article(author=contributor, status=Article.Status.DRAFT, published_at=None)
    client.force_login(contributor)
    save(client, story, title="Draft one")
    save(client, story, title="Draft two")
    story.status = Article.Status.PUBLISHED
    story.save()
    version = list(article_versions(story))[1]
    assert (
        client.post(f"/admin/blog/article/{story.pk}/revisions/{version.pk}/restore/").status_code
        == 403
    )
    html = client.get(f"/admin/blog/article/{story.pk}/revisions/").content.decode()
    assert "Restore this revision" not in html and "Draft <del>one</del><ins>two</ins>" in html


def test_restoring_a_slug_taken_since_keeps_the_current_one(
    client, newsroom_editor, article, make_article
):
    client.force_login(newsroom_editor)
    save(client, article, slug="first-slug", title="First")
    save(client, article, slug="second-slug", title="Second")
    make_article(slug="first-slug")
    first = list(article_versions(article))[1]
    response = client.post(
        f"/admin/blog/article/{article.pk}/revisions/{first.pk}/restore/", follow=True
    )
    assert messages_of(response)[-1] == (
        "The slug “first-slug” now belongs to another story: kept “second-slug”."
    )
    article.refresh_from_db()
    assert (article.title, article.slug) == ("First", "second-slug")


def test_the_revisions_page_costs_the_same_at_two_and_twenty_revisions(
    client, newsroom_editor, article, django_assert_num_queries
):
    from blog.revisions import revision_by

    client.force_login(newsroom_editor)
    url = f"/admin/blog/article/{article.pk}/revisions/"
    for count in (2, 20):
        while Version.objects.get_for_object(article).count() < count:
            with revision_by(newsroom_editor):
                article.title += "!"
                article.save()
        with django_assert_num_queries(6):
            assert client.get(url).status_code == 200
