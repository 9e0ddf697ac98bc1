"""Replies posted at the same moment into one thread each land under their own parent, on
PostgreSQL too (where writers run concurrently, unlike SQLite)."""

import threading

import pytest
from django.db import connection
from django_comments_xtd.models import XtdComment

from comments.discussion.services import comment_post
from tests.factories import submission
from tests.helpers import parse

WRITERS = 6
REPLIES_EACH = 4


def parent_shown_for(page, comment_id) -> int | None:
    """The comment a reply is shown under on the page (None: a top-level comment)."""
    item = page.xpath(f'//li[@id="comment-{comment_id}"]')[0]
    above = item.xpath('ancestor::li[starts-with(@id, "comment-")][1]')
    return int(above[0].get("id").removeprefix("comment-")) if above else None


def post_concurrently(article, parents):
    """Every writer, on its own database connection, posts its replies to `parents` in turn,
    all writers starting together."""
    start = threading.Barrier(WRITERS)
    errors = []

    def write(writer):
        try:
            start.wait()
            for n in range(REPLIES_EACH):
                parent = parents[(writer + n) % len(parents)]
                comment_post(
                    submission=submission(
                        article,
                        parent=parent,
                        name=f"Writer {writer}",
                        email=f"writer{writer}@example.org",
                        text=f"Reply {n} of writer {writer} to comment {parent.pk}.",
                    )
                )
        except Exception as exc:  # reported below, with the test's failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_are_each_shown_under_their_parent(client, article):
    root = comment_post(submission=submission(article, text="The first comment.")).comment
    child = comment_post(
        submission=submission(article, parent=root, text="A reply to the first.")
    ).comment
    parents = [root, child, root]

    post_concurrently(article, parents)

    replies = XtdComment.objects.exclude(pk__in=[root.pk, child.pk])
    assert replies.count() == WRITERS * REPLIES_EACH
    assert not replies.filter(is_public=False).exists()
    page = parse(client.get(article.get_absolute_url()))
    shown_under = {reply.pk: parent_shown_for(page, reply.pk) for reply in replies}
    assert shown_under == {reply.pk: reply.parent_id for reply in replies}
    orders = list(XtdComment.objects.filter(thread_id=root.pk).values_list("order", flat=True))
    assert sorted(orders) == list(range(1, WRITERS * REPLIES_EACH + 3))
