"""Comment pages, as WordPress's "Break comments into pages": COMMENTS_PAGE_SIZE top-level
comments per page, each with all its replies, and COMMENTS_PAGE_ORDER saying whether the
article's own address shows the newest threads or the oldest.

Pages are `?cpage=N` on the article's address (WordPress says `/comment-page-N/`): the
article keeps one address, one route and one cache generation, and the page cache keys on the
full address already. Page 1 is always the bare address; any other value than a page that
exists (a word, a NUL, 0, a page past the last) is a 404, never a 500, and never stored.

A page holds the threads with at least one public comment, counted in thread order (the
order of their first comments). A reader's own held thread, seen by them only, is shown on
the page its place falls on, so everyone else's pages stay the same.
"""

from bisect import bisect_left
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404

# Larger page numbers are no page (and no int() of a thousand digits).
MAX_PAGE_DIGITS = 6


@dataclass(frozen=True)
class CommentPage:
    """Page `number` of `count`, with the addresses of its neighbours ("" when none)."""

    number: int = 1
    count: int = 1
    older_url: str = ""
    newer_url: str = ""
    # rel="next" is the page numbered one more: older threads when the newest come first.
    older_rel: str = "next"
    newer_rel: str = "prev"

    @property
    def is_paged(self) -> bool:
        return self.count > 1


def requested_page(value) -> int:
    """The comment page a `?cpage=` value asks for (1 without one); a 404 for anything that
    cannot be a page number."""
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_PAGE_DIGITS:
        raise Http404("No such comment page.")
    number = int(value)
    if number < 1:
        raise Http404("No such comment page.")
    return number


def page_count(thread_total: int) -> int:
    size = settings.COMMENTS_PAGE_SIZE
    if not size or thread_total <= size:
        return 1
    return -(-thread_total // size)


def page_of_index(index: int, thread_total: int) -> int:
    """The page of the thread at `index` among `thread_total` threads in thread order."""
    size = settings.COMMENTS_PAGE_SIZE
    if not size:
        return 1
    if settings.COMMENTS_PAGE_ORDER == "newest":
        number = (thread_total - 1 - index) // size + 1
    else:
        number = index // size + 1
    return min(max(number, 1), page_count(thread_total))


def page_of_thread(thread_id: int, thread_ids: list[int]) -> int:
    """The page of thread `thread_id`, given the public threads' ids in ascending order."""
    return page_of_index(bisect_left(thread_ids, thread_id), len(thread_ids))


def page_address(article_url: str, number: int) -> str:
    return article_url if number == 1 else f"{article_url}?cpage={number}"


def comment_page(number: int, count: int, article_url: str) -> CommentPage:
    """Page `number` of `count`, with links to the pages of older and newer threads."""
    step = 1 if settings.COMMENTS_PAGE_ORDER == "newest" else -1

    def link(to: int) -> str:
        return f"{page_address(article_url, to)}#comments" if 1 <= to <= count else ""

    return CommentPage(
        number=number,
        count=count,
        older_url=link(number + step),
        newer_url=link(number - step),
        older_rel="next" if step == 1 else "prev",
        newer_rel="prev" if step == 1 else "next",
    )
