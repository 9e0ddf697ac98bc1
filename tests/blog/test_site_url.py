"""SITE_URL is the one source of the site's address: the Site row, feeds, the sitemap,
robots.txt and Akismet take their host and port from it."""

import ast
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.contrib.sites.models import Site

from blog.apps import sync_site_from_settings
from blog.settings import EmailConfig, email_from_url
from tests.blog.test_settings import run_manage

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def served_on_port_8400(db, settings):
    """What `PORT=8400 make run` gives: SITE_URL from HOST and PORT, then `migrate`."""
    settings.SITE_URL = "http://127.0.0.1:8400"
    sync_site_from_settings()
    yield
    Site.objects.clear_cache()  # the row is rolled back; the process cache is not


def test_feeds_link_to_the_port_the_site_is_served_on(client, article, served_on_port_8400):
    feed = feedparser.parse(client.get("/feed/").content)
    assert feed.feed.link == "http://127.0.0.1:8400/"
    assert feed.entries[0].link == f"http://127.0.0.1:8400{article.get_absolute_url()}"


def test_the_sitemap_links_to_the_port_the_site_is_served_on(client, article, served_on_port_8400):
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own sitemap
    sections = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert sections
    assert all(url.startswith("http://127.0.0.1:8400/sitemap-") for url in sections)
    section = ET.fromstring(client.get("/sitemap-articles.xml").content)  # noqa: S314
    assert [loc.text for loc in section.findall("s:url/s:loc", NS)] == [
        f"http://127.0.0.1:8400{article.get_absolute_url()}"
    ]
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8400/sitemap.xml\n" in robots


def settings_of(env, *names):
    """The values of settings as a fresh process started with `env` computes them."""
    code = "from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    result = run_manage(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    return [ast.literal_eval(line) for line in result.stdout.splitlines()]


def test_akismet_is_told_the_site_url_unless_given_another():
    assert settings_of(
        {"SITE_URL": "https://news.example.org/"}, "SITE_URL", "AKISMET_SITE_URL"
    ) == [
        "https://news.example.org",
        "https://news.example.org",
    ]
    assert settings_of(
        {"SITE_URL": "https://news.example.org", "AKISMET_SITE_URL": "https://example.org"},
        "AKISMET_SITE_URL",
    ) == ["https://example.org"]


def test_email_url_sets_each_email_setting():
    names = (
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
    )
    assert settings_of({"EMAIL_URL": "smtp+tls://mailer:p%40ss@mail.example.org:587"}, *names) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        587,
        "mailer",
        "p@ss",
        True,
        False,
    ]


def test_email_url_without_a_server_keeps_djangos_defaults():
    assert email_from_url("console://") == EmailConfig(
        backend="django.core.mail.backends.console.EmailBackend"
    )
    assert email_from_url("file:///var/mail/wirepress").file_path == "/var/mail/wirepress"
