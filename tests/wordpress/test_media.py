"""`--media download`: featured images into the media library through the wire import's
fetcher, served here by a local HTTP server."""

import io

import pytest
from PIL import Image as PillowImage

from blog.models import Article, Image
from blog.wordpress import wordpress_import
from tests.wordpress.conftest import FIELD_NOTES

pytestmark = pytest.mark.django_db
OLD_UPLOADS = "https://fieldnotes.example.com/wp-content/uploads"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (640, 427), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def export_with_local_uploads(feed_server, wxr):
    uploads = feed_server.url_for("/wp-content/uploads")
    return wxr(FIELD_NOTES.read_text().replace(OLD_UPLOADS, uploads))


def test_the_featured_image_lands_in_the_library_and_the_body_uses_it(
    feed_server, export_with_local_uploads
):
    feed_server.expect_request("/wp-content/uploads/2024/03/square.jpg").respond_with_data(
        jpeg(), content_type="image/jpeg"
    )
    summary = wordpress_import(source=str(export_with_local_uploads), media="download")
    floods = Article.objects.get(slug="floods-le-pre")
    image = floods.featured_image
    assert (image.alt, image.caption, image.width) == (
        "The flooded square",
        "The square at 11am",
        640,
    )
    assert f'data-file="{image.pk}"' in floods.body
    assert summary.notes["featured image downloaded to the media library"] == 1
    # Again: nothing new is downloaded or changed.
    again = wordpress_import(source=str(export_with_local_uploads), media="download")
    assert Image.objects.count() == 1 and again.total("updated") == 0


def test_an_image_that_cannot_be_had_keeps_its_address(feed_server, export_with_local_uploads):
    feed_server.expect_request("/wp-content/uploads/2024/03/square.jpg").respond_with_data(
        "gone", status=404
    )
    summary = wordpress_import(source=str(export_with_local_uploads), media="download")
    floods = Article.objects.get(slug="floods-le-pre")
    assert floods.featured_image is None
    assert floods.photo_url.endswith("/wp-content/uploads/2024/03/square.jpg")
    assert any(note.startswith("featured image not downloaded") for note in summary.notes)


def test_a_dry_run_downloads_nothing(feed_server, export_with_local_uploads):
    summary = wordpress_import(
        source=str(export_with_local_uploads), media="download", dry_run=True
    )
    assert summary.notes["featured image to download"] == 1
    assert not Image.objects.exists()
    assert feed_server.log == []
