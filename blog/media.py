"""The media library's services: checking an upload, storing it under a name that never
serves other content, its renditions (django-pictures), and the responsive markup of the
featured photo and of the images in an article body.

Images in a body are stored as the editor writes them, `<img src=… alt=… data-file=ID>`
inside a `<figure>`; the `<picture>` with its renditions is made at display time, so a
change of sizes or formats never needs the bodies rewritten.
"""

import hashlib
import re
import warnings
from html import escape
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image as PillowImage
from PIL import ImageOps

from blog.models import Image

# Pillow's format name -> the file extension the library stores it under.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif", "GIF": "gif"}
ALLOWED_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"]
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112

# The article column (static/css/site.css) is at most 42rem (672 px) wide, with 1rem of
# margin each side on narrower screens: the width the browser picks renditions for.
BODY_SIZES = "(max-width: 704px) calc(100vw - 2rem), 672px"
OG_IMAGE_WIDTH = 1200


# --- Checking uploads ---------------------------------------------------------------------


def image_upload_clean(upload) -> ContentFile:
    """The uploaded file, checked and made safe to publish: real image content of an
    allowed type, within the size and pixel limits, turned upright, without GPS position.
    Raises ValidationError with a message for the editor."""
    if upload.size > settings.MEDIA_MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the limit is "
            f"{filesizeformat(settings.MEDIA_MAX_UPLOAD_BYTES)}. Export a smaller copy "
            "(3000 pixels wide is plenty)."
        )
    upload.seek(0)
    data = upload.read()
    with warnings.catch_warnings():
        # Pillow only warns at first about huge images ("decompression bombs").
        warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
        try:
            with PillowImage.open(BytesIO(data)) as probe:
                image_format, (width, height) = probe.format, probe.size
                if width * height > settings.MEDIA_MAX_PIXELS:
                    raise ValidationError(
                        f"The image has too many pixels ({width}×{height}; at most "
                        f"{settings.MEDIA_MAX_PIXELS:,} in all): export a smaller copy."
                    )
                probe.verify()
            if image_format in ALLOWED_FORMATS:
                # verify() reads the structure; decoding finds truncated pixel data.
                with PillowImage.open(BytesIO(data)) as decoded:
                    decoded.load()
        except ValidationError:
            raise
        except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
            raise ValidationError(
                "The image has too many pixels to be processed: export a smaller copy."
            ) from None
        except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError...)
            raise ValidationError(
                "This file is not an image, or it is damaged: upload a JPEG, PNG, WebP, "
                "AVIF or GIF."
            ) from None
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            f"{image_format or 'This'} images are not accepted: upload a JPEG, PNG, WebP, "
            "AVIF or GIF."
        )
    data = _upright_without_gps(data, image_format)
    # The content's hash in the name: a URL always serves the same bytes, so media (and the
    # renditions named after it) can be cached for a year.
    stem = slugify(PurePosixPath(upload.name or "").stem)[:60] or "image"
    digest = hashlib.sha256(data).hexdigest()[:12]
    return ContentFile(data, name=f"{stem}-{digest}.{ALLOWED_FORMATS[image_format]}")


def _upright_without_gps(data: bytes, image_format: str) -> bytes:
    """`data` re-encoded when its EXIF holds a GPS position or a rotation; else untouched
    (no quality lost, animations kept)."""
    with PillowImage.open(BytesIO(data)) as image:
        exif = image.getexif()
        if _GPS_IFD not in exif and exif.get(_ORIENTATION, 1) == 1:
            return data
        upright = ImageOps.exif_transpose(image)
        exif.pop(_GPS_IFD, None)
        exif.pop(_ORIENTATION, None)
        options = {"exif": exif.tobytes()}
        if image_format == "JPEG":
            options.update(quality=90, subsampling="keep" if upright is image else 0)
        if icc := image.info.get("icc_profile"):
            options["icc_profile"] = icc
        out = BytesIO()
        upright.save(out, format=image_format, **options)
        return out.getvalue()


def image_create(
    *,
    upload,
    alt: str = "",
    caption: str = "",
    credit: str = "",
    source_note: str = "",
    uploaded_by=None,
) -> Image:
    """A library image from a file (an upload, the demo's photo, a downloaded wire photo),
    checked like an editor's upload; raises ValidationError."""
    image = Image(
        alt=alt, caption=caption, credit=credit, source_note=source_note, uploaded_by=uploaded_by
    )
    image.file = image_upload_clean(upload)
    # In a transaction: the renditions are queued on commit, when the row exists.
    with transaction.atomic():
        image.save()
    return image


def image_from_wire_photo(photo, *, article) -> Image:
    """A wire story's downloaded photo as a library image, with the feed's caption and
    credit, attributed to the agency."""
    return image_create(
        upload=photo,
        alt=article.photo_alt or article.photo_caption[:300],
        caption=article.photo_caption,
        credit=article.photo_credit,
        source_note=f"From {article.source}'s feed: {article.photo_url}"
        if article.source_id
        else "",
    )


# --- Renditions ---------------------------------------------------------------------------


