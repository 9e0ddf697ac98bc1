"""A comment as the reader sent it: one immutable value, built by the comment form
(`CommentForm.submission`), that the posting service, the moderation pipeline and Akismet
all read, and the answer the posting service gives (`PostResult`)."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django_comments_xtd.models import XtdComment

from blog.models import Article
from comments.moderation.reasons import Decision


@dataclass(frozen=True, kw_only=True)
class CommentSubmission:
    article: Article
    user: AbstractBaseUser | None  # None for a guest
    name: str
    email: str
    url: str
    text: str
    parent: XtdComment | None = None
    notify_comments: bool = False  # follow the article's comments by email
    notify_posts: bool = False  # follow the blog's new posts by email
    ip_address: str | None = None
    user_agent: str = ""
    referrer: str = ""
    honeypot: str = ""  # the hidden field only robots fill
    rendered_at: float | None = None  # when the form was rendered (its signed timestamp)

    @property
    def is_reply(self) -> bool:
        return self.parent is not None

    @classmethod
    def of_comment(cls, comment: XtdComment, *, article: Article) -> "CommentSubmission":
        """A stored comment as it was submitted (what Akismet is told when an editor
        corrects its verdict)."""
        record = getattr(comment, "moderation", None)
        return cls(
            article=article,
            user=comment.user,
            name=comment.user_name,
            email=comment.user_email,
            url=comment.user_url,
            text=comment.comment,
            # Only the parent's id is at hand: enough for Akismet, which asks "is it a reply?"
            parent=XtdComment(pk=comment.parent_id) if comment.parent_id != comment.pk else None,
            ip_address=comment.ip_address,
            user_agent=record.user_agent if record else "",
            referrer=record.referrer if record else "",
        )


@dataclass(frozen=True)
class PostResult:
    """What `comment_post` stored, and what moderation decided about it."""

    comment: XtdComment
    decision: Decision

    @property
    def published(self) -> bool:
        return self.decision.is_public
