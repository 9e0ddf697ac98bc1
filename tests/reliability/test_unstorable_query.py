"""A NUL in an admin query parameter is a 400 with the "could not be read" page, never a 500:
PostgreSQL refuses NUL in every text query (this file runs in the PostgreSQL run too)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

SEARCHABLE = sorted(
    reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for model, model_admin in admin.site._registry.items()
    if model_admin.search_fields
)


@pytest.fixture
def staff(settings, admin_user):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("url", [*SEARCHABLE, "/admin/blog/image/picker/"])
def test_an_admin_search_for_a_nul_is_refused_with_a_message(staff, url):
    assert staff.get(url, {"q": "x"}).status_code == 200
    response = staff.get(url, {"q": "a\x00b"})
    assert response.status_code == 400
    assert "This request could not be read." in response.content.decode()
