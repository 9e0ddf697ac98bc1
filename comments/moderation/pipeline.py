"""What happens to a submitted comment: refused, published, held for moderation, or spam.

`comment_verdict` is the single entry point the posting service calls. Two kinds of outcome:

- a *refusal* (`CommentRejected`) for submissions that are not stored at all because the
  reader can simply send them again: a form sent faster than a human types, a reader over the
  rate limit, the same text posted twice by the same person on the same article. The view
  shows the message above the form, with the text still in it.
- a *verdict* for everything stored: each cheap, independent check
  (`comments.moderation.checks`) returns a `Reason` when it objects; the strictest verdict
  wins (spam > hold > publish) and every reason is kept for editors. A held or spam comment
  is stored hidden (`is_public=False`), never dropped.

Akismet (`comments.moderation.akismet`), when configured, is asked last (and not at all when
a local check already says spam); if it errors or times out the comment is held, so nothing
is published unchecked.

The learned filter (`comments.moderation.learned`, trained by editors' decisions) is asked
when Akismet gave no answer (off, skipped, or failed): Akismet, when it answers, stays
authoritative, and the local statistics do not overrule its "not spam". Once trained, a
verdict of "legitimate" lifts the holds that only stand in for an opinion nobody had
(`lifted_by_learning`); it never lifts a spam verdict nor a blocklist's hold.
"""

import math
import time

from django.conf import settings

from comments.discussion.selectors import comments_on
from comments.discussion.submission import CommentSubmission
from comments.models import BlocklistEntry, CommentModeration
from comments.moderation.akismet import akismet_enabled, check_akismet
from comments.moderation.checks import (
    PROMOTING_WEBSITE,
    check_blocked_commenter,
    check_blocklist,
    check_first_comment,
    check_flood,
    check_gibberish,
    check_honeypot,
    check_link_markup,
    check_links,
    check_off_topic_promotion,
    same_author,
    same_text,
    sends_readers_nowhere,
)
from comments.moderation.learned import learned_clears, learned_reason, learned_score
from comments.moderation.reasons import Decision, Reason, Verdict
from comments.ratelimit import Subjects, rate_limit_record, rate_limit_wait

# --- Refusals: form timing, rate limits, same-person duplicates -------------------------------


