"""The admin's "Import from WordPress": upload, a dry run's summary, then the import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Article
from tests.helpers import parse
from tests.wordpress.conftest import FIELD_NOTES

pytestmark = pytest.mark.django_db
URL = reverse("admin:blog_article_wordpress_import")


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.WORDPRESS_IMPORT_DIR = tmp_path / "staged"


def upload(client, data=None, **fields):
    export = SimpleUploadedFile("field-notes.xml", data or FIELD_NOTES.read_bytes())
    return client.post(URL, {"export": export, **fields})


def summary_cells(response, kind):
    tree = parse(response)
    row = tree.xpath(f'//table[@id="wordpress-summary"]//tr[th="{kind}"]')[0]
    return [" ".join(td.text_content().split()) for td in row.xpath("td")]


def test_the_article_list_offers_it_to_superusers(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:blog_article_changelist"))
    assert parse(page).xpath(f'//a[@href="{URL}"]/text()') == ["Import from WordPress"]


def test_it_denies_staff_who_are_not_superusers(client, django_user_model):
    author = django_user_model.objects.create_user("author", "a@example.org", "pw", is_staff=True)
    client.force_login(author)
    assert client.get(URL).status_code == 403
    assert upload(client).status_code == 403
    assert not Article.objects.exists()


def test_an_upload_shows_the_dry_run_and_saves_nothing(client, editor):
    client.force_login(editor)
    response = upload(client)
    assert response.status_code == 200
    assert summary_cells(response, "Posts")[:4] == ["6", "0", "2", "0"]
    assert "pingback (--pingbacks imports them) (1)" in summary_cells(response, "Comments")[4]
    assert "Nothing is saved yet" in response.content.decode()
    assert not Article.objects.exists()


def test_confirming_imports_what_the_dry_run_showed(client, editor):
    client.force_login(editor)
    confirm = parse(upload(client, pingbacks="on")).xpath('//input[@name="confirm"]/@value')[0]
    response = client.post(URL, {"confirm": confirm})
    assert response.status_code == 200
    assert summary_cells(response, "Comments")[:4] == ["7", "0", "0", "0"]  # with the pingback
    assert Article.objects.count() == 6
    # The staged file is gone: the same confirmation cannot import twice.
    again = client.post(URL, {"confirm": confirm}, follow=True)
    assert "upload the export again" in again.content.decode()


def test_a_forged_confirmation_imports_nothing(client, editor):
    client.force_login(editor)
    response = client.post(URL, {"confirm": '{"token": "../../etc/passwd"}'}, follow=True)
    assert "upload the export again" in response.content.decode()
    assert not Article.objects.exists()


def test_a_truncated_upload_shows_its_line_and_saves_nothing(client, editor):
    client.force_login(editor)
    response = upload(client, data=FIELD_NOTES.read_bytes()[:5000])
    errors = " ".join(parse(response).xpath('//ul[@class="errorlist"]//text()'))
    assert "line " in errors and "Nothing was imported." in errors
    assert not Article.objects.exists()


def test_a_superuser_downloads_the_site_as_a_wordpress_export(client, editor, imported):
    client.force_login(editor)
    response = client.get(reverse("admin:blog_article_wordpress_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = b"".join(response.streaming_content)
    assert b"<wp:wxr_version>1.2</wp:wxr_version>" in body
    assert b"<wp:post_name><![CDATA[floods-le-pre]]></wp:post_name>" in body


def test_the_export_is_denied_to_staff_who_are_not_superusers(client, django_user_model):
    author = django_user_model.objects.create_user("author", "a@example.org", "pw", is_staff=True)
    client.force_login(author)
    assert client.get(reverse("admin:blog_article_wordpress_export")).status_code == 403