def renditions(image) -> dict[str, dict[int, str]]:
    """{format: {width: url}} of `image`'s renditions, or {} until the worker made them."""
    if not image.file or image.renditions_of != image.file.name:
        return {}
    sources = image.file.aspect_ratios[None]
    return {
        file_type: {width: picture.url for width, picture in sorted(by_width.items())}
        for file_type, by_width in sources.items()
        if by_width
    }


def rendition_url(image, *, width: int, file_type: str = "JPEG") -> tuple[str, int, int]:
    """(url, width, height) of the smallest `file_type` rendition at least `width` wide (the
    largest there is when none is), or of the original while there are no renditions."""
    by_width = renditions(image).get(file_type)
    if not by_width:
        return image.file.url, image.width, image.height
    chosen = next((w for w in by_width if w >= width), max(by_width))
    return by_width[chosen], chosen, round(image.height * chosen / image.width)


def picture_html(image, *, alt: str, sizes: str, lazy: bool, priority: bool = False) -> str:
    """A `<picture>` of AVIF/WebP sources and a JPEG fallback (a plain `<img>` of the
    original until the renditions exist), with width and height always set."""
    attrs = {"width": image.width, "height": image.height, "alt": alt}
    if lazy:
        attrs["loading"] = "lazy"
    if priority:
        attrs["fetchpriority"] = "high"
    attrs["decoding"] = "async"
    sources = renditions(image)
    fallback = sources.pop("JPEG", None)
    if not fallback:
        attrs = {"src": image.file.url, **attrs}
        return f"<img{_attributes(attrs)}>"
    attrs = {
        "src": rendition_url(image, width=800)[0],
        "srcset": _srcset(fallback),
        "sizes": sizes,
        **attrs,
    }
    parts = [
        f'<source type="image/{file_type.lower()}" srcset="{_srcset(by_width)}" '
        f'sizes="{escape(sizes)}">'
        for file_type, by_width in sources.items()
    ]
    return f"<picture>{''.join(parts)}<img{_attributes(attrs)}></picture>"


def _srcset(by_width: dict[int, str]) -> str:
    return escape(", ".join(f"{url} {width}w" for width, url in by_width.items()))


def _attributes(attrs: dict) -> str:
    return "".join(f' {name}="{escape(str(value))}"' for name, value in attrs.items())


# --- Article bodies -----------------------------------------------------------------------

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'\b([a-z-]+)="([^"]*)"')
_FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.DOTALL)
_FIGCAPTION_END = "</figcaption>"


def body_image_ids(html: str) -> set[int]:
    """IDs of the library images a (sanitized) body shows."""
    ids = set()
    for match in _IMG.finditer(html):
        file_id = dict(_ATTRIBUTE.findall(match.group(1))).get("data-file", "")
        if file_id.isdigit():
            ids.add(int(file_id))
    return ids


def body_images_without_description(html: str) -> list[str]:
    """The body's images that readers who cannot see them would miss: no alt text in the
    body, and (for library images) none in the library either. Returns their file names."""
    missing, library = [], {}
    ids = body_image_ids(html)
    if ids:
        library = Image.objects.in_bulk(ids)
    for match in _IMG.finditer(html):
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        if attrs.get("alt", "").strip():
            continue
        file_id = attrs.get("data-file", "")
        image = library.get(int(file_id)) if file_id.isdigit() else None
        if image is not None and image.alt.strip():
            continue
        source = image.file.name if image is not None else attrs.get("src", "an image")
        missing.append(source.rsplit("/", 1)[-1])
    return missing


def body_render(html: str, images: dict) -> str:
    """The sanitized body `html` as readers get it: library images as `<picture>` with
    renditions and the library's credit after the caption; every image lazy and unable to
    overflow (the CSS sees to that). `images` maps IDs to Image instances."""

    def figure(match: re.Match) -> str:
        inner = match.group(1)
        image = _library_image(inner, images)
        if image is None or not (image.caption or image.credit):
            return match.group(0)
        credit = f' <span class="credit">/ {escape(image.credit)}</span>' if image.credit else ""
        if _FIGCAPTION_END in inner:
            inner = inner.replace(_FIGCAPTION_END, credit + _FIGCAPTION_END, 1)
        else:
            inner += f"<figcaption>{escape(image.caption)}{credit}</figcaption>"
        return f"<figure>{inner}</figure>"

    def img(match: re.Match) -> str:
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        image = _library_image(match.group(0), images)
        if image is None:
            attrs.setdefault("loading", "lazy")
            return f"<img{_attributes({k: _unescape(v) for k, v in attrs.items()})}>"
        alt = _unescape(attrs.get("alt", "")) or image.alt
        return picture_html(image, alt=alt, sizes=BODY_SIZES, lazy=True)

    return _IMG.sub(img, _FIGURE.sub(figure, html))


def _library_image(html: str, images: dict):
    match = _IMG.search(html)
    if not match:
        return None
    file_id = dict(_ATTRIBUTE.findall(match.group(1))).get("data-file", "")
    return images.get(int(file_id)) if file_id.isdigit() else None


def _unescape(value: str) -> str:
    # nh3 escapes attribute values; _attributes escapes them again.
    return (value.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")).replace(
        "&amp;", "&"
    )
