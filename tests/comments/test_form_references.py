"""Every id an element of the article page refers to (aria-describedby, aria-labelledby,
label for=) is on the page: screen readers announce the help text of the comment form."""

import lxml.html
import pytest

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls")


def dangling_references(html: bytes) -> list[str]:
    page = lxml.html.fromstring(html)
    ids = set(page.xpath("//@id"))
    referred = [
        (attribute, name)
        for attribute in REFERENCES
        for value in page.xpath(f"//@{attribute}")
        for name in value.split()
    ]
    referred += [("for", name) for name in page.xpath("//label/@for")]
    return [f'{attribute}="{name}"' for attribute, name in referred if name not in ids]


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "reader"])
def test_the_article_page_refers_to_ids_it_has(client, demo, reader, signed_in):
    if signed_in:
        client.force_login(reader)
    response = client.get(demo.get_absolute_url())
    assert response.status_code == 200
    assert dangling_references(response.content) == []


def test_the_email_field_is_described_by_its_help_text(client, demo):
    page = lxml.html.fromstring(client.get(demo.get_absolute_url()).content)
    [email] = page.xpath('//p[contains(@class, "comment-form-email")]/input')
    [help_text] = page.xpath(f'//*[@id="{email.get("aria-describedby")}"]')
    assert help_text.text_content() == "Required, never made public."
