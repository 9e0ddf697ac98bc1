"""Writes of the discussion: post a comment, like or unlike one."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from comments import moderation


def comment_post(
    *,
    article,
    user,
    name: str,
    email: str,
    url: str,
    text: str,
    parent: XtdComment | None = None,
    notify: bool = False,
    ip_address: str | None = None,
    user_agent: str = "",
) -> XtdComment:
    """Store a reader's comment (or reply) on `article`. Moderation decides whether it is
    published at once; a held or spam comment is kept, never dropped."""
    user = user if user is not None and user.is_authenticated else None
    decision = moderation.comment_verdict(
        article=article,
        user=user,
        name=name,
        email=email,
        url=url,
        text=text,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    comment = XtdComment(
        content_type=ContentType.objects.get_for_model(article),
        object_pk=str(article.pk),
        site_id=settings.SITE_ID,
        user=user,
        user_name=name[:50],
        user_email=email,
        user_url=url,
        comment=text,
        submit_date=timezone.now(),
        ip_address=ip_address,
        is_public=decision.is_public,
        parent_id=parent.pk if parent else 0,
        followup=notify,
    )
    # xtd saves in two steps (insert, then thread position): both or nothing.
    with transaction.atomic():
        comment.save()
    comment.decision = decision
    return comment


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


def like_count(comment: XtdComment) -> int:
    return CommentFlag.objects.filter(comment=comment, flag=LIKEDIT_FLAG).count()
