"""Friendly error pages in the site's look; the 500 page needs no database."""

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from blog.views import server_error


def test_a_missing_page_is_a_friendly_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found – Wirepress</title>" in html
    assert "Oops! That page can’t be found." in html
    assert (
        '<form class="search-form" role="search" aria-label="Search" method="get" action="/search/">'
        in html
    )
    assert '<a href="/">latest stories</a>' in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html


def test_the_500_page_renders_without_the_database():
    # No `db` fixture: any query would fail this test.
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<title>Something went wrong – Wirepress</title>" in html
    assert "Something went wrong on our side." in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html


def broken_view(request):
    raise RuntimeError("the database is down")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.urls("tests.blog.test_error_pages")
def test_an_unexpected_error_shows_the_500_page(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side." in response.content.decode()
