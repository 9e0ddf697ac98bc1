"""Comments for tests and the benchmark (bench/ imports `make_discussion` and `make_users`).

`XtdComment.save()` works out each comment's place in its thread with several queries, which
makes 1,000 comments slow to create. `make_discussion` lays the tree out in Python instead
(thread_id, parent_id, level, order and nested_count, as xtd stores them) and writes it with
as few queries as multi-table inheritance allows. `add_comment` is the slow, real path for a
handful of comments (the one way tests store a comment directly); `comment_form_data` a valid
POST for the comment form (the one way tests build one); `submission` a comment as a reader
sends it, and `post` one posted through the service and its moderation.
"""

import datetime
import itertools
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_comments.models import Comment, CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from comments.discussion.forms import CommentForm
from comments.discussion.services import comment_post
from comments.discussion.submission import CommentSubmission

# Depth of each successive comment, cycled: top-level comments, short exchanges and one thread
# that goes as deep as the settings allow (clipped to what the tree and settings permit).
DEPTH_PATTERN = [0, 1, 2, 1, 0, 0, 1, 2, 3, 4, 0, 1, 0, 1, 1, 2]
# Likes per comment, cycled: many comments have none, some have several.
LIKES_PATTERN = [0, 3, 1, 0, 5, 2, 0, 1]

LOREM = (
    "Readers discuss the story here, sometimes at length. A link to www.example.org/source "
    "and one to https://example.com/report?id=42 get turned into links.\n\n"
    "A second paragraph, with “quotes”, an apostrophe’s worth and some Cyrillic: "
    "Слава Україні."
)


def make_users(prefix: str, count: int) -> list:
    """`count` accounts named prefix-1..N, created in one query."""
    User = get_user_model()
    password = make_password(None)
    User.objects.bulk_create(
        User(
            username=f"{prefix}-{n}",
            email=f"{prefix}-{n}@example.org",
            first_name=prefix.title(),
            last_name=str(n),
            password=password,
        )
        for n in range(1, count + 1)
    )
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))


def thread_layout(count: int, max_level: int) -> list[int | None]:
    """Parent index (or None) of each of `count` comments, listed in thread order (depth-first),
    with depths taken from DEPTH_PATTERN and never beyond `max_level`."""
    parents: list[int | None] = []
    path: list[int] = []  # indexes of the comments from the current top-level one down
    for index, wanted in zip(range(count), itertools.cycle(DEPTH_PATTERN), strict=False):
        depth = min(wanted, len(path), max_level)
        parents.append(path[depth - 1] if depth else None)
        path = [*path[:depth], index]
    return parents


