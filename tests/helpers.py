"""Reading what tests get back: pages (parsed HTML and the bits a reader looks at) and emails
(their two parts, the links in them, and an inbox polled with a bounded deadline)."""

import re
import time
from urllib.parse import urlsplit

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


# A comment is its <li>, with no wrapper (templates/comments/_comment_body.html): its text is
# the item's own paragraphs, its name the website link or else the item's first text, its
# likes line the text just before Like, its avatar the picture in its --avatar.


def comment_text(item) -> str:
    """What the commenter wrote: the item's own paragraphs (not its notes, nor its replies)."""
    paragraphs = item.xpath("./p[not(@class)]")
    assert paragraphs, "the comment shows no text"
    return " ".join(" ".join(p.text_content() for p in paragraphs).split())


def comment_author(item) -> str:
    """The name a comment is signed with, as shown at its top."""
    link = item.xpath('./a[@class="comment-author"]')
    return " ".join((link[0].text_content() if link else item.text or "").split())


def comment_likes(item) -> str:
    """The comment's likes line ("Liked by 3 people"; empty when nobody likes it)."""
    button = item.xpath('./button[@class="comment-like-button"]')[0]
    before = button.getprevious()
    return " ".join(((before.tail if before is not None else item.text) or "").split())


def comment_avatar(item) -> str:
    """The address of the picture shown beside the comment's author."""
    found = re.search(r'--avatar:url\("([^"]*)"\)', item.get("style") or "")
    assert found, "the comment shows no avatar"
    return found[1]


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


# --- Emails ---------------------------------------------------------------------------------


def parts(message):
    """The plain-text and HTML bodies of a received email."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def links(message) -> dict[str, str]:
    """The site's links in the plain-text part, by what they do, as paths for the client."""
    text, _ = parts(message)
    found = {}
    for url in re.findall(r"https?://\S+", text):
        path = urlsplit(url).path + (f"#{urlsplit(url).fragment}" if urlsplit(url).fragment else "")
        for name, pattern in {
            "confirm": r"/confirm/$",
            "stop": r"/stop/$",
            "manage": r"^/comments/subscriptions/[^/]+/$",
            "comment": r"#comment-\d+$",
        }.items():
            if re.search(pattern, path):
                found[name] = path
        if "article" not in found and re.match(r"^/\d{4}/\d+/\d+/[\w-]+/$", path):
            found["article"] = path
    return found


def header_url(message, name="List-Unsubscribe") -> str:
    return urlsplit(message[name].strip().strip("<>")).path


def subject(message) -> str:
    # Python folds a long encoded subject onto a second line; the unfolded value starts
    # with that line's space, which mail clients drop too.
    return message["Subject"].strip()


def inbox(smtp, address, count, *, timeout=10.0) -> list:
    """The messages `address` received over SMTP, polled until there are `count` of them or
    `timeout` seconds have passed (a live server sends them from another thread)."""
    deadline = time.monotonic() + timeout
    while len(smtp.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp.to(address)


def assert_inbox_stays(smtp, address, count, *, within=1.0) -> None:
    """`address` receives no message beyond its `count`: polled for `within` seconds at
    most, failing as soon as one more arrives."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert len(smtp.to(address)) == count, smtp.to(address)[count:]
        time.sleep(0.05)
    assert len(smtp.to(address)) == count
