"""Each uploaded article photo becomes a media-library image with the article's
description, caption and credit; the file stays where it is (its URL keeps working).
`manage.py image_renditions` then queues their renditions (README "Editors")."""

from django.db import migrations


def photos_to_library(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    Image = apps.get_model("blog", "Image")
    for article in Article.objects.exclude(photo="").filter(featured_image__isnull=True):
        article.featured_image = Image.objects.create(
            file=article.photo.name,
            width=article.photo_width or 0,
            height=article.photo_height or 0,
            alt=article.photo_alt,
            caption=article.photo_caption,
            credit=article.photo_credit,
            uploaded_by_id=article.author_id,
            uploaded_at=article.created_at,
        )
        article.save(update_fields=["featured_image"])


def library_to_photos(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    for article in Article.objects.filter(featured_image__isnull=False).select_related(
        "featured_image"
    ):
        image = article.featured_image
        # update(): assigning the file would make Django open it for its dimensions.
        Article.objects.filter(pk=article.pk).update(
            photo=image.file.name,
            photo_width=image.width,
            photo_height=image.height,
            photo_alt=article.photo_alt or image.alt,
            photo_caption=article.photo_caption or image.caption,
            photo_credit=article.photo_credit or image.credit,
            featured_image=None,
        )


class Migration(migrations.Migration):
    dependencies = [("blog", "0006_media_library")]

    operations = [migrations.RunPython(photos_to_library, library_to_photos)]
