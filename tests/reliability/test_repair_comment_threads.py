"""`manage.py repair_comment_threads` moves replies shown under the wrong comment back under
their parent."""

from io import StringIO

from django.core.management import call_command
from django_comments_xtd.models import XtdComment

from tests.factories import add_comment
from tests.helpers import parse
from tests.reliability.test_concurrent_replies import parent_shown_for


def repair() -> str:
    out = StringIO()
    call_command("repair_comment_threads", stdout=out)
    return out.getvalue().strip()


def thread_of(article):
    first = add_comment(article, "First.", minutes_ago=9)
    one = add_comment(article, "Reply one.", parent=first, minutes_ago=8)
    one_a = add_comment(article, "Reply to one.", parent=one, minutes_ago=7)
    two = add_comment(article, "Reply two.", parent=first, minutes_ago=6)
    one_b = add_comment(article, "Second reply to one.", parent=one, minutes_ago=5)
    other = add_comment(article, "Another thread.", minutes_ago=4)
    return [first, one, one_a, two, one_b, other]


def stored(comments):
    return {
        row["pk"]: (row["order"], row["level"], row["nested_count"])
        for row in XtdComment.objects.filter(pk__in=[c.pk for c in comments]).values(
            "pk", "order", "level", "nested_count"
        )
    }


def test_threads_stored_one_post_at_a_time_are_left_as_they_are(article):
    comments = thread_of(article)
    before = stored(comments)
    assert repair() == "Put 0 comment(s) back in their place in the thread."
    assert stored(comments) == before


def test_a_scrambled_thread_is_shown_in_order_again(client, article):
    first, one, one_a, two, one_b, other = comments = thread_of(article)
    expected = stored(comments)
    # What concurrent replies left behind: two replies with the same order as others, so
    # "Reply to one." showed under "Reply two." and the levels no longer matched.
    XtdComment.objects.filter(pk=one_a.pk).update(order=5, level=2)
    XtdComment.objects.filter(pk=two.pk).update(order=3)
    XtdComment.objects.filter(pk=one_b.pk).update(order=3, level=1)
    XtdComment.objects.filter(pk=first.pk).update(nested_count=2)

    assert repair() == "Put 4 comment(s) back in their place in the thread."

    assert stored(comments) == expected
    assert expected[one_b.pk] == (4, 2, 0)  # after its older sibling, before "Reply two."
    page = parse(client.get(article.get_absolute_url()))
    shown_under = {c.pk: parent_shown_for(page, c.pk) for c in comments}
    assert shown_under == {
        first.pk: None,
        one.pk: first.pk,
        one_a.pk: one.pk,
        two.pk: first.pk,
        one_b.pk: one.pk,
        other.pk: None,
    }
