"""The admin's "Import from WordPress": upload, a dry run's summary, then the import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Article
from blog.wordpress import importer, wordpress_import
from blog.wordpress.staging import staged_import, status_write
from tests.helpers import parse
from tests.wordpress.conftest import FIELD_NOTES

pytestmark = pytest.mark.django_db
URL = reverse("admin:blog_article_wordpress_import")


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.WORDPRESS_IMPORT_DIR = tmp_path / "staged"


def upload(client, data=None, follow=True, **fields):
    """Upload an export; followed, the page of its dry run (run at once in tests)."""
    export = SimpleUploadedFile("field-notes.xml", data or FIELD_NOTES.read_bytes())
    return client.post(URL, {"export": export, **fields}, follow=follow)


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


def confirmation(client, **fields):
    return parse(upload(client, **fields)).xpath('//input[@name="confirm"]/@value')[0]


def test_confirming_imports_what_the_dry_run_showed(client, editor):
    client.force_login(editor)
    confirm = confirmation(client, pingbacks="on")
    response = client.post(URL, {"confirm": confirm}, follow=True)
    assert response.status_code == 200
    assert "Imported" in parse(response).xpath('string(//p[@class="wordpress-outcome"])')
    assert summary_cells(response, "Comments")[:4] == ["7", "0", "0", "0"]  # with the pingback
    assert Article.objects.count() == 6
    # The staged file is gone: the same confirmation cannot import twice.
    again = client.post(URL, {"confirm": confirm}, follow=True)
    assert "upload the export again" in again.content.decode()


@pytest.fixture
def queued(settings):
    """The import is queued, not run: the test runs it when it likes, as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def worker_runs(status_url, dry_run):
    """What the task worker does with the queued task of the page at `status_url`."""
    token = status_url.rstrip("/").rsplit("/", 1)[1]
    options = {"token": token, "name": "field-notes.xml", "author_map": {}, "pingbacks": False}
    staged_import(token=token, options={**options, "dry_run": dry_run}, editor_id=None)
    return token


def test_the_dry_run_and_the_import_show_pages_that_reload_until_their_summary(
    client, editor, queued
):
    client.force_login(editor)
    status_url = upload(client, follow=False)["Location"]
    page = parse(client.get(status_url))
    assert page.xpath('//meta[@http-equiv="refresh"]/@content') == ["2"]
    assert "Checking" in page.xpath('string(//p[@class="wordpress-outcome"])')
    assert "Waiting for the task worker" in page.xpath('string(//*[@id="wordpress-progress-text"])')

    worker_runs(status_url, dry_run=True)
    response = client.get(status_url)
    assert summary_cells(response, "Posts")[:4] == ["6", "0", "2", "0"]
    assert not parse(response).xpath('//meta[@http-equiv="refresh"]')
    assert not Article.objects.exists()

    confirm = parse(response).xpath('//input[@name="confirm"]/@value')[0]
    assert client.post(URL, {"confirm": confirm})["Location"] == status_url
    page = parse(client.get(status_url))
    assert "Importing" in page.xpath('string(//p[@class="wordpress-outcome"])')
    assert page.xpath('//meta[@http-equiv="refresh"]/@content') == ["2"]
    # Confirmed again while it waits: still one import.
    assert client.post(URL, {"confirm": confirm})["Location"] == status_url

    worker_runs(status_url, dry_run=False)
    response = client.get(status_url)
    assert "Imported" in parse(response).xpath('string(//p[@class="wordpress-outcome"])')
    assert summary_cells(response, "Posts")[:4] == ["6", "0", "2", "0"]
    assert Article.objects.count() == 6


def test_a_running_import_shows_how_far_it_is(client, editor):
    client.force_login(editor)
    token = "ab" * 16
    status_write(token, state="running", name="big.xml", percent=40, posts=812, comments=1)
    page = parse(client.get(reverse("admin:blog_article_wordpress_import_status", args=[token])))
    assert page.xpath('//progress[@id="wordpress-progress"]/@value') == ["40"]
    text = " ".join(page.xpath('string(//*[@id="wordpress-progress-text"])').split())
    assert text == "40% of the file read: 812 posts and 1 comment so far."
    assert page.xpath('//meta[@http-equiv="refresh"]/@content') == ["2"]


def test_an_import_that_fails_in_the_worker_says_why(client, editor, queued, settings):
    client.force_login(editor)
    status_url = upload(client, follow=False)["Location"]
    token = worker_runs(status_url, dry_run=True)
    confirm = parse(client.get(status_url)).xpath('//input[@name="confirm"]/@value')[0]
    client.post(URL, {"confirm": confirm})
    staged = settings.WORDPRESS_IMPORT_DIR / f"{token}.xml"
    staged.write_bytes(FIELD_NOTES.read_bytes()[:5000])  # the file changed since its dry run
    worker_runs(status_url, dry_run=False)
    error = parse(client.get(status_url)).xpath('string(//p[@class="errornote"])')
    assert "line " in error and "Nothing was imported." in error
    assert not Article.objects.exists()


def test_an_unknown_import_leads_back_to_the_upload(client, editor):
    client.force_login(editor)
    status = reverse("admin:blog_article_wordpress_import_status", args=["cd" * 16])
    response = client.get(status, follow=True)
    assert "There is no such import." in response.content.decode()


def test_a_forged_confirmation_imports_nothing(client, editor):
    client.force_login(editor)
    response = client.post(URL, {"confirm": '{"token": "../../etc/passwd"}'}, follow=True)
    assert "upload the export again" in response.content.decode()
    assert not Article.objects.exists()


def test_a_truncated_upload_shows_its_line_and_saves_nothing(client, editor):
    client.force_login(editor)
    response = upload(client, data=FIELD_NOTES.read_bytes()[:5000])
    error = parse(response).xpath('string(//p[@class="errornote"])')
    assert "line " in error and "Nothing was imported." in error
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


def test_the_import_reports_its_progress_through_the_file(monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_SECONDS", 0)
    calls = []
    wordpress_import(
        source=str(FIELD_NOTES),
        progress=lambda read, size, summary: calls.append((read, size, summary.total("created"))),
    )
    size = FIELD_NOTES.stat().st_size
    reads = [read for read, _size, _created in calls]
    assert len(calls) > 3 and reads == sorted(reads)
    assert calls[-1][:2] == (size, size) and calls[-1][2] > calls[0][2]
