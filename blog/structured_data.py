"""schema.org NewsArticle data for article pages (JSON-LD), with the wire attribution:
the original as `isBasedOn`, the agency as `sourceOrganization` and copyright holder."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from blog.media import OG_IMAGE_WIDTH, rendition_url
from blog.models import Article

HEADLINE_LENGTH = 110  # longer headlines are ignored by search engines' article results
# The site's mark (static/img/icon.svg) drawn as a square PNG, its side in pixels.
PUBLISHER_LOGO = "img/logo.png"
PUBLISHER_LOGO_SIZE = 512

# What Django's json_script escapes, so the JSON cannot close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _agency(article: Article) -> dict | None:
    if not article.source:
        return None
    agency = {"@type": "NewsMediaOrganization", "name": article.source.name}
    if article.source.homepage:
        agency["url"] = article.source.homepage
    return agency


def article_json_ld(article: Article, *, absolute_url) -> dict:
    """The NewsArticle describing `article`; `absolute_url(path)` makes links absolute.
    Reads article.categories and article.tags (prefetch them)."""
    page_url = absolute_url(article.get_absolute_url())
    agency = _agency(article)
    if article.original_byline:
        author = {"@type": "Person", "name": article.original_byline}
    else:
        author = agency or {"@type": "Organization", "name": settings.SITE_NAME}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "url": page_url,
        "headline": article.title[:HEADLINE_LENGTH],
        "description": article.standfirst,
        "datePublished": article.published_at,
        "dateModified": max(article.updated_at, article.published_at)
        if article.published_at
        else article.updated_at,
        "author": [author],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": absolute_url("/"),
            "logo": {
                "@type": "ImageObject",
                "url": absolute_url(static(PUBLISHER_LOGO)),
                "width": PUBLISHER_LOGO_SIZE,
                "height": PUBLISHER_LOGO_SIZE,
            },
        },
        "articleSection": [category.name for category in article.categories.all()],
        "keywords": [tag.name for tag in article.tags.all()],
        "isAccessibleForFree": True,
    }
    if photo := article.featured_image:
        url, width, height = rendition_url(photo, width=OG_IMAGE_WIDTH)
        image = {"@type": "ImageObject", "url": absolute_url(url), "width": width, "height": height}
        if photo.caption:
            image["caption"] = photo.caption
        if photo.credit:
            image["creditText"] = photo.credit
        data["image"] = [image]
    if article.original_url:
        data["isBasedOn"] = article.original_url
    if agency:
        data["sourceOrganization"] = agency
        data["copyrightHolder"] = agency
    if article.copyright_line:
        data["copyrightNotice"] = article.copyright_line
    return data


def json_ld_script(data: dict) -> SafeString:
    """`data` in a <script type="application/ld+json">, escaped as json_script does."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_ESCAPES)),  # <, > and & are escaped
    )