class CommentRejected(Exception):
    """A submission that is not stored; `message` tells the reader why and what to do."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PostingTooFast(CommentRejected):
    status = 429

    def __init__(self, wait_seconds: int):
        self.wait_seconds = max(1, wait_seconds)
        unit = "second" if self.wait_seconds == 1 else "seconds"
        super().__init__(f"You are posting too fast, please wait {self.wait_seconds} {unit}.")


class SentTooSoon(CommentRejected):
    def __init__(self, wait_seconds: int):
        self.wait_seconds = max(1, wait_seconds)
        unit = "second" if self.wait_seconds == 1 else "seconds"
        super().__init__(
            "Your comment was sent within moments of the page opening, as spam robots do. "
            f"Please wait {self.wait_seconds} {unit} and send it again: your text is kept below."
        )


class DuplicateComment(CommentRejected):
    """`existing` is the stored comment the reader can be led to (None when it was marked
    spam or removed: then they only hear that it was said already)."""

    def __init__(self, existing=None):
        super().__init__("Duplicate comment: it looks as though you have already said that here.")
        self.existing = existing


def check_timing(rendered_at: float | None) -> None:
    """Refuse a form sent sooner after rendering than a person could have typed into it.

    `rendered_at` is django-comments' signed form timestamp (whole seconds), so the measured
    time is up to a second longer than the real one."""
    if rendered_at is None:
        return
    minimum = settings.COMMENTS_MIN_SUBMIT_SECONDS
    age = time.time() - rendered_at
    if age < minimum:
        raise SentTooSoon(math.ceil(minimum - age))


def _rate_subjects(submission: CommentSubmission) -> Subjects:
    ip_address, email, user = submission.ip_address, submission.email, submission.user
    subjects = []
    if ip_address:
        subjects.append((f"ip:{ip_address}", settings.COMMENTS_RATE_PER_IP))
    if user is not None:
        subjects.append((f"user:{user.pk}", settings.COMMENTS_RATE_PER_AUTHOR))
    elif email:
        subjects.append((f"email:{email.strip().lower()}", settings.COMMENTS_RATE_PER_AUTHOR))
    return subjects


def rate_limit_check(submission: CommentSubmission) -> None:
    """Refuse a comment when its IP address or author already posted the allowed number of
    comments within the window (the limit holds across workers: see comments.ratelimit)."""
    wait = rate_limit_wait(_rate_subjects(submission), window=settings.COMMENTS_RATE_WINDOW)
    if wait:
        raise PostingTooFast(wait)


def rate_limit_count(submission: CommentSubmission) -> None:
    """Count a stored comment against its IP address and author."""
    rate_limit_record(_rate_subjects(submission), window=settings.COMMENTS_RATE_WINDOW)


def check_own_duplicate(submission: CommentSubmission) -> None:
    """Refuse the same text by the same person on the same article: a double click, or a
    comment sent again because the answer to the first was lost (a dropped connection)."""
    same = comments_on(submission.article).filter(
        same_author(user=submission.user, email=submission.email),
        same_text(submission.text),
        is_removed=False,
    )
    if same.exists():
        shown = CommentModeration.Status.PUBLISHED, CommentModeration.Status.HELD
        raise DuplicateComment(same.filter(moderation__status__in=shown).first())


# --- The pipeline --------------------------------------------------------------------------

# Holds that guess at what nobody has judged yet: many links, a short promotion sharing no
# word with the article (WordPress holds the first for the same reason). The filter trained
# on this site's decisions is that judgement, so its "legitimate" lifts them; the spam
# terms, the blocklists' holds, Akismet and the filter's own doubts stay.
LIFTED_BY_LEARNING = frozenset({"links", "off_topic_promotion"})


def lifted_by_learning(reason: Reason) -> bool:
    """Whether the trained filter's "legitimate" withdraws `reason`. Not for a short comment
    promoting its website field: stock praise ("Great post, thanks!") in front of a website
    is the spam written to read like approved comments, so the text's score says least
    there (in the measured corpora 32 spam and no legitimate comment were held so)."""
    return reason.check in LIFTED_BY_LEARNING and PROMOTING_WEBSITE not in reason.detail


def comment_verdict(submission: CommentSubmission) -> Decision:
    """Decide what to do with a new comment, or raise `CommentRejected`. Without any check
    objecting it is published (WordPress's default for a site that does not hold first
    comments). Editors' own comments skip the checks."""
    decision = Decision()
    user, name, email, text = submission.user, submission.name, submission.email, submission.text
    if user is not None and user.is_staff:
        return decision

    honeypot_reason = check_honeypot(submission.honeypot)
    if honeypot_reason:
        # Stored as spam without a word: a robot learns nothing from the answer.
        decision.add(honeypot_reason)
    else:
        check_timing(submission.rendered_at)
    # A comment sent again is answered with the stored one, whatever the rate limit says.
    check_own_duplicate(submission)
    rate_limit_check(submission)

    entries = list(BlocklistEntry.objects.all())
    checks = [
        check_blocked_commenter(user=user, email=email),
        check_link_markup(text),
        check_gibberish(text),
        *check_blocklist(name=name, email=email, url=submission.url, text=text, entries=entries),
        check_links(text),
        check_off_topic_promotion(text=text, url=submission.url, article=submission.article),
        check_flood(user=user, email=email, text=text),
        check_first_comment(user=user, name=name, email=email),
    ]
    for reason in checks:
        if reason is not None:
            decision.add(reason)

    akismet_answered = False
    if akismet_enabled() and decision.verdict != Verdict.SPAM:
        reason = check_akismet(submission)
        akismet_answered = reason is None or reason.check == "akismet"
        if reason is not None:
            decision.add(reason)
    if not akismet_answered:
        score = learned_score(text=text, name=name, email=email, url=submission.url)
        reason = learned_reason(
            score, sends_nowhere=sends_readers_nowhere(text=text, url=submission.url)
        )
        if reason is not None:
            decision.add(reason)
        elif learned_clears(score):
            for held in [r for r in decision.reasons if lifted_by_learning(r)]:
                decision.withdraw(held)
    return decision
