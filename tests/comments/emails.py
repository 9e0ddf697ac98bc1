"""Reading received emails in tests: their two parts and the links in them."""

import re
from urllib.parse import urlsplit


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
