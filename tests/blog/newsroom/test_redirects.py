"""Old addresses of a published story keep working: 301 to the new one."""

from django.utils import timezone

from blog.models import Article, Redirect
from tests.blog.newsroom.conftest import form_data


def test_a_changed_slug_redirects_from_the_old_address(client, newsroom_editor, article):
    old = article.get_absolute_url()
    client.force_login(newsroom_editor)
    client.post(f"/admin/blog/article/{article.pk}/change/", form_data(article, slug="new-slug"))
    article.refresh_from_db()
    client.logout()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_a_changed_date_redirects_from_the_old_address(client, newsroom_editor, article):
    old = article.get_absolute_url()
    earlier = timezone.localtime(article.published_at) - timezone.timedelta(days=40)
    client.force_login(newsroom_editor)
    client.post(
        f"/admin/blog/article/{article.pk}/change/",
        form_data(
            article,
            slug="renamed",
            published_at_0=earlier.strftime("%Y-%m-%d"),
            published_at_1=earlier.strftime("%H:%M:%S"),
        ),
    )
    article.refresh_from_db()
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


def test_moving_twice_sends_the_first_address_to_the_last(client, newsroom_editor, article):
    first = article.get_absolute_url()
    client.force_login(newsroom_editor)
    for slug in ("second", "third"):
        client.post(f"/admin/blog/article/{article.pk}/change/", form_data(article, slug=slug))
        article.refresh_from_db()
    assert client.get(first)["Location"] == article.get_absolute_url()
    # And moving back to an old address drops its redirect instead of looping.
    client.post(f"/admin/blog/article/{article.pk}/change/", form_data(article, slug="second"))
    article.refresh_from_db()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_draft_changing_slug_leaves_no_redirect(client, newsroom_editor, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(newsroom_editor)
    client.post(f"/admin/blog/article/{draft.pk}/change/", form_data(draft, slug="renamed"))
    assert not Redirect.objects.exists()


def test_a_redirect_entered_in_the_admin_is_served(client, newsroom_editor, article):
    client.force_login(newsroom_editor)
    client.post(
        "/admin/blog/redirect/add/",
        {"old_path": "/?p=123", "new_path": article.get_absolute_url()},
    )
    client.post(
        "/admin/blog/redirect/add/",
        {"old_path": "/2019/05/old-wordpress-post/", "new_path": article.get_absolute_url()},
    )
    response = client.get("/2019/05/old-wordpress-post/")
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


def test_an_unknown_address_is_still_a_404(client, db):
    assert client.get("/2019/05/01/nothing-here/").status_code == 404


def test_a_live_page_wins_over_a_redirect_from_its_address(client, article):
    Redirect.objects.create(old_path=article.get_absolute_url(), new_path="/elsewhere/")
    assert client.get(article.get_absolute_url()).status_code == 200
