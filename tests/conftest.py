"""Shared fixtures: people (editor, reader, stranger), articles, and a real browser."""

import os
import shutil

import pytest
from django.utils import timezone

from blog.models import Article, Source

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# tests around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _test_environment(settings, tmp_path):
    # Tests run without `collectstatic`, and keep uploads out of the project folder.
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Local-memory caches outlive the settings change: start every test with an empty one.
    from django.core.cache import cache

    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@example.org", "editor-password", is_staff=True, is_superuser=True
    )


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user(
        "reader", "reader@example.org", "reader-password", first_name="Rita", last_name="Reader"
    )


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user(
        "stranger", "stranger@example.org", "stranger-password"
    )


@pytest.fixture
def unian(db):
    return Source.objects.create(
        name="UNIAN",
        slug="unian",
        homepage="https://www.unian.info/",
        copyright_notice="(C)UNIAN {year}",
    )


@pytest.fixture
def make_article(db, unian):
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        defaults = {
            "title": f"Story number {n}",
            "slug": f"story-{n}",
            "standfirst": f"What happened in story {n}.",
            "body": f"<p>Body of story {n}.</p>",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timezone.timedelta(hours=n),
            "source": unian,
        }
        defaults.update(fields)
        return Article.objects.create(**defaults)

    return make


@pytest.fixture
def article(make_article):
    return make_article(
        title="NATO-Russia Relations Reached Bottom – Stoltenberg",
        slug="nato-russia-relations",
        original_url="https://www.unian.info/world/nato-russia.html",
        original_byline="UNIAN correspondent",
        photo_credit="Reuters",
        photo_caption="Jens Stoltenberg",
    )


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return Article.objects.get(slug="nato-russia-relations-reached-bottom-stoltenberg")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test`, which installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
