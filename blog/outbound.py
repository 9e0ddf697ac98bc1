"""Requests to addresses that editors and feeds choose: wire feeds, pasted story URLs, feed
photos. Such an address must never reach this machine or its network (a pasted
``http://127.0.0.1:…/internal`` came back as a draft body): every hop, redirects included,
is resolved, checked and then connected to at the address that was checked, so a DNS answer
cannot change between the check and the connection. Loopback, private, link-local (cloud
metadata), multicast and reserved addresses are refused unless FETCH_ALLOWED_PRIVATE_HOSTS
names the host or its network (an agency on the intranet; tests serving feeds on 127.0.0.1).
"""

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

MAX_REDIRECTS = 5
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(requests.RequestException):
    """The address is on this machine or a private network, and not allowed there."""

    def __init__(self, host: str, address: Address):
        super().__init__(f"{host} is a private address ({address})")
        self.host, self.address = host, address


def private_host_allowed(host: str, address: Address | None = None) -> bool:
    """Whether FETCH_ALLOWED_PRIVATE_HOSTS lets requests reach `host` (at `address`)."""
    for entry in settings.FETCH_ALLOWED_PRIVATE_HOSTS:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            if host.lower().rstrip(".") == entry.lower().rstrip("."):
                return True
            continue
        if address is not None and address in network:
            return True
    return False


def _is_public(address: Address) -> bool:
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved)


def checked_address(host: str, port: int) -> str:
    """The address to connect to for `host`: the first it resolves to, if allowed."""
    try:
        family, _, _, _, sockaddr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise requests.ConnectionError(f"could not resolve {host}") from exc
    address = ipaddress.ip_address(sockaddr[0])
    if not _is_public(address) and not private_host_allowed(host, address):
        raise AddressRefused(host, address)
    return f"[{address}]" if family == socket.AF_INET6 else str(address)


class CheckedAddressAdapter(HTTPAdapter):
    """Connects to the address `checked_address` approved, keeping the host name for the
    Host header, TLS SNI and certificate checks."""

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        host, port = host_params["host"], host_params["port"]
        scheme = host_params["scheme"]
        default_port = 443 if scheme == "https" else 80
        request.headers["Host"] = (f"[{host}]" if ":" in host else host) + (
            f":{port}" if port and port != default_port else ""
        )
        if scheme == "https":
            pool_kwargs["assert_hostname"] = host
            pool_kwargs["server_hostname"] = host
        host_params["host"] = checked_address(host, port or default_port).strip("[]")
        return host_params, pool_kwargs


def session() -> requests.Session:
    checked = requests.Session()
    checked.max_redirects = MAX_REDIRECTS
    checked.trust_env = False  # no proxy from the environment: it would skip the checks
    for prefix in ("http://", "https://"):
        checked.mount(prefix, CheckedAddressAdapter())
    return checked


@contextmanager
def get(url: str, *, headers: dict, timeout: float) -> Iterator[requests.Response]:
    """GET `url` (following redirects, each hop checked), streaming the body."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise requests.exceptions.InvalidSchema("only http:// and https:// can be fetched")
    with (
        session() as checked,
        checked.get(url, headers=headers, timeout=(timeout, timeout), stream=True) as got,
    ):
        yield got


class DeadlinePassed(requests.Timeout):
    pass


class TooLarge(requests.RequestException):
    pass


def read_body(response: requests.Response, *, max_bytes: int, deadline: float) -> bytes:
    """The body, read as it arrives (one socket read at a time, so a server trickling a
    byte a second cannot hold the reader past `deadline`, a time.monotonic() value), and
    refused once it grows past `max_bytes`."""
    chunks, received = [], 0
    while True:
        if time.monotonic() > deadline:
            raise DeadlinePassed()
        chunk = response.raw.read1(64 * 1024, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        received += len(chunk)
        if received > max_bytes:
            raise TooLarge()
        chunks.append(chunk)
