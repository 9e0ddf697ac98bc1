"""Responsive images: what a phone and a desktop download for a featured photo uploaded as
a 4000×2667 JPEG, against the original, and how long its renditions take to make.

The photo is the demo's, tiled at its own scale to a camera's size (so that every rendition
keeps a photograph's detail) with a light film grain, saved at quality 90 as cameras do. The download is what a
browser picks from the reader page's markup (blog.media.picture_html): the first source
type it supports (Chromium, Firefox and Safari 16+ take AVIF), and in it the narrowest
rendition at least as wide as the image's slot in CSS pixels times the screen's density
(the sizes attribute says how wide the slot is).
"""

import statistics
import tempfile
import time
from io import BytesIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image as PillowImage
from PIL import ImageChops

from blog import media
from blog.models import Image

SIZE = (4000, 2667)
REPEAT = 3
GRAIN = 6  # standard deviation of the film grain
DEVICES = [
    # name, viewport width (CSS px), device pixel ratio
    ("Phone 390 px, DPR 3", 390, 3),
    ("Desktop 1280 px, DPR 1", 1280, 1),
]
TARGET = 1 / 8  # of the original's bytes, for the phone
DEMO_PHOTO = Path(__file__).resolve().parent.parent / "blog" / "demo" / "press-conference.jpg"


def camera_jpeg() -> bytes:
    photo = PillowImage.new("RGB", SIZE)
    with PillowImage.open(DEMO_PHOTO) as demo:
        tile = demo.convert("RGB")
        for x in range(0, SIZE[0], tile.width):
            for y in range(0, SIZE[1], tile.height):
                photo.paste(tile, (x, y))
    grain = PillowImage.effect_noise(SIZE, GRAIN).convert("RGB")
    photo = ImageChops.add(photo, grain, scale=1.0, offset=-GRAIN)
    buffer = BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def slot_width(viewport: int) -> int:
    """The image's width in CSS pixels, as media.BODY_SIZES tells the browser."""
    return viewport - 32 if viewport <= 704 else 672


def picked(by_width: dict[int, str], needed: int) -> int:
    """The rendition width a browser downloads: the narrowest at least `needed` wide."""
    return next((w for w in sorted(by_width) if w >= needed), max(by_width))


def run() -> None:
    original = camera_jpeg()
    with (
        tempfile.TemporaryDirectory(prefix="wirepress-bench-media-") as folder,
        override_settings(MEDIA_ROOT=folder, MEDIA_MAX_UPLOAD_BYTES=len(original) * 2),
    ):
        # Renditions are made below, timed; not by the tasks worker.
        with override_settings(PICTURES={**_pictures(), "PROCESSOR": "pictures.tasks.noop"}):
            started = time.perf_counter()
            image = media.image_create(
                upload=SimpleUploadedFile("camera.jpg", original), alt="Bench photo"
            )
            checked = time.perf_counter() - started
        timings = {}
        for _ in range(REPEAT):
            for file_type, seconds in _make_renditions(image).items():
                timings.setdefault(file_type, []).append(seconds)
        Image.objects.filter(pk=image.pk).update(renditions_of=image.file.name)
        image.refresh_from_db()
        sources = media.renditions(image)
        storage = image.file.storage

        print(f"Responsive images: a {SIZE[0]}×{SIZE[1]} JPEG featured photo")
        print(f"{'':28} {'downloads':>22} {'bytes':>10} {'of original':>12}")
        print(f"{'Original (before)':28} {'camera.jpg':>22} {len(original):>10,} {'100 %':>12}")
        for name, viewport, density in DEVICES:
            needed = slot_width(viewport) * density
            for file_type in sources:
                width = picked(sources[file_type], needed)
                path = storage.path(sources[file_type][width].removeprefix(storage.base_url))
                size = Path(path).stat().st_size
                share = size / len(original)
                label = f"{width}w.{file_type.lower()}"
                mark = ""
                if density == 3 and file_type == next(iter(sources)):
                    mark = "  target ≤ 12.5 %: " + ("met" if share <= TARGET else "MISSED")
                print(f"{name + ' ' + file_type:28} {label:>22} {size:>10,} {share:>11.1%}{mark}")
        print()
        print(
            f"Upload checks (verify, decode, EXIF) and storing: {checked * 1000:,.0f} ms; "
            f"renditions ({len(image.file.get_picture_files_list())} files, median of {REPEAT}):"
        )
        for file_type, seconds in timings.items():
            print(f"  {file_type:5} {statistics.median(seconds) * 1000:>8,.0f} ms")
        total = sum(statistics.median(seconds) for seconds in timings.values())
        print(f"  total {total * 1000:>8,.0f} ms (in the tasks worker, not the editor's request)")


def _pictures() -> dict:
    from django.conf import settings

    return settings.PICTURES


def _make_renditions(image) -> dict[str, float]:
    """Seconds to make each format's renditions, as the worker does (one decode of the
    original, then each size)."""
    from pictures.models import PillowPicture

    with image.file.open() as handle, PillowImage.open(handle) as opened:
        prepared = PillowPicture.pre_process(opened)
        seconds = {}
        for file_type, by_width in image.file.aspect_ratios[None].items():
            started = time.perf_counter()
            for picture in by_width.values():
                picture.save(prepared)
            seconds[file_type] = time.perf_counter() - started
    return seconds
