"""Writes of the discussion: post a comment (moderation decides whether it is published),
like or unlike one, and put threads back in order.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.reconnect import DATABASE_ERRORS
from comments.discussion.submission import CommentSubmission, PostResult
from comments.models import (
    CommentModeration,
    Subscription,
)
from comments.moderation import pipeline
from comments.moderation.checks import text_fingerprint
from comments.moderation.reasons import Verdict
from comments.notifications.services import (
    comment_notify,
    subscription_confirmation_request,
    subscription_create,
)

logger = logging.getLogger(__name__)


def comment_post(*, submission: CommentSubmission) -> PostResult:
    """Store a reader's comment (or reply). Moderation decides whether it is published at
    once; a held or spam comment is kept, never dropped. Raises `CommentRejected` (nothing
    stored) for a form sent too soon after it was rendered, a reader over the rate limit,
    or a double post. The submission's `notify_comments` follows the article's comments by
    email, `notify_posts` the blog's new posts; a published comment is announced to the
    article's followers (in the background). Returns the comment and the decision."""
    decision = pipeline.comment_verdict(submission)
    article, parent = submission.article, submission.parent
    comment = XtdComment(
        content_type=ContentType.objects.get_for_model(article),
        object_pk=str(article.pk),
        site_id=settings.SITE_ID,
        user=submission.user,
        user_name=submission.name[:50],
        user_email=submission.email,
        user_url=submission.url,
        comment=submission.text,
        submit_date=timezone.now(),
        ip_address=submission.ip_address,
        is_public=decision.is_public,
        parent_id=parent.pk if parent else 0,
        followup=submission.notify_comments,
    )
    # xtd saves in two steps (insert, then thread position): both or nothing.
    record = CommentModeration(
        status=STATUS_OF_VERDICT[decision.verdict],
        checked_at=timezone.now(),
        user_agent=submission.user_agent[:500],
        referrer=submission.referrer[:500],
        text_fingerprint=text_fingerprint(submission.text),
    )
    record.set_reasons(decision.reasons)
    with transaction.atomic():
        if parent is not None:
            _thread_lock(parent)
        comment.save()
        record.comment = comment
        record.save()
        _comment_announce(comment)
    pipeline.rate_limit_count(submission)
    _comment_followups(comment, submission=submission)
    return PostResult(comment=comment, decision=decision)


def _thread_lock(parent: XtdComment) -> None:
    """Hold the row of the thread's first comment until the transaction ends. xtd places a
    reply at "the largest order in the thread + 1" (or shifts the orders after its parent)
    without a lock: two concurrent replies read the same orders and one lands under the
    wrong comment. Replies to one thread now take their place one after the other.
    (SQLite serialises writers already; there this is a plain read.)"""
    XtdComment.norel_objects.select_for_update().filter(pk=parent.thread_id).exists()


STATUS_OF_VERDICT = {
    Verdict.PUBLISH: CommentModeration.Status.PUBLISHED,
    Verdict.HOLD: CommentModeration.Status.HELD,
    Verdict.SPAM: CommentModeration.Status.SPAM,
}


def _comment_announce(comment: XtdComment) -> None:
    """Queue the followers' email in the comment's own transaction: a database lost right
    after the comment was stored must not leave it stored and never announced (the reader
    then gets the 503 and sends it again). Any other error only costs the email."""
    try:
        with transaction.atomic():
            comment_notify(comment=comment)
    except DATABASE_ERRORS:
        raise
    except Exception:
        logger.exception("Could not announce comment %s", comment.pk)


def _comment_followups(comment: XtdComment, *, submission: CommentSubmission) -> None:
    # Email is a side effect: whatever goes wrong here, the comment is stored and the
    # reader sees it posted; the error goes to the log.
    try:
        with transaction.atomic():
            kinds = [Subscription.Kind.COMMENTS] if comment.followup else []
            kinds += [Subscription.Kind.POSTS] if submission.notify_posts else []
            if not comment.user_email:
                kinds = []  # an account without an address: nowhere to send
            for kind in kinds:
                subscription_create(
                    email=comment.user_email,
                    kind=kind,
                    article=submission.article,
                    user=submission.user,
                    request_confirmation=False,
                )
            if kinds:
                subscription_confirmation_request(email=comment.user_email)
    except Exception:
        logger.exception("Could not arrange the notifications of comment %s", comment.pk)


def like_toggle(*, comment: XtdComment, user) -> bool:
    """Like `comment` as `user`, or take the like back. Returns whether `user` now likes it."""
    likes = CommentFlag.objects.filter(comment=comment, user=user, flag=LIKEDIT_FLAG)
    if likes.delete()[0]:
        return False
    try:
        with transaction.atomic():
            CommentFlag.objects.create(comment=comment, user=user, flag=LIKEDIT_FLAG)
    except IntegrityError:
        pass  # a double click raced us to it: the like is there either way
    return True


def comment_threads_repair() -> int:
    """Recompute every thread's display order, levels and reply counts from the parent
    links (replies under their parent, siblings oldest first), as xtd would have stored them
    one post at a time. Returns how many comments were corrected. Rows are locked while it
    runs: replies posted meanwhile wait for it."""
    return threads_repair()


def threads_repair(**filters) -> int:
    """`comment_threads_repair` for the comments matching `filters` only (e.g. one article's:
    `content_type=…, object_pk=…`), as an importer that wrote rows directly needs."""
    fields = ["thread_id", "parent_id", "level", "order", "nested_count"]
    with transaction.atomic():
        rows = XtdComment.norel_objects.select_for_update().filter(**filters)
        rows = list(rows.only("pk", *fields).order_by("pk"))
        threads = defaultdict(list)
        for row in rows:
            threads[row.thread_id].append(row)
        changed = []
        for thread in threads.values():
            changed += _thread_repair(thread)
        XtdComment.norel_objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def _thread_repair(thread: list[XtdComment]) -> list[XtdComment]:
    by_pk = {row.pk: row for row in thread}
    children = defaultdict(list)
    starts = []  # the thread's first comment, then any reply whose parent is gone
    for row in thread:
        if row.parent_id == row.pk or row.parent_id not in by_pk:
            starts.append(row)
        else:
            children[row.parent_id].append(row)
    placed = []  # (row, level, order, nested_count)

    def place(row, level):
        index = len(placed)
        placed.append(None)
        for child in children[row.pk]:
            place(child, level + 1)
        placed[index] = (row, level, index + 1, len(placed) - index - 1)

    for row in starts:
        place(row, 0 if row.parent_id == row.pk else 1)
    changed = []
    for row, level, order, nested_count in placed:
        if (row.level, row.order, row.nested_count) != (level, order, nested_count):
            row.level, row.order, row.nested_count = level, order, nested_count
            changed.append(row)
    return changed
