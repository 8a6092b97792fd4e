"""What the rules see of the world: findings with their source, and each source's health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sources.finding import Finding


@dataclass(frozen=True)
class Observation:
    """A stored finding together with the source that reported it."""

    source_id: str
    source_kind: str
    lab: str
    region: str
    finding: Finding
    first_seen: datetime
    # when the source last reported it; a finding older than its source's newest
    # last_seen was missing from the latest listing (None: unknown, treated as listed)
    last_seen: datetime | None = None

    @property
    def time(self) -> datetime | None:
        """When the item appeared in the world: published, else updated, else None."""
        return self.finding.published or self.finding.updated


@dataclass(frozen=True)
class SourceHealth:
    """Whether a source's last poll can be trusted as evidence of absence."""

    source_id: str
    source_kind: str
    lab: str
    ok: bool  # the last poll ended ok or not-modified
    complete: bool  # the last listing covered everything the source has
