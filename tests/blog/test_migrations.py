"""The move of article photos into the media library (migrations 0006-0008)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("blog", "0006_media_library")
AFTER = ("blog", "0007_move_article_photos_to_library")


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def at_0006(transactional_db):
    apps = migrate_to(BEFORE)
    yield apps
    call_command("migrate", verbosity=0)


def test_article_photos_move_into_the_library_losing_nothing(at_0006, django_user_model):
    Article = at_0006.get_model("blog", "Article")
    User = at_0006.get_model("auth", "User")
    editor = User.objects.create(username="editor")
    created = datetime.datetime(2021, 10, 21, 14, 30, tzinfo=datetime.UTC)
    with_photo = Article.objects.create(
        title="With a photo",
        slug="with-a-photo",
        author=editor,
        photo="photos/2021/10/stoltenberg.jpg",
        photo_width=1200,
        photo_height=675,
        photo_alt="Jens Stoltenberg at a lectern",
        photo_caption="Relations have reached bottom",
        photo_credit="Reuters",
        photo_url="https://images.unian.info/stoltenberg.jpg",
    )
    Article.objects.filter(pk=with_photo.pk).update(created_at=created)
    Article.objects.create(title="Without", slug="without", photo_caption="Agency caption")

    apps = migrate_to(AFTER)

    Article = apps.get_model("blog", "Article")
    moved = Article.objects.select_related("featured_image").get(slug="with-a-photo")
    image = moved.featured_image
    assert image.file.name == "photos/2021/10/stoltenberg.jpg"  # the file stays put
    assert (image.width, image.height) == (1200, 675)
    assert image.alt == "Jens Stoltenberg at a lectern"
    assert (image.caption, image.credit) == ("Relations have reached bottom", "Reuters")
    assert (image.uploaded_by.username, image.uploaded_at) == ("editor", created)
    assert moved.photo_url == "https://images.unian.info/stoltenberg.jpg"
    untouched = Article.objects.get(slug="without")
    assert untouched.featured_image is None and untouched.photo_caption == "Agency caption"
    assert apps.get_model("blog", "Image").objects.count() == 1


def test_the_move_can_be_undone(at_0006):
    Article = at_0006.get_model("blog", "Article")
    Article.objects.create(
        title="T", slug="t", photo="photos/a.jpg", photo_width=4, photo_height=3, photo_alt="A"
    )
    migrate_to(AFTER)

    apps = migrate_to(BEFORE)

    article = apps.get_model("blog", "Article").objects.get()
    assert (article.photo.name, article.photo_width, article.photo_alt) == ("photos/a.jpg", 4, "A")
    assert article.featured_image_id is None
