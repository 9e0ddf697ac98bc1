"""The fast discussion builder must store threads exactly as xtd's own save() would, or the
query-count tests and the benchmark would measure a tree the site never has."""

from django_comments_xtd.models import XtdComment

from tests.factories import add_comment, make_discussion, make_users, thread_layout

THREAD_FIELDS = ("level", "order", "nested_count")


def stored_tree(comments):
    """Each comment's parent and thread as positions in the list, with xtd's thread data."""
    position = {comment.pk: n for n, comment in enumerate(comments)}
    rows = XtdComment.objects.filter(pk__in=position).order_by("thread_id", "order")
    return [
        (
            position[row.pk],
            position[row.parent_id],
            position[row.thread_id],
            *(getattr(row, name) for name in THREAD_FIELDS),
        )
        for row in rows
    ]


def test_the_fast_builder_lays_out_threads_as_xtd_does(make_article):
    fast, slow = make_article(), make_article()
    fast_comments = make_discussion(fast, 40)
    slow_comments = []
    for parent_index in thread_layout(40, max_level=4):
        parent = slow_comments[parent_index] if parent_index is not None else None
        slow_comments.append(add_comment(slow, parent=parent))
    assert stored_tree(fast_comments) == stored_tree(slow_comments)
    assert {comment.level for comment in fast_comments} == {0, 1, 2, 3, 4}


def test_half_the_comments_are_by_registered_users_and_some_are_liked(article):
    commenters, likers = make_users("member", 5), make_users("liker", 5)
    comments = make_discussion(article, 100, commenters=commenters, likers=likers)
    assert sum(comment.user_id is not None for comment in comments) == 50
    liked = XtdComment.objects.filter(pk__in=[c.pk for c in comments], flags__isnull=False)
    assert 40 < liked.distinct().count() < 100
