"""`{% load media %}`: responsive markup of library images on the reader's pages."""

from django import template
from django.utils.safestring import mark_safe

from blog import media
from blog.models import Image

register = template.Library()


@register.simple_tag
def featured_picture(article):
    """The featured photo: the page's largest image (its LCP), so never lazy, and fetched
    first."""
    image = article.featured_image
    return mark_safe(  # noqa: S308 - picture_html escapes every value it writes
        media.picture_html(image, alt=image.alt, sizes=media.BODY_SIZES, lazy=False, priority=True)
    )


@register.simple_tag
def share_image(article):
    """(url, width, height) of the featured photo's 1200 px JPEG, for og:image and JSON-LD."""
    return media.rendition_url(article.featured_image, width=media.OG_IMAGE_WIDTH)


@register.filter
def article_body(article):
    """The body with library images as responsive `<picture>`s (one query when it has any)."""
    ids = media.body_image_ids(article.body)
    images = Image.objects.in_bulk(ids) if ids else {}
    return mark_safe(media.body_render(article.body, images))  # noqa: S308 - sanitized on save
