"""Publishing fixtures: wire feeds served over real HTTP on 127.0.0.1, sources and feeds."""

from pathlib import Path

import pytest

from blog.models import Category, Source, SourceFeed

FEEDS = Path(__file__).parent / "feeds"


@pytest.fixture
def wire_settings(settings):
    # Short limits keep the timeout and size tests fast; photos referenced, not downloaded.
    settings.WIRE_FETCH_TIMEOUT = 0.5
    settings.WIRE_MAX_FEED_BYTES = 200_000
    settings.WIRE_DOWNLOAD_IMAGES = False
    return settings


@pytest.fixture
def serve(feed_server, wire_settings):
    """serve(path, fixture file name or bytes, ...) -> the URL it is served at."""

    def serve(path, body, content_type="application/rss+xml; charset=utf-8", **response):
        if isinstance(body, str):
            body = (FEEDS / body).read_bytes()
        feed_server.expect_request(path).respond_with_data(
            body, content_type=content_type, **response
        )
        return feed_server.url_for(path)

    return serve


@pytest.fixture
def world(db):
    return Category.objects.create(name="World", slug="world")


@pytest.fixture
def add_feed(unian):
    def add(url, source=None, **fields):
        return SourceFeed.objects.create(source=source or unian, url=url, **fields)

    return add


@pytest.fixture
def make_source(db):
    def make(name, **fields):
        return Source.objects.create(name=name, slug=name.lower(), **fields)

    return make
