"""The media library: checked uploads, renditions, and images as readers get them."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from blog.media import image_upload_clean
from blog.models import Article, Image


def jpeg(size=(40, 30), **save_options):
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, "navy").save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header announces `width`×`height` pixels: a decompression bomb."""
    buffer = io.BytesIO()
    PillowImage.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


# --- Checking uploads ---------------------------------------------------------------------


def test_a_text_file_renamed_jpg_is_refused():
    with pytest.raises(ValidationError, match="not an image, or it is damaged"):
        image_upload_clean(upload(b"Minutes of the meeting\n" * 50, "minutes.jpg"))


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ValidationError, match="not an image, or it is damaged"):
        image_upload_clean(upload(jpeg((400, 300))[:600]))


def test_a_decompression_bomb_png_is_refused_before_it_is_decoded():
    with pytest.raises(ValidationError, match="too many pixels to be processed"):
        image_upload_clean(upload(png_claiming(100_000, 100_000), "bomb.png"))


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.MEDIA_MAX_PIXELS = 1000
    with pytest.raises(ValidationError, match=r"too many pixels \(40×30; at most 1,000 in all\)"):
        image_upload_clean(upload(jpeg((40, 30))))


def test_an_oversized_file_is_refused_with_the_limit(settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        image_upload_clean(upload(b"x" * 2048))
    assert refused.value.messages[0].startswith(
        "The file is 2.0\xa0KB; the limit is 1000\xa0bytes."
    )


def test_a_format_outside_the_allow_list_is_refused():
    buffer = io.BytesIO()
    PillowImage.new("RGB", (4, 4)).save(buffer, "BMP")
    with pytest.raises(ValidationError, match="BMP images are not accepted: upload a JPEG"):
        image_upload_clean(upload(buffer.getvalue(), "scan.bmp"))


def test_the_gps_position_is_removed_and_the_rest_of_exif_kept():
    exif = PillowImage.Exif()
    exif[0x010F] = "Nikon"  # camera make
    exif.get_ifd(0x8825)[2] = (50.0, 27.0, 0.0)  # GPS latitude
    cleaned = image_upload_clean(upload(jpeg(exif=exif.tobytes())))
    with PillowImage.open(cleaned) as image:
        kept = image.getexif()
    assert 0x8825 not in kept
    assert kept[0x010F] == "Nikon"


def test_the_camera_orientation_is_applied():
    exif = PillowImage.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    cleaned = image_upload_clean(upload(jpeg((40, 30), exif=exif.tobytes())))
    with PillowImage.open(cleaned) as image:
        assert image.size == (30, 40)
        assert image.getexif().get(0x0112, 1) == 1


def test_the_stored_name_says_the_real_type_and_carries_the_content_hash():
    cleaned = image_upload_clean(upload(jpeg(), "Summit Photo.PNG"))
    assert re.fullmatch(r"summit-photo-[0-9a-f]{12}\.jpg", cleaned.name)


# --- The library in the admin ---------------------------------------------------------------


def test_an_upload_in_the_library_records_who_and_the_size(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/blog/image/add/",
        {"file": upload(jpeg((40, 30))), "alt": "Flags", "caption": "", "credit": "Reuters"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (40, 30, editor)
    html = client.get("/admin/blog/image/").content.decode()
    assert 'class="library-thumbnail"' in html and "40×30" in html


def test_a_bad_file_is_explained_and_what_was_typed_is_kept(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/blog/image/add/",
        {
            "file": upload(b"not a photo", "minutes.jpg"),
            "alt": "Delegates at the table",
            "caption": "Talks resume in Istanbul",
            "credit": "Reuters",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This file is not an image, or it is damaged" in html
    assert 'value="Delegates at the table"' in html and 'value="Talks resume in Istanbul"' in html
    assert not Image.objects.exists()


def test_the_library_is_searched_and_filtered_by_missing_description(client, editor, make_image):
    make_image(alt="Stoltenberg at a lectern")
    make_image(caption="Undescribed flags")
    client.force_login(editor)
    html = client.get("/admin/blog/image/?q=lectern").content.decode()
    assert "Stoltenberg at a lectern" in html and "Undescribed flags" not in html
    html = client.get("/admin/blog/image/?described=no").content.decode()
    assert "Undescribed flags" in html and "Stoltenberg at a lectern" not in html


def test_a_story_cannot_be_published_with_an_undescribed_photo(client, editor, article, make_image):
    client.force_login(editor)
    form = {
        "title": article.title,
        "slug": article.slug,
        "body": article.body,
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "featured_image": make_image(caption="No description").pk,
    }
    html = client.post(f"/admin/blog/article/{article.pk}/change/", form).content.decode()
    assert "This photo has no description (alt text)" in html
    article.refresh_from_db()
    assert article.featured_image is None


def test_a_story_cannot_be_published_with_an_undescribed_image_in_its_body(
    client, editor, article, make_image
):
    undescribed = make_image(caption="No description", name="flags.jpg")
    described = make_image(alt="Delegates at the table", name="table.jpg")
    body = (
        f'<p>Talks.</p><figure><img src="{undescribed.file.url}" data-file="{undescribed.pk}">'
        f'</figure><img src="{described.file.url}" data-file="{described.pk}">'
        '<img src="https://agency.example/photo.jpg" alt="The agency\'s photo">'
    )
    client.force_login(editor)
    form = {
        "title": article.title,
        "slug": article.slug,
        "body": body,
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
    }
    url = f"/admin/blog/article/{article.pk}/change/"

    html = client.post(url, form).content.decode()
    assert "Describe every image for readers who cannot see it" in html
    assert undescribed.file.name.rsplit("/", 1)[-1] in html
    assert described.file.name.rsplit("/", 1)[-1] not in html.split("Describe every image")[1][:300]
    article.refresh_from_db()
    assert "flags" not in article.body

    form["body"] = body.replace(
        f'data-file="{undescribed.pk}"', f'alt="Flags" data-file="{undescribed.pk}"'
    )
    assert client.post(url, form).status_code == 302


# --- The editor's picker ----------------------------------------------------------------------


def test_the_picker_lists_the_library_for_the_editor(client, editor, make_image):
    image = make_image(alt="Flags", caption="The summit")
    client.force_login(editor)
    html = client.get("/admin/blog/image/picker/?CKEditorFuncNum=-1").content.decode()
    assert f'data-id="{image.pk}"' in html and 'data-caption="The summit"' in html
    assert 'data-picker-callback="-1"' in html
    assert 'width="160" height="90" alt="" loading="lazy" class="library-thumbnail"' in html


def test_an_image_uploaded_from_the_picker_goes_into_the_story(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/blog/image/picker/?CKEditorFuncNum=-1",
        {"file": upload(jpeg()), "alt": "Flags", "caption": "The summit", "credit": "AP"},
    )
    image = Image.objects.get()
    html = response.content.decode()
    assert f'id="picked" data-url="{image.file.url}" data-id="{image.pk}"' in html
    assert image.uploaded_by == editor


def test_the_picker_is_closed_to_readers(client, reader):
    client.force_login(reader)
    response = client.get("/admin/blog/image/picker/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_article_form_edits_the_body_in_the_editor(client, editor, article):
    client.force_login(editor)
    html = client.get(f"/admin/blog/article/{article.pk}/change/").content.decode()
    assert "data-django-prose-editor-configurable" in html
    assert "/admin/blog/image/picker/" in html  # the image dialog's "Browse..."
    assert "js/editor_word_count.js" in html


# --- What readers get ----------------------------------------------------------------------


@pytest.fixture
def rendered_image(make_image, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the worker's renditions
        return make_image((1600, 1000), alt="Flags", caption="The summit", credit="Reuters")


def test_the_featured_photo_comes_in_sizes_and_is_fetched_first(client, article, rendered_image):
    article.featured_image = rendered_image
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    (picture,) = re.findall(r'<figure class="article-photo">.*?</figure>', html, re.S)
    stem = rendered_image.file.url.removesuffix(".jpg")
    assert f'<source type="image/webp" srcset="{stem}/200w.webp 200w, {stem}/400w.webp 400w' in (
        picture
    )
    assert f"{stem}/1600w.jpeg 1600w" in picture
    assert 'width="1600" height="1000"' in picture and 'fetchpriority="high"' in picture
    assert 'loading="lazy"' not in picture
    assert 'The summit <span class="credit">/ Reuters</span>' in picture


def test_until_the_renditions_exist_the_original_is_shown_with_its_size(
    client, article, make_image
):
    article.featured_image = make_image((40, 30), alt="Flags")
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="{article.featured_image.file.url}" width="40" height="30"' in html
    assert "srcset" not in html


def test_body_images_from_the_library_are_lazy_pictures_with_the_credit(
    client, make_article, rendered_image
):
    article = make_article(
        body=f'<p>Intro</p><figure><img src="{rendered_image.file.url}" alt="Flags at dusk" '
        f'data-file="{rendered_image.pk}"><figcaption>Dusk</figcaption></figure>'
        '<p><img src="https://agency.example/a.jpg" alt="Agency"></p>'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    (body,) = re.findall(r'<div class="article-body">(.*?)</div>', html, re.S)
    assert "<picture><source" in body
    assert 'alt="Flags at dusk" loading="lazy"' in body
    assert '<figcaption>Dusk <span class="credit">/ Reuters</span></figcaption>' in body
    assert '<img src="https://agency.example/a.jpg" alt="Agency" loading="lazy">' in body


def test_body_images_cost_one_query_however_many(
    client, make_article, make_image, django_assert_num_queries
):
    images = [make_image((8, 6), alt=f"Image {n}") for n in range(3)]
    body = "".join(f'<img src="{i.file.url}" alt="" data-file="{i.pk}">' for i in images)
    one = make_article(body=body[: body.index(">") + 1])
    three = make_article(body=body)
    client.get("/")  # the sidebar cache
    for article in (one, three):
        client.get(article.get_absolute_url())  # the ContentType and related caches
    # The page's usual 5 queries (test_likes), + 1 for the body's images.
    for article in (one, three):
        with django_assert_num_queries(5 + 1):
            client.get(article.get_absolute_url())


def test_the_reader_page_shows_the_reading_time(client, make_article):
    article = make_article(body="<p>" + "word " * 700 + "</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="reading-time">3 min read</span>' in html


def test_media_files_are_cached_for_a_year(client, make_image):
    image = make_image((8, 6))
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_feed_shows_the_1200_px_rendition(client, article, rendered_image):
    article.featured_image = rendered_image
    article.save()
    xml = client.get("/feed/").content.decode()
    assert rendered_image.file.url.removesuffix(".jpg") + "/1200w.jpeg" in xml


def test_an_image_in_use_cannot_be_deleted_from_under_a_story(article, rendered_image):
    from django.db.models import ProtectedError

    Article.objects.filter(pk=article.pk).update(featured_image=rendered_image)
    with pytest.raises(ProtectedError):
        rendered_image.delete()


def test_images_without_renditions_get_them_from_the_command(
    client, article, make_image, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    article.featured_image = make_image((400, 300), alt="Flags")  # renditions never made
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("image_renditions", stdout=io.StringIO())
    html = client.get(article.get_absolute_url()).content.decode()
    assert article.featured_image.file.url.removesuffix(".jpg") + "/400w.webp 400w" in html
