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


# A small export of its own: a story showing a resized copy of an upload that links to the
# original, a gallery of two attachments uploaded to it (no ids), a PDF and a photo hosted
# elsewhere, and a second story whose gallery names images that are not in the export.
BODIES = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bodies</title><link>https://bodies.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bodies.example</wp:base_site_url>
<item><title>Market day</title><wp:post_id>1</wp:post_id><wp:post_name>market</wp:post_name>
<wp:post_date_gmt>2024-05-01 09:00:00</wp:post_date_gmt><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><content:encoded><![CDATA[The stalls opened early.

<a href="UPLOADS/2024/05/stalls.jpg"><img src="UPLOADS/2024/05/stalls-300x200.jpg" alt="Stalls" /></a>

[gallery]

The <a href="UPLOADS/2024/05/prices.pdf">price list</a> and <img src="https://elsewhere.example/cat.jpg" alt="A cat" />.

[contact-form]]]></content:encoded></item>
<item><title>Rain</title><wp:post_id>2</wp:post_id><wp:post_name>rain</wp:post_name>
<wp:post_date_gmt>2024-05-02 09:00:00</wp:post_date_gmt><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><content:encoded><![CDATA[Wet.

[gallery ids="98,99"]]]></content:encoded></item>
<item><title>Stalls</title><wp:post_id>11</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:post_parent>1</wp:post_parent><wp:status>inherit</wp:status>
<excerpt:encoded><![CDATA[Stalls at 7am]]></excerpt:encoded>
<wp:attachment_url>UPLOADS/2024/05/stalls.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>The stalls</wp:meta_value></wp:postmeta></item>
<item><title>Fish</title><wp:post_id>12</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:post_parent>1</wp:post_parent><wp:status>inherit</wp:status>
<wp:attachment_url>UPLOADS/2024/05/fish.png</wp:attachment_url></item>
</channel></rss>
"""


def png() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (300, 200), "orange").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def bodies_export(feed_server, wxr):
    return wxr(BODIES.replace("UPLOADS", feed_server.url_for("/wp-content/uploads")))


def test_a_gallery_becomes_figures_of_its_images_and_unknown_shortcodes_are_reported(
    bodies_export,
):
    summary = wordpress_import(source=str(bodies_export))
    market = Article.objects.get(slug="market").body
    # Without ids: the images uploaded to the story, with their alt text and caption.
    assert '/2024/05/stalls.jpg" alt="The stalls"><figcaption>Stalls at 7am</figcaption>' in market
    assert '/2024/05/fish.png" alt=""></figure>' in market
    assert "[gallery]" not in market and "<p></p>" not in market
    assert "[contact-form]" in market
    assert summary.notes["shortcode [contact-form] left as text"] == 1
    # Images the export does not hold: the shortcode stays, and the editor is told.
    assert '[gallery ids="98,99"]' in Article.objects.get(slug="rain").body
    assert summary.notes["[gallery] left as text (its images are not in the export)"] == 1
    assert not Image.objects.exists()  # --media link: nothing downloaded


def test_images_in_bodies_are_downloaded_and_the_bodies_use_the_library(feed_server, bodies_export):
    for name, data, kind in (("stalls.jpg", jpeg(), "jpeg"), ("fish.png", png(), "png")):
        feed_server.expect_request(f"/wp-content/uploads/2024/05/{name}").respond_with_data(
            data, content_type=f"image/{kind}"
        )
    summary = wordpress_import(source=str(bodies_export), media="download")
    body = Article.objects.get(slug="market").body
    stalls = Image.objects.get(source_note__endswith="/stalls.jpg")
    fish = Image.objects.get(source_note__endswith="/fish.png")
    assert Image.objects.count() == 2  # the resized copy is the original's image
    assert stalls.alt == "The stalls"
    assert f'<a href="{stalls.file.url}"><img src="{stalls.file.url}" data-file="{stalls.pk}"' in (
        body
    )
    assert body.count(f'data-file="{stalls.pk}"') == 2  # in the text and in the gallery
    assert f'data-file="{fish.pk}"' in body
    assert "/wp-content/uploads/2024/05/stalls" not in body
    # Not images of the old site: kept as they were.
    assert "/wp-content/uploads/2024/05/prices.pdf" in body
    assert 'src="https://elsewhere.example/cat.jpg"' in body
    assert summary.notes["image in a body downloaded to the media library"] == 2
    assert summary.notes["link to an upload that is not an image kept its address"] == 1
    # Again: nothing is downloaded twice.
    feed_server.clear_log()
    wordpress_import(source=str(bodies_export), media="download")
    assert Image.objects.count() == 2 and feed_server.log == []


def test_a_body_image_that_cannot_be_had_keeps_its_address(feed_server, bodies_export):
    summary = wordpress_import(source=str(bodies_export), media="download")  # all 404
    body = Article.objects.get(slug="market").body
    assert "/wp-content/uploads/2024/05/stalls-300x200.jpg" in body
    assert not Image.objects.exists()
    assert any(note.startswith("image in a body not downloaded") for note in summary.notes)


# Two more attachments no post uses: a photo and a PDF.
UNUSED = """<item><title>Harbour</title><wp:post_id>13</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:post_parent>0</wp:post_parent><wp:status>inherit</wp:status>
<excerpt:encoded><![CDATA[The harbour at dawn]]></excerpt:encoded>
<wp:attachment_url>UPLOADS/2024/05/harbour.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Boats in the harbour</wp:meta_value></wp:postmeta></item>
<item><title>Prices</title><wp:post_id>14</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:post_parent>1</wp:post_parent><wp:status>inherit</wp:status>
<wp:attachment_url>UPLOADS/2024/05/prices.pdf</wp:attachment_url></item>
</channel>"""


@pytest.fixture
def export_with_unused_attachments(feed_server, wxr):
    uploads = feed_server.url_for("/wp-content/uploads")
    return wxr(BODIES.replace("</channel>", UNUSED).replace("UPLOADS", uploads))


def test_every_image_attachment_lands_in_the_library_and_other_files_are_skipped(
    feed_server, export_with_unused_attachments
):
    for name, data, kind in (
        ("stalls.jpg", jpeg(), "image/jpeg"),
        ("fish.png", png(), "image/png"),
        ("harbour.jpg", jpeg(), "image/jpeg"),
        ("prices.pdf", b"%PDF-1.4", "application/pdf"),
    ):
        feed_server.expect_request(f"/wp-content/uploads/2024/05/{name}").respond_with_data(
            data, content_type=kind
        )
    summary = wordpress_import(source=str(export_with_unused_attachments), media="download")
    harbour = Image.objects.get(source_note__endswith="/harbour.jpg")
    assert (harbour.alt, harbour.caption) == ("Boats in the harbour", "The harbour at dawn")
    assert Image.objects.count() == 3  # the two body images, each once, and the harbour
    assert summary.notes["attachment downloaded to the media library"] == 1
    assert summary.counts["attachments"]["skipped"] == 1
    assert summary.reasons["attachments"]["skipped: not an image, kept out of the media library"]
    assert "/2024/05/prices.pdf" not in [entry[0].path for entry in feed_server.log]
    # Again: nothing is downloaded twice.
    feed_server.clear_log()
    wordpress_import(source=str(export_with_unused_attachments), media="download")
    assert Image.objects.count() == 3 and feed_server.log == []


def test_with_media_link_attachments_stay_out_of_the_library(export_with_unused_attachments):
    summary = wordpress_import(source=str(export_with_unused_attachments))
    assert not Image.objects.exists()
    assert summary.counts["attachments"]["skipped"] == 0


def test_a_dry_run_counts_each_attachment_once_and_downloads_nothing(
    feed_server, export_with_unused_attachments
):
    summary = wordpress_import(
        source=str(export_with_unused_attachments), media="download", dry_run=True
    )
    # The body's images are counted as such; only the harbour is left for this step.
    assert summary.notes["attachment to download"] == 1
    assert summary.counts["attachments"]["skipped"] == 1
    assert not Image.objects.exists() and feed_server.log == []
