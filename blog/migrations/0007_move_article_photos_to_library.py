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
        article.photo = image.file.name
        article.photo_width, article.photo_height = image.width, image.height
        article.photo_alt = article.photo_alt or image.alt
        article.photo_caption = article.photo_caption or image.caption
        article.photo_credit = article.photo_credit or image.credit
        article.featured_image = None
        article.save(
            update_fields=[
                "photo",
                "photo_width",
                "photo_height",
                "photo_alt",
                "photo_caption",
                "photo_credit",
                "featured_image",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("blog", "0006_media_library")]

    operations = [migrations.RunPython(photos_to_library, library_to_photos)]
