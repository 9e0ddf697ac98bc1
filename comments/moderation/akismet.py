"""Akismet, when AKISMET_API_KEY is set: asked about each new comment that no local check
already calls spam (an error or a timeout holds the comment), and told editors' corrections
(spam, not spam).
"""

import logging
from datetime import UTC

import akismet
import httpx
from django.conf import settings
from django_comments_xtd.models import XtdComment

from blog.models import Article
from comments.discussion.submission import CommentSubmission
from comments.moderation.reasons import Reason, Verdict

logger = logging.getLogger(__name__)


def akismet_enabled() -> bool:
    return bool(settings.AKISMET_API_KEY)


def _akismet_http_client() -> httpx.Client:
    # Our own client, for our timeout (the package's default, 1 s, comes from an
    # environment variable read at import time).
    return httpx.Client(
        headers={"User-Agent": akismet.USER_AGENT}, timeout=settings.AKISMET_TIMEOUT
    )


def _akismet_config() -> akismet.Config:
    return akismet.Config(key=settings.AKISMET_API_KEY, url=settings.AKISMET_SITE_URL)


def akismet_fields(submission: CommentSubmission) -> dict:
    """The comment-check fields Akismet recommends, from what Wirepress knows."""
    user = submission.user
    fields = {
        "user_ip": submission.ip_address or "",
        "comment_type": "reply" if submission.is_reply else "comment",
        "comment_author": submission.name,
        "comment_author_email": submission.email,
        "comment_author_url": submission.url,
        "comment_content": submission.text,
        "permalink": settings.AKISMET_SITE_URL.rstrip("/") + submission.article.get_absolute_url(),
        "user_agent": submission.user_agent,
        "referrer": submission.referrer,
        "blog_lang": settings.LANGUAGE_CODE.split("-")[0],
        "blog_charset": "UTF-8",
    }
    if user is not None and user.is_staff:
        fields["user_role"] = "administrator"
    if settings.AKISMET_IS_TEST:
        fields["is_test"] = True
    # Akismet requires the IP address, even empty; the other fields are optional.
    return {
        key: value for key, value in fields.items() if key == "user_ip" or value not in ("", None)
    }


def check_akismet(submission: CommentSubmission) -> Reason | None:
    """Ask Akismet. Spam (or blatant spam) → spam; an error or a timeout → hold."""
    try:
        with _akismet_http_client() as http:
            client = akismet.SyncClient(config=_akismet_config(), http_client=http)
            answer = client.comment_check(**akismet_fields(submission))
    except akismet.AkismetError as exc:
        logger.warning("Akismet check failed: %s", exc)
        return Reason("akismet_error", Verdict.HOLD, f"Akismet did not answer ({exc}); held")
    if answer == akismet.CheckResponse.DISCARD:
        return Reason("akismet", Verdict.SPAM, "Akismet: blatant spam")
    if answer == akismet.CheckResponse.SPAM:
        return Reason("akismet", Verdict.SPAM, "Akismet: spam")
    return None


def akismet_submit(comment: XtdComment, *, spam: bool) -> bool:
    """Tell Akismet an editor's correction (spam, or not spam). False when Akismet is off,
    the IP address is already cleared (Akismet requires it) or the call fails."""
    if not akismet_enabled() or not comment.ip_address:
        return False
    article = Article.objects.filter(pk=comment.object_pk).first()
    if article is None:
        return False
    fields = akismet_fields(CommentSubmission.of_comment(comment, article=article))
    fields["comment_date_gmt"] = comment.submit_date.astimezone(UTC).isoformat()
    try:
        with _akismet_http_client() as http:
            client = akismet.SyncClient(config=_akismet_config(), http_client=http)
            send = client.submit_spam if spam else client.submit_ham
            return send(**fields)
    except akismet.AkismetError as exc:
        logger.warning("Akismet %s report failed: %s", "spam" if spam else "ham", exc)
        return False
