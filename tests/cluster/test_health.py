"""/healthz: what the load balancer polls. 200 while the database, the cache and the media
storage answer; 503 naming the part that failed, so the balancer takes the node out."""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections
from django.test import Client

# The test settings have a read replica (tests/conftest.py), checked too; it sees the
# default database's rows only once they are committed.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@contextmanager
def database_gone(alias="default"):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connections[alias].execute_wrapper(refuse):
        yield


@pytest.fixture
def balancer(db, settings):
    settings.DEBUG = False
    # The balancer probes by address over plain HTTP, whatever the site's own settings.
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    return Client(raise_request_exception=False, HTTP_HOST="10.0.0.7:8000")


def test_a_healthy_node_answers_200_with_every_part_ok(balancer):
    response = balancer.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "healthy"
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "storage": "ok"}


def test_the_probe_sets_no_cookie_and_is_never_cached(balancer):
    response = balancer.get("/healthz")

    assert response.cookies == {}
    assert response["Cache-Control"] == "no-store"
    assert "Cookie" not in response.get("Vary", "")


def test_a_node_whose_database_is_gone_reports_unhealthy_in_json(balancer):
    with database_gone():
        response = balancer.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "unhealthy"
    assert response.json()["checks"]["database"] == "failed: OperationalError on default"
    assert response.json()["checks"]["cache"] == "ok"


def test_a_node_whose_replica_is_gone_reports_unhealthy(balancer):
    with database_gone("replica"):
        response = balancer.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed: OperationalError on replica"


def test_a_node_whose_cache_fails_reports_unhealthy(balancer, monkeypatch):
    from django.core.cache import cache

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", refuse)
    response = balancer.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "failed: ConnectionError",
        "storage": "ok",
    }


def test_a_node_whose_storage_fails_reports_unhealthy(balancer, monkeypatch):
    from django.core.files.storage import default_storage

    def refuse(name):
        raise OSError("Could not connect to the endpoint URL")

    monkeypatch.setattr(default_storage, "exists", refuse)
    response = balancer.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "failed: OSError"


def test_many_probes_from_one_address_are_never_rate_limited(balancer, settings):
    settings.COMMENTS_RATE_PER_IP = 1

    statuses = {balancer.get("/healthz").status_code for _ in range(20)}

    assert statuses == {200}


def test_the_probe_costs_one_query_per_database(balancer, django_assert_num_queries):
    with (
        django_assert_num_queries(1),
        django_assert_num_queries(1, connection=connections["replica"]),
    ):
        balancer.get("/healthz")


def test_other_paths_still_get_the_host_check(balancer):
    assert balancer.get("/").status_code == 400
