"""The moderation pipeline's vocabulary: a check's `Reason`, the `Verdict` it asks for, and
the `Decision` that keeps the strictest verdict and every reason (shown to editors).
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"


SEVERITY = {Verdict.PUBLISH: 0, Verdict.HOLD: 1, Verdict.SPAM: 2}


@dataclass(frozen=True)
class Reason:
    """Why one check objected: its name (filterable in the admin), verdict and details."""

    check: str
    verdict: Verdict
    detail: str

    def as_dict(self) -> dict:
        return {"check": self.check, "verdict": str(self.verdict), "detail": self.detail}

    def __str__(self):
        return f"{self.check} ({self.verdict}): {self.detail}"


@dataclass
class Decision:
    verdict: Verdict = Verdict.PUBLISH
    reasons: list[Reason] = field(default_factory=list)

    @property
    def is_public(self) -> bool:
        return self.verdict == Verdict.PUBLISH

    def add(self, reason: Reason) -> None:
        self.reasons.append(reason)
        if SEVERITY[reason.verdict] > SEVERITY[self.verdict]:
            self.verdict = reason.verdict

    def withdraw(self, reason: Reason) -> None:
        """Drop `reason`, the verdict becoming the strictest of the others'."""
        self.reasons.remove(reason)
        self.verdict = max(
            (r.verdict for r in self.reasons), key=SEVERITY.__getitem__, default=Verdict.PUBLISH
        )


# Every check's name, as stored in CommentModeration.reasons and offered by the admin filter.
CHECK_LABELS = {
    "honeypot": "Honeypot filled",
    "link_markup": "Link markup",
    "gibberish": "Random letters",
    "blocklist": "Blocklist (spam)",
    "moderation_list": "Blocklist (hold)",
    "links": "Too many links",
    "off_topic_promotion": "Short off-topic promotion",
    "flood": "Same text as others",
    "blocked_commenter": "Blocked commenter",
    "first_comment": "First comment",
    "learned": "Learned filter",
    "akismet": "Akismet: spam",
    "akismet_error": "Akismet unavailable",
    "reports": "Reported by readers",
}
