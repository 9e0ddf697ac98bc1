"""Attack: a staff user (or a feed) makes the server fetch an internal address — a pasted
`http://127.0.0.1:…/internal`, a redirect to the cloud metadata service, a feed photo on
the office network — and gets the answer stored as a draft. Also: a server trickling one
byte at a time held a fetch long past its deadline."""

import socket
import threading
import time

import pytest
from django.urls import reverse

from blog.models import Article
from blog.wire import FetchError, fetch, pasted_story_extract, photo_download

INTERNAL_PAGE = "<html><body><h1>Internal admin</h1><p>db password: hunter2</p></body></html>"


@pytest.fixture
def no_private_hosts(settings, monkeypatch):
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = []
    # Should a check ever be missing, fail here instead of sending a packet anywhere but
    # loopback.
    from urllib3.util import connection

    real_connect = connection.create_connection

    def loopback_only(address, *args, **kwargs):
        assert address[0] in {"127.0.0.1", "::1", "localhost"}, f"tried to reach {address}"
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", loopback_only)


@pytest.fixture
def internal(feed_server):
    feed_server.expect_request("/internal").respond_with_data(
        INTERNAL_PAGE, content_type="text/html"
    )
    return feed_server


def refusal(url: str) -> str:
    with pytest.raises(FetchError) as refused:
        fetch(url, max_bytes=100_000)
    return str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_and_special_addresses_are_refused_before_connecting(no_private_hosts, url):
    assert "private address" in refusal(url)


def test_loopback_by_address_and_by_name_is_refused(no_private_hosts, internal):
    assert "private address" in refusal(internal.url_for("/internal"))
    assert "private address" in refusal(
        internal.url_for("/internal").replace("127.0.0.1", "localhost")
    )
    assert internal.log == []  # nothing reached the internal server


def test_a_redirect_to_the_metadata_service_is_refused(settings, feed_server):
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]  # the "agency" itself is allowed
    feed_server.expect_request("/story").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    assert "169.254.169.254 is a private address" in refusal(feed_server.url_for("/story"))


def test_the_allow_list_admits_a_named_network(settings, internal):
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.0/8"]
    assert b"Internal admin" in fetch(internal.url_for("/internal"), max_bytes=100_000).content


@pytest.mark.django_db
def test_paste_by_url_does_not_turn_an_internal_page_into_a_draft(
    client, editor, unian, no_private_hosts, internal
):
    client.force_login(editor)
    response = client.post(
        reverse("admin:blog_article_paste"),
        {"source": unian.pk, "url": internal.url_for("/internal"), "text": ""},
    )

    assert response.status_code == 200
    assert "private address" in response.content.decode()
    assert not Article.objects.exists()
    assert internal.log == []


def test_a_feed_photo_on_a_private_address_is_not_downloaded(no_private_hosts):
    with pytest.raises(FetchError, match="private address"):
        photo_download("http://10.1.2.3/photo.jpg")


def test_paste_extract_refuses_private_addresses(no_private_hosts):
    with pytest.raises(FetchError, match="private address"):
        pasted_story_extract(url="http://192.168.0.10/story")


class TricklingServer:
    """Sends an HTTP answer of 60 bytes, one byte every 50 ms (3 s in all)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        connection, _ = self.listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
            try:
                for _ in range(60):
                    time.sleep(0.05)
                    connection.sendall(b"x")
            except OSError:
                return  # the client hung up: it stopped waiting, as it should
            self.finished.set()


def test_the_deadline_holds_inside_a_trickling_read(settings):
    settings.WIRE_FETCH_TIMEOUT = 1
    server = TricklingServer()

    with pytest.raises(FetchError, match="timed out"):
        fetch(f"http://127.0.0.1:{server.port}/slow", max_bytes=100_000)

    # The reader gave up while the server was still sending, not after the last byte.
    assert not server.finished.is_set()
    server.thread.join(5)
    server.listener.close()