@transaction.atomic
def make_discussion(article, count: int, *, commenters=(), likers=(), public=True) -> list:
    """Add `count` comments to `article`: mixed depths, every other one by a registered user
    from `commenters` (when given), liked by some of `likers`. Returns them in thread order."""
    content_type = ContentType.objects.get_for_model(article)
    start = datetime.datetime(2021, 10, 21, 15, 0, tzinfo=datetime.UTC)
    parents = thread_layout(count, settings.COMMENTS_XTD_MAX_THREAD_LEVEL)
    commenters = list(commenters)
    comments = []
    for index in range(count):
        user = commenters[(index // 2) % len(commenters)] if commenters and index % 2 else None
        comments.append(
            Comment(
                content_type=content_type,
                object_pk=str(article.pk),
                site_id=settings.SITE_ID,
                user=user,
                user_name=user.get_full_name() if user else f"Guest {index + 1}",
                user_email=user.email if user else f"guest-{index + 1}@example.org",
                user_url="" if index % 3 else f"https://guest{index + 1}.example.org/",
                comment=f"Comment {index + 1}. {LOREM}",
                submit_date=start + datetime.timedelta(minutes=index),
                is_public=public,
            )
        )
    # XtdComment extends django-comments' Comment (multi-table inheritance), which bulk_create
    # refuses: the Comment rows go in one query, then each XtdComment row as loaddata would
    # (raw: its own table only), with the thread data worked out here from the primary keys.
    Comment.objects.bulk_create(comments)
    threaded = []
    order_in_thread = {}
    for comment, parent_index in zip(comments, parents, strict=True):
        parent = threaded[parent_index] if parent_index is not None else None
        xtd = XtdComment(
            comment_ptr=comment,
            **{f.attname: getattr(comment, f.attname) for f in Comment._meta.concrete_fields},
        )
        xtd.parent_id = parent.pk if parent else comment.pk
        xtd.thread_id = parent.thread_id if parent else comment.pk
        xtd.level = parent.level + 1 if parent else 0
        order_in_thread[xtd.thread_id] = order_in_thread.get(xtd.thread_id, 0) + 1
        xtd.order = order_in_thread[xtd.thread_id]
        ancestor_index = parent_index
        while ancestor_index is not None:
            threaded[ancestor_index].nested_count += 1
            ancestor_index = parents[ancestor_index]
        threaded.append(xtd)
    for xtd in threaded:
        xtd.save_base(raw=True, force_insert=True)

    likers = list(likers)
    CommentFlag.objects.bulk_create(
        CommentFlag(comment=comment, user=user, flag=LIKEDIT_FLAG, flag_date=comment.submit_date)
        for comment, wanted in zip(threaded, itertools.cycle(LIKES_PATTERN), strict=False)
        for user in likers[:wanted]
    )
    return threaded


def add_comment(
    article, text="A comment.", *, parent=None, user=None, public=True, minutes_ago=None, **fields
):
    """One comment (or reply) saved the way xtd saves it: thread data computed by its save().
    `minutes_ago` dates it (comments in time order); `fields` sets any other column (e.g.
    user_name, user_url, is_removed)."""
    if minutes_ago is not None:
        fields["submit_date"] = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    comment = XtdComment(
        content_type=ContentType.objects.get_for_model(article),
        object_pk=str(article.pk),
        site_id=settings.SITE_ID,
        user=user,
        user_name=user.get_full_name() if user else fields.pop("user_name", "Olena"),
        user_email=user.email if user else fields.pop("user_email", "olena@example.org"),
        comment=text,
        parent_id=parent.pk if parent else 0,
        is_public=public,
        **fields,
    )
    comment.save()
    return comment


def comment_form_data(article, *, user=None, age: int = 0, **fields) -> dict:
    """A valid POST for the comment form of `article`, as a page rendered `age` seconds ago
    sends it: fresh security data plus a guest's details, with `fields` overriding (e.g.
    comment=..., reply_to=...)."""
    form = CommentForm(article, user=user)
    data = dict(form.initial)
    if age:
        data["timestamp"] = str(int(time.time()) - age)
        data["security_hash"] = form.initial_security_hash(int(data["timestamp"]))
    if user is None:
        data.update(name="Olena", email="olena@example.org", url="")
    data["honeypot"] = ""
    data["comment"] = "Thanks for the report."
    data.update(fields)
    return data


_addresses = itertools.count(1)


def submission(article, **fields) -> CommentSubmission:
    """A guest's comment on `article` as a person who took a minute to type it, from an
    address of its own unless `ip_address` is given; `fields` override."""
    n = next(_addresses)
    values = {
        "user": None,
        "name": "Rita Reader",
        "email": "rita@example.org",
        "url": "",
        "text": "A perfectly ordinary comment about the article.",
        "ip_address": f"192.0.2.{n % 250 + 1}",
        "user_agent": "Mozilla/5.0 (test)",
        "rendered_at": time.time() - 60,
    }
    values.update(fields)
    return CommentSubmission(article=article, **values)


def post(article, **fields) -> XtdComment:
    """Post `submission(article, **fields)` through the posting service (moderation
    included); returns the stored comment."""
    return comment_post(submission=submission(article, **fields)).comment


def post_form(client, article, **fields) -> XtdComment:
    """Send the comment form of `article` as a browser without JavaScript does (with
    `comment_form_data(article, **fields)`); returns the comment it stored."""
    response = client.post(
        reverse("comments:post", args=[article.pk]), comment_form_data(article, **fields)
    )
    assert response.status_code == 302, response.content[:500]
    return XtdComment.objects.latest("pk")
