import datetime

from django.utils import timezone

from blog.models import Article


def test_article_add_and_change_pages_load_for_staff(client, editor, article):
    client.force_login(editor)
    assert client.get("/admin/blog/article/add/").status_code == 200
    html = client.get(f"/admin/blog/article/{article.pk}/change/").content.decode()
    assert "Attribution" in html and "View on site" in html


def test_admin_is_closed_to_readers(client, reader):
    client.force_login(reader)
    response = client.get("/admin/blog/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_article_list_filters_and_searches(client, editor, make_article):
    make_article(title="Zelensky speaks")
    make_article(title="Unrelated", status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get("/admin/blog/article/?q=Zelensky").content.decode()
    assert "Zelensky speaks" in html and "Unrelated" not in html
    html = client.get("/admin/blog/article/?status__exact=draft").content.decode()
    assert "Unrelated" in html and "Zelensky speaks" not in html


def test_editor_publishes_a_story_with_photo_through_the_admin(client, editor, unian, make_image):
    photo = make_image(
        (4, 3), alt="Delegates at a table", caption="Delegates at the table", credit="Reuters"
    )
    client.force_login(editor)
    response = client.post(
        "/admin/blog/article/add/",
        {
            "title": "Ceasefire talks resume",
            "slug": "ceasefire-talks-resume",
            "standfirst": "Delegations meet in Istanbul.",
            "body": '<p>Talks resumed.</p><script>alert("x")</script>',
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "source": unian.pk,
            "original_url": "https://www.unian.info/world/talks.html",
            "original_byline": "Jane Doe",
            "copyright_line": "",
            "featured_image": photo.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="ceasefire-talks-resume")
    assert article.body == "<p>Talks resumed.</p>"
    assert article.author == editor
    assert article.is_public
    assert article.copyright_line == f"(C)UNIAN {timezone.now().year}"
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'width="4" height="3" alt="Delegates at a table"' in html
    assert 'Delegates at the table <span class="credit">/ Reuters</span>' in html


def test_publish_now_action_publishes_drafts(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    client.post(
        "/admin/blog/article/",
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_public


def test_scheduled_articles_show_as_scheduled_in_the_list(client, editor, make_article):
    make_article(title="Tomorrow's story", published_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(editor)
    assert "Scheduled" in client.get("/admin/blog/article/").content.decode()
