"""Reading the article page in comment tests: parsed HTML and the bits a reader looks at."""

import lxml.html
from django.urls import reverse


def post_url(article) -> str:
    return reverse("comments:post", args=[article.pk])


def like_url(comment) -> str:
    return reverse("comments:like", args=[comment.pk])


def parse(response):
    return lxml.html.fromstring(response.content.decode())


def parse_html(html: str):
    return lxml.html.fromstring(html)


def parse_fragment(html: str):
    """One element of HTML, as the JSON responses carry them."""
    return lxml.html.fragment_fromstring(html.strip())


def text_of(tree, xpath: str) -> str:
    found = tree.xpath(xpath)
    assert found, f"nothing at {xpath}"
    return " ".join(found[0].text_content().split())


def comment_item(tree, comment_id):
    """The <li> of a comment, or None when the page does not show it."""
    found = tree.xpath(f'//li[@id="comment-{comment_id}"]')
    return found[0] if found else None


def form_values(tree) -> dict:
    """What the comment form would send as it stands (inputs and the textarea)."""
    form = tree.xpath('//form[@id="commentform"]')[0]
    values = {}
    for field in form.xpath(".//input[@name]"):
        if field.get("type") == "checkbox":
            if field.get("checked") is not None:
                values[field.get("name")] = "on"
        else:
            values[field.get("name")] = field.get("value") or ""
    for area in form.xpath(".//textarea[@name]"):
        # Browsers drop the newline Django puts after <textarea>.
        values[area.get("name")] = (area.text or "").removeprefix("\n")
    return values
