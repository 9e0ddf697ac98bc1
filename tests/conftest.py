"""Shared fixtures: people (editor, reader, stranger), articles, and a real browser."""

import email
import email.policy
import io
import os
import shutil
import socket
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PillowImage

from blog.media import image_create
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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A `replica` database alias, as DATABASE_REPLICA_URL gives one, that is a TEST MIRROR
    of the test database: the same server and database under another connection. A real
    replica would need a second server kept in sync (streaming or logical replication),
    which a test run cannot start; what the tests check is where each query goes (the
    router, the read-your-own-writes cookie), and a mirror shows that per connection."""
    import copy

    from django.conf import settings
    from django.db import connections

    replica = copy.deepcopy(connections["default"].settings_dict)
    replica["TEST"]["MIRROR"] = "default"
    settings.DATABASES["replica"] = connections.settings["replica"] = replica


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
    # Tests post forms the moment they build them, many times from 127.0.0.1: the form
    # timing and rate limits are off unless a test turns them on (tests/comments/ does).
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    settings.COMMENTS_RATE_PER_IP = 0
    settings.COMMENTS_RATE_PER_AUTHOR = 0
    settings.COMMENTS_FOLLOW_RATE_PER_IP = 0
    settings.AKISMET_API_KEY = ""
    from django.core.cache import cache

    cache.clear()  # local-memory caches outlive a test
    # Background tasks run at once, inside the request (tests of retries use the dummy one).
    # django_tasks forgets its configured backends on a TASKS change once this is imported.
    import django_tasks.signals  # noqa: F401

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "http://testserver"
    # Pages are rendered afresh for each request; tests/blog/test_page_cache.py turns the
    # page cache on.
    settings.PAGE_CACHE_SECONDS = 0
    # Comments and likes reach other readers of a cached page at once; the lag (up to
    # PAGE_DISCUSSION_LAG_SECONDS late) has tests of its own.
    settings.PAGE_DISCUSSION_LAG_SECONDS = 0
    # Test feeds and pages are served on loopback (pytest-httpserver); tests of the address
    # checks clear this.
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1", "localhost"]


def _with_verified_email(user):
    """Sign-up confirms the address before anyone signs in (ACCOUNT_EMAIL_VERIFICATION)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def editor(django_user_model):
    return _with_verified_email(
        django_user_model.objects.create_user(
            "editor", "editor@example.org", "editor-password", is_staff=True, is_superuser=True
        )
    )


@pytest.fixture
def reader(django_user_model):
    return _with_verified_email(
        django_user_model.objects.create_user(
            "reader", "reader@example.org", "reader-password", first_name="Rita", last_name="Reader"
        )
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
def make_image(db):
    """A media-library image of `size` pixels, uploaded as an editor would."""

    def make(size=(1200, 675), *, image_format="JPEG", name="photo.jpg", **fields):
        buffer = io.BytesIO()
        PillowImage.new("RGB", size, "navy").save(buffer, image_format)
        return image_create(upload=SimpleUploadedFile(name, buffer.getvalue()), **fields)

    return make


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return Article.objects.get(slug="nato-russia-relations-reached-bottom-stoltenberg")


@pytest.fixture(scope="session")
def _feed_server():
    from pytest_httpserver import HTTPServer

    # Threaded, so a feed that never answers does not hold up the others in a run.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def feed_server(_feed_server):
    """A real HTTP server on 127.0.0.1 serving wire feeds (pytest-httpserver)."""
    _feed_server.clear()
    yield _feed_server
    _feed_server.clear()


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


# --- A real SMTP server on loopback (aiosmtpd) --------------------------------------------


class SMTPSink:
    """Records what it receives. `refuse` maps addresses to the reply their RCPT gets
    (e.g. "550 5.1.1 No such user"); `stop()` / `start()` take the server down and back."""

    def __init__(self, port):
        self.port = port
        self.messages = []
        self.connections = 0
        self.refuse = {}
        self.controller = None
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self._lock:
            self.connections += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_recipients = list(envelope.rcpt_tos)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.controller = None

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_recipients]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Email goes over SMTP to a server on 127.0.0.1, which records each message."""
    sink = SMTPSink(free_port())
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield sink
    if sink.controller is not None:
        sink.stop()


@pytest.fixture
def make_staff(db, django_user_model):
    """make_staff("Contributor" | "Author" | "Editor", username) -> a staff member in that
    newsroom role. The groups are created by a migration; a test with a live server starts
    from a flushed database, so the migration's definition is applied again when needed."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    roles = importlib.import_module("blog.migrations.0021_newsroom_roles").ROLES

    def group(role):
        group, created = Group.objects.get_or_create(name=role)
        if created:
            for perm in roles[role]:
                app_label, codename = perm.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
        return group

    def make(role, username=None):
        username = username or role.lower()
        user = _with_verified_email(
            django_user_model.objects.create_user(
                username,
                f"{username}@example.org",
                f"{username}-password",
                first_name=username.capitalize(),
                is_staff=True,
            )
        )
        user.groups.add(group(role))
        return user

    return make


@pytest.fixture
def contributor(make_staff):
    return make_staff("Contributor")


@pytest.fixture
def author(make_staff):
    return make_staff("Author")


@pytest.fixture
def newsroom_editor(make_staff):
    return make_staff("Editor", "desk")
