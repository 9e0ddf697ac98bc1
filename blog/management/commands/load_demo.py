"""Load the demo article (the scraped WordPress.com reference page the project is built to match) and its comments. Safe to run again."""

import datetime
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction

from blog.media import image_create
from blog.models import Article, Category, Source, Tag
from comments.demo import load_demo_discussion

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

ARTICLE = {
    "slug": "nato-russia-relations-reached-bottom-stoltenberg",
    "title": "NATO-Russia Relations Reached Bottom – Stoltenberg",
    "standfirst": "The alliance remains open to dialogue with the Russian Federation, "
    "the secretary general noted.",
    "published_at": datetime.datetime(2021, 10, 21, 14, 30, tzinfo=datetime.UTC),
    # The scraped page does not carry the original's address; this points at the
    # agency's English edition.
    "original_url": "https://www.unian.info/world",
    "original_byline": "UNIAN correspondent, Brussels",
}
PHOTO = {
    "caption": "Relations between NATO and Russia have reached “bottom”, Jens Stoltenberg shares",
    "credit": "Reuters",
    "alt": "Illustration of a press conference in front of a row of flags "
    "(stands in for the Reuters photo of Jens Stoltenberg)",
}


class Command(BaseCommand):
    help = "Create the demo article (the reference page) with its comments, reply and likes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load the demo when the site has no articles yet (what `make run` does).",
        )

    @transaction.atomic
    def handle(self, *args, if_empty=False, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("The site has articles already: demo not loaded.")
            return
        unian, _ = Source.objects.get_or_create(
            slug="unian",
            defaults={
                "name": "UNIAN",
                "homepage": "https://www.unian.info/",
                "copyright_notice": "(C)UNIAN {year}",
                "licence_note": "Republished with attribution and a link to the original.",
            },
        )
        article, created = Article.objects.get_or_create(
            slug=ARTICLE["slug"],
            defaults={
                **{key: value for key, value in ARTICLE.items() if key != "slug"},
                "body": (DEMO_DIR / "article.html").read_text(encoding="utf-8"),
                "status": Article.Status.PUBLISHED,
                "source": unian,
            },
        )
        if created:
            with open(DEMO_DIR / "press-conference.jpg", "rb") as photo:
                article.featured_image = image_create(
                    upload=File(photo, name="stoltenberg-press-conference.jpg"), **PHOTO
                )
            article.save(update_fields=["featured_image"])
            world, _ = Category.objects.get_or_create(slug="world", defaults={"name": "World"})
            nato, _ = Tag.objects.get_or_create(slug="nato", defaults={"name": "NATO"})
            russia, _ = Tag.objects.get_or_create(slug="russia", defaults={"name": "Russia"})
            article.categories.add(world)
            article.tags.add(nato, russia)
        comments = load_demo_discussion(article)
        self.stdout.write(
            f"Demo article {'created' if created else 'already there'}: "
            f"{article.get_absolute_url()} ({comments} comments)"
        )
