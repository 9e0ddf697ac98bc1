"""Defence in depth against script injection: every page carries a Content-Security-Policy
that runs no inline or foreign script, and the pages still work under it in a browser."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (directive.split() for directive in header.split(";") if directive)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/search/?q=nato", "/comments/privacy/", "/no-such-page/"])
def test_reader_pages_allow_only_the_sites_own_scripts(client, demo, path):
    directives = policy(client.get(path))

    assert directives["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]


def csp_violations(page) -> list[str]:
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


@pytest.mark.browser
def test_the_article_page_works_under_the_policy(live_server, page, demo):
    violations = csp_violations(page)
    page.goto(live_server.url + demo.get_absolute_url())

    page.get_by_role("link", name="Reply").first.click()
    expect(page.get_by_role("link", name="Cancel reply")).to_be_visible()
    page.get_by_role("link", name="Cancel reply").click()

    assert violations == []


@pytest.mark.browser
def test_the_admin_works_under_the_policy(live_server, page, demo, editor):
    client = Client()
    client.force_login(editor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    violations = csp_violations(page)

    page.goto(f"{live_server.url}/admin/blog/article/{demo.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(demo.title)
    page.goto(f"{live_server.url}/admin/comments/comment/")

    assert violations == []
