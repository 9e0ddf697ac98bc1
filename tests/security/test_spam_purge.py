"""Attack on the archive: the spam purge counted from the comment's date, so an old
comment marked spam today vanished at once, and a reply to it became top-level."""

import pytest
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.models import CommentModeration
from comments.moderation.actions import comment_mark_spam
from comments.privacy.data import personal_data_purge
from tests.factories import add_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _thirty_days_of_spam(settings):
    settings.COMMENTS_SPAM_RETENTION_DAYS = 30


def test_an_old_comment_marked_spam_today_is_kept_for_the_retention(article, editor):
    old = add_comment(article, "Written long ago")
    XtdComment.objects.filter(pk=old.pk).update(
        submit_date=timezone.now() - timezone.timedelta(days=400)
    )
    comment_mark_spam(XtdComment.objects.get(pk=old.pk), by=editor)

    assert personal_data_purge().spam_deleted == 0
    assert XtdComment.objects.filter(pk=old.pk).exists()


def test_spam_is_deleted_once_the_retention_has_passed_since_it_became_spam(article, editor):
    spam = add_comment(article, "Buy now")
    comment_mark_spam(spam, by=editor)
    CommentModeration.objects.filter(comment=spam).update(
        reviewed_at=timezone.now() - timezone.timedelta(days=31)
    )

    assert personal_data_purge().spam_deleted == 1
    assert not XtdComment.objects.filter(pk=spam.pk).exists()


def test_a_spam_comment_with_replies_is_never_purged_and_the_reply_keeps_its_place(article, editor):
    parent = add_comment(article, "Was public for a while")
    reply = add_comment(article, "A reader replied", parent=parent)
    comment_mark_spam(parent, by=editor)
    long_ago = timezone.now() - timezone.timedelta(days=90)
    XtdComment.objects.filter(pk=parent.pk).update(submit_date=long_ago)
    CommentModeration.objects.filter(comment=parent).update(reviewed_at=long_ago)

    personal_data_purge()

    reply.refresh_from_db()
    assert XtdComment.objects.filter(pk=parent.pk).exists()
    assert (reply.parent_id, reply.level) == (parent.pk, 1)
