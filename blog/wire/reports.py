"""What an import did, feed by feed and item by item (kept by the task as a dict)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

OUTCOMES = ("new", "updated", "held", "unchanged", "skipped", "failed")


@dataclass
class ItemReport:
    outcome: str  # one of OUTCOMES
    title: str
    reason: str = ""
    article_id: int | None = None


@dataclass
class FeedReport:
    source: str
    url: str
    status: str = "ok"  # "ok", "not modified" or "failed"
    reason: str = ""
    items: list[ItemReport] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in OUTCOMES}

    @property
    def has_problems(self) -> bool:
        return self.status == "failed" or self.count("failed") > 0

    def describe(self) -> str:
        """One line for an editor: "3 new, 1 unchanged" or "failed: HTTP 500"."""
        if self.status == "failed":
            return f"failed: {self.reason}"
        if self.status == "not modified":
            return "not modified since the last import"
        parts = [f"{number} {outcome}" for outcome, number in self.counts.items() if number]
        text = ", ".join(parts) or "no items"
        return f"{text} ({self.reason})" if self.reason else text


@dataclass
class ImportSummary:
    """What one run did, feed by feed and item by item."""

    feeds: list[FeedReport] = field(default_factory=list)
    sources_without_feeds: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def totals(self) -> dict[str, int]:
        return {outcome: sum(feed.count(outcome) for feed in self.feeds) for outcome in OUTCOMES}

    @property
    def failed_feeds(self) -> int:
        return sum(1 for feed in self.feeds if feed.status == "failed")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportSummary:
        feeds = [
            FeedReport(**{**feed, "items": [ItemReport(**item) for item in feed["items"]]})
            for feed in data["feeds"]
        ]
        return cls(
            feeds=feeds,
            sources_without_feeds=data.get("sources_without_feeds", []),
            dry_run=data.get("dry_run", False),
        )
