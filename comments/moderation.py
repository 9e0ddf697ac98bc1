"""What happens to a submitted comment: publish, hold for moderation, or spam.

`comment_verdict` is the single entry point the posting service calls. Each check returns a
reason when it objects; the strictest verdict wins, and the reasons are kept for editors.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"


@dataclass
class Decision:
    verdict: Verdict = Verdict.PUBLISH
    reasons: list[str] = field(default_factory=list)

    @property
    def is_public(self) -> bool:
        return self.verdict == Verdict.PUBLISH


def comment_verdict(*, article, user, name, email, url, text, ip_address, user_agent) -> Decision:
    """Decide what to do with a new comment. Without any check objecting, it is published
    (WordPress's default for a site that does not hold first comments)."""
    return Decision()
