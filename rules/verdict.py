"""What a rule concludes about one claim. Plain data, computed, never edited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    CONTRADICTED = "contradicted"
    REVIEW = "review"

    @property
    def rank(self) -> int:
        """Attention order: contradicted first, then stale, then review."""
        return {"contradicted": 0, "stale": 1, "review": 2, "fresh": 3}[self.value]


@dataclass(frozen=True)
class Evidence:
    """A finding cited by a verdict."""

    source_id: str
    key: str
    title: str
    url: str | None
    time: datetime | None


@dataclass(frozen=True)
class Verdict:
    """One rule's conclusion about one claim.

    ``cause`` identifies *why* in a stable way ("superseded:qwen:3.5"), so the same
    cause seen again on the next check is recognised and not raised twice.
    ``reason`` says in one sentence what changed; ``suggestion`` what the text could
    become (may be empty). ``edits`` are the in-place replacements (old span, new span)
    the rule proposes for the claim's sentence; the engine composes every verdict's
    edits of a claim into one edited sentence (rules/suggest.py).
    """

    claim_id: str
    rule: str
    status: Status
    cause: str
    reason: str
    suggestion: str = ""
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    edits: tuple[tuple[str, str], ...] = ()
