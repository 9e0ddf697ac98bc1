"""Reading a comment as the browser shows it. A comment is its <li>, with no wrapper inside
(templates/comments/_comment_body.html): its text is the item's own paragraphs, its name the
website link or else the item's first text, its likes line the text just before Like, its
avatar the picture painted as the item's ::before."""

# What the commenter wrote: the item's own paragraphs (not the held note, nor the replies').
TEXT = ":scope > p:not([class])"


def paragraph(page, text: str):
    """The paragraph of a comment on the page that reads `text` (a locator)."""
    return page.locator(".comment > p:not([class])", has_text=text)


def comment_with_text(page, text: str):
    """The comment (its <li>) that says `text`."""
    return paragraph(page, text).locator("xpath=..")


def comment_text(item):
    """The comment's paragraphs, a locator (for `expect(...).to_have_text`)."""
    return item.locator(TEXT)


def comment_author(item) -> str:
    """The name the comment is signed with, as shown at its top."""
    return item.evaluate(
        """li => (li.querySelector(":scope > .comment-author") || li.firstChild)
            .textContent.trim()"""
    )


def comment_likes(item) -> str:
    """The likes line ("Liked by 3 people"; empty when nobody likes the comment)."""
    return item.locator(":scope > .comment-like-button").evaluate(
        "like => (like.previousSibling ? like.previousSibling.textContent : '').trim()"
    )


def comment_avatar(item) -> str:
    """The address of the picture painted beside the author."""
    painted = item.evaluate("li => getComputedStyle(li, '::before').backgroundImage")
    assert painted.startswith('url("'), f"no picture: {painted}"
    return painted.removeprefix('url("').removesuffix('")')
