"""A comment's markup is kept per worker for the same values (comments.discussion.markup): a
busy discussion's page renders only what changed, and nothing shown is ever stale."""

import pytest
from django.test import Client

from comments.discussion import markup
from comments.discussion.services import like_toggle
from comments.moderation.actions import comment_remove
from tests.factories import add_comment
from tests.helpers import comment_item, comment_likes, comment_text, parse


@pytest.fixture
def fresh_markup():
    markup._rendered.cache_clear()
    yield
    markup._rendered.cache_clear()


def page(article, client=None):
    return parse((client or Client()).get(article.get_absolute_url()))


def test_a_new_comment_renders_only_itself(article, fresh_markup):
    comments = [add_comment(article, f"Comment {n}.") for n in range(20)]
    page(article)
    assert markup._rendered.cache_info().misses == 20
    newest = add_comment(article, "The newest.", parent=comments[3])
    shown = page(article)
    assert markup._rendered.cache_info().misses == 21
    assert comment_text(comment_item(shown, newest.pk)) == "The newest."
    assert all(comment_item(shown, comment.pk) is not None for comment in comments)


def test_a_like_an_edit_and_a_removal_show_at_once(article, reader, editor, fresh_markup):
    comment = add_comment(article, "As first written.")
    page(article)
    like_toggle(comment=comment, user=reader)
    assert "Liked by 1" in comment_likes(comment_item(page(article), comment.pk))
    comment.comment = "As corrected."
    comment.save()
    assert comment_text(comment_item(page(article), comment.pk)) == "As corrected."
    add_comment(article, "A reply that keeps it in place.", parent=comment)
    comment_remove(comment, by=editor)
    item = comment_item(page(article), comment.pk)
    assert "no longer available" in item.text_content()


def test_guests_and_signed_in_readers_each_get_their_own_markup(article, reader, fresh_markup):
    comment = add_comment(article, "Report me, perhaps.")
    guest_item = comment_item(page(article), comment.pk)
    signed_in = Client()
    signed_in.force_login(reader)
    reader_item = comment_item(page(article, signed_in), comment.pk)
    # Guests are sent to a page to report; signed-in readers report with one button.
    assert guest_item.xpath('.//a[@class="comment-report-link"]')
    assert reader_item.xpath('.//button[@class="report-button"]')
    assert not reader_item.xpath('.//a[@class="comment-report-link"]')
