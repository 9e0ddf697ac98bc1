"""What browsers, home screens and search engines fetch beside the page: the site's icons,
the publisher logo, a description on every page, and cacheable uploads."""

import json
import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from PIL import Image

from blog.views import server_error

ICON_LINKS = '//link[@rel="icon" or @rel="apple-touch-icon"]'


def static_file(url: str) -> str:
    """The file in the project's static folders that a /static/ URL serves."""
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file"
    return path


def icon_links(html: bytes) -> dict[str, str]:
    page = lxml.html.fromstring(html)
    return {
        link.get("type") or link.get("rel"): link.get("href") for link in page.xpath(ICON_LINKS)
    }


@pytest.mark.parametrize("url", ["/", "/search/?q=nato", "/no/such/page/"])
def test_every_page_links_the_site_icons(client, db, url):
    links = icon_links(client.get(url).content)
    assert set(links) == {"icon", "image/svg+xml", "apple-touch-icon"}
    svg = ET.parse(static_file(links["image/svg+xml"])).getroot()  # noqa: S314 - our own file
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    with Image.open(static_file(links["apple-touch-icon"])) as touch_icon:
        assert (touch_icon.format, touch_icon.size) == ("PNG", (180, 180))
    with Image.open(static_file(links["icon"])) as favicon:
        assert favicon.format == "ICO"


def test_the_error_page_links_the_site_icons_too(client, db):

    html = server_error(RequestFactory().get("/")).content
    assert set(icon_links(html)) == {"icon", "image/svg+xml", "apple-touch-icon"}


def test_favicon_ico_at_the_root_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    with Image.open(static_file(response["Location"])) as favicon:
        assert favicon.format == "ICO"


def test_the_publisher_logo_is_the_size_json_ld_says(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    logo = data["publisher"]["logo"]
    with Image.open(static_file(logo["url"].removeprefix("http://testserver"))) as image:
        assert image.size == (logo["width"], logo["height"])
        assert min(image.size) >= 112  # the smallest logo Google's article results accept


def description(client, url, **kwargs) -> str:
    page = lxml.html.fromstring(client.get(url, **kwargs).content)
    (content,) = page.xpath('//meta[@name="description"]/@content')
    return content


def test_search_login_and_missing_pages_have_a_description(client, db):
    assert description(client, "/search/") == "Search the stories and wire reports on Wirepress."
    assert description(client, "/search/?q=nato") == "Stories on Wirepress that match “nato”."
    assert description(client, "/accounts/login/") == (
        "Your account on Wirepress: log in or sign up to comment, like stories and follow "
        "discussions."
    )
    assert description(client, "/no/such/page/") == (
        "This page is not on Wirepress: search the stories or start from the latest."
    )


def test_an_upload_that_is_not_an_image_is_sent_as_a_download(client, settings):
    (settings.MEDIA_ROOT / "notes").mkdir(parents=True)
    (settings.MEDIA_ROOT / "notes" / "page.html").write_text("<script>alert(1)</script>")
    response = client.get("/media/notes/page.html")
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
