"""One comment's markup on the article page, rendered once per worker for the same inputs.

A busy story's page is rendered anew about twice a second (blog.pagecache's lag), and most of
that time went to rendering every comment's template again, although almost none had
changed. What `comments/_comment_item.html` shows of a comment is a pure function of a few
values (`CommentMarkup`: its author, text, date, likes, depth, avatar, whether it is the reader's held one,
whether they liked it, whether they are signed in, the comment page it is on), so its markup
is kept in a per-process LRU keyed by those values: a change to any of them is another key,
so nothing is ever stale, nothing needs invalidating, and no shared cache is written. The
template can only see what the key holds.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from comments.discussion.text import render_comment_text

# Markups kept per worker: about 1 KB each, so about 10 MB at most.
KEPT = 10_000


@dataclass(frozen=True)
class Author:
    user_name: str
    user_url: str
    author_is_staff: bool


@dataclass(frozen=True)
class CommentMarkup:
    """Everything `comments/_comment_item.html` shows of one comment (as `node`)."""

    comment: Author
    key: str
    depth: int
    avatar_css: str
    visible: bool
    pending: bool
    text: str  # as typed: made into paragraphs and links only when rendered
    date_text: str
    like_count: int
    likes_label: str
    liked: bool
    can_reply: bool

    @property
    def html(self) -> str:
        return render_comment_text(self.text)


@lru_cache(maxsize=KEPT)
def _rendered(markup: CommentMarkup, signed_in: bool, page_number: int) -> str:
    return render_to_string(
        "comments/_comment_item.html",
        {
            "node": markup,
            "user": {"is_authenticated": signed_in},
            "discussion": {"page": {"number": page_number}},
        },
    )


def comment_markup(node, *, signed_in: bool, page_number: int) -> SafeString:
    """The markup of `node` (a CommentNode): its list item, left open for its replies."""
    comment = node.comment
    markup = CommentMarkup(
        comment=Author(
            user_name=comment.user_name,
            user_url=comment.user_url,
            author_is_staff=bool(getattr(comment, "author_is_staff", False)),
        ),
        key=node.key,
        depth=node.depth,
        avatar_css=node.avatar_css,
        visible=node.visible,
        pending=node.pending,
        text=comment.comment,
        date_text=node.date_text,
        like_count=node.like_count,
        likes_label=node.likes_label,
        liked=node.liked,
        can_reply=node.can_reply,
    )
    return mark_safe(_rendered(markup, signed_in, page_number))
