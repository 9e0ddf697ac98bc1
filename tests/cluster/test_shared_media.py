"""Uploaded media live in object storage shared by every node (django-storages' S3
backend, against moto's S3 server on loopback): an image uploaded on node 1 and its
renditions are served to a reader of node 2, and nothing is left on node 1's disk."""

import re

import pytest
import requests
from django.test import Client

from blog.models import Image
from tests.blog.test_media import jpeg, upload
from tests.conftest import free_port


@pytest.fixture
def node_1(settings, tmp_path, shared_bucket):
    settings.MEDIA_ROOT = tmp_path / "node-1" / "media"
    return settings


def switch_to_node_2(settings, tmp_path):
    """Another machine: its own (empty) disk, the same database, cache and bucket."""
    settings.MEDIA_ROOT = tmp_path / "node-2" / "media"


def fetch(url: str) -> requests.Response:
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    return response


def test_an_image_uploaded_on_node_1_is_served_with_its_renditions_by_node_2(
    node_1, tmp_path, editor, article, django_capture_on_commit_callbacks
):
    desk = Client()
    desk.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's renditions
        uploaded = desk.post(
            "/admin/blog/image/add/",
            {"file": upload(jpeg((1600, 1000))), "alt": "Flags", "credit": "Reuters"},
        )
    assert uploaded.status_code == 302
    image = Image.objects.get()
    article.featured_image = image
    article.save()

    switch_to_node_2(node_1, tmp_path)
    page = Client().get(article.get_absolute_url()).content.decode()

    (photo,) = re.findall(r'<figure class="article-photo">.*?</figure>', page, re.S)
    original = fetch(image.file.url)
    assert image.file.url.startswith(
        f"{node_1.AWS_S3_ENDPOINT_URL}/{node_1.AWS_STORAGE_BUCKET_NAME}/"
    )
    assert original.headers["Content-Type"] == "image/jpeg"
    assert original.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    renditions = re.findall(r"(http://\S+?/\d+w\.(?:webp|jpeg|avif))", photo)
    assert len(renditions) >= 16  # 200 to 1600 px, WebP and JPEG (and AVIF where Pillow can)
    for url in renditions:
        assert fetch(url).content.startswith((b"RIFF", b"\xff\xd8", b"\x00\x00\x00"))
    assert not (tmp_path / "node-1").exists()


def test_a_node_that_cannot_reach_the_storage_reports_unhealthy(node_1, db):
    node_1.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    node_1.STORAGES = {**node_1.STORAGES}  # a new storage object, with the new endpoint

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("failed: ")
