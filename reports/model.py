"""The plain data a digest or an alert is rendered from.

The store fills these; the templates only read them. Nothing here touches the
database or the network, so a report can be rendered from made-up data
(``reports.samples``) exactly as from real data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

ATTENTION_STATUSES = ("contradicted", "stale", "review")
REGIONS = ("china", "us", "elsewhere")
REGION_NAMES = {"china": "China", "us": "US", "elsewhere": "Elsewhere"}

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week_bounds(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written "2026-W48"; ValueError if there is none."""
    match = _WEEK.match(week.strip()) if isinstance(week, str) else None
    if not match:
        raise ValueError(f"{week!r} is not an ISO week; write YYYY-Www, e.g. 2026-W48")
    year, number = int(match[1]), int(match[2])
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError(f"{week!r}: {year} has no ISO week {number}") from None
    return monday, monday + timedelta(days=6)


def week_of(day: date) -> str:
    """The ISO week a day belongs to, written "2026-W48"."""
    year, number, _ = day.isocalendar()
    return f"{year:04d}-W{number:02d}"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


@dataclass(frozen=True)
class EvidenceLink:
    """A finding cited as evidence: what it is called, where it lives, when it appeared."""

    title: str
    url: str | None
    time: datetime | None
    source_id: str


@dataclass(frozen=True)
class AttentionItem:
    """An open flag: a claim of the page that a person should look at."""

    flag_id: int
    claim_id: str
    claim_text: str
    section: str
    status: str  # "contradicted" | "stale" | "review"
    rule: str
    reason: str
    suggestion: str
    evidence: list[EvidenceLink]
    opened_at: datetime

    def __post_init__(self) -> None:
        if self.status not in ATTENTION_STATUSES:
            raise ValueError(
                f"flag {self.flag_id}: status {self.status!r} is not one of "
                f"{', '.join(ATTENTION_STATUSES)}"
            )


@dataclass(frozen=True)
class ReleaseRow:
    """A model, release or post that appeared during the week."""

    region: str  # "china" | "us" | "elsewhere"
    lab: str
    title: str
    kind: str
    time: datetime | None
    license: str | None
    url: str | None

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ValueError(
                f"release {self.title!r}: region {self.region!r} is not one of "
                f"{', '.join(REGIONS)}"
            )


@dataclass(frozen=True)
class DueItem:
    """A claim whose review date falls soon."""

    claim_id: str
    claim_text: str
    due: date


@dataclass(frozen=True)
class SourceHealthRow:
    """How one source has been doing: its last outcome and its run of failures."""

    source_id: str
    lab: str
    category: str  # the last outcome's category, e.g. "ok", "timeout", "http-5xx"
    message: str
    consecutive_failures: int
    last_success: datetime | None
    recovered: bool  # failed earlier in the week, succeeds again now

    @property
    def failing(self) -> bool:
        return self.consecutive_failures > 0 and not self.recovered


def _in_attention_order(items: list[AttentionItem]) -> list[AttentionItem]:
    return sorted(
        items, key=lambda i: (ATTENTION_STATUSES.index(i.status), i.opened_at, i.claim_id)
    )


def _grouped_by_status(items: list[AttentionItem]) -> list[tuple[str, list[AttentionItem]]]:
    ordered = _in_attention_order(items)
    groups = [(s, [i for i in ordered if i.status == s]) for s in ATTENTION_STATUSES]
    return [(status, group) for status, group in groups if group]


def _count(items: list[AttentionItem], status: str) -> int:
    return sum(1 for item in items if item.status == status)


@dataclass
class Digest:
    """The report for one ISO week."""

    week: str
    start: date
    end: date
    generated_at: datetime
    attention: list[AttentionItem] = field(default_factory=list)
    releases: list[ReleaseRow] = field(default_factory=list)
    due_soon: list[DueItem] = field(default_factory=list)
    sources: list[SourceHealthRow] = field(default_factory=list)

    @classmethod
    def for_week(cls, week: str, generated_at: datetime, **parts: list) -> Digest:
        start, end = iso_week_bounds(week)
        return cls(week=week, start=start, end=end, generated_at=generated_at, **parts)

    @property
    def contradicted_count(self) -> int:
        return _count(self.attention, "contradicted")

    @property
    def stale_count(self) -> int:
        return _count(self.attention, "stale")

    @property
    def review_count(self) -> int:
        return _count(self.attention, "review")

    @property
    def new_release_count(self) -> int:
        return len(self.releases)

    @property
    def failing_source_count(self) -> int:
        return len(self.failing_sources)

    @property
    def subject(self) -> str:
        return (
            f"claimwatch {self.week}: {self.contradicted_count} contradicted, "
            f"{self.stale_count} stale, "
            f"{_plural(self.new_release_count, 'new release', 'new releases')}"
        )

    @property
    def attention_by_status(self) -> list[tuple[str, list[AttentionItem]]]:
        """Non-empty groups: contradicted first, then stale, then review; oldest flag first."""
        return _grouped_by_status(self.attention)

    @property
    def releases_by_region(self) -> list[tuple[str, list[tuple[str, list[ReleaseRow]]]]]:
        """[(region, [(lab, rows newest first)])], regions China, US, elsewhere; labs A-Z."""
        grouped = []
        for region in REGIONS:
            rows = [r for r in self.releases if r.region == region]
            labs = sorted({r.lab for r in rows}, key=str.casefold)
            by_lab = [(lab, _newest_first([r for r in rows if r.lab == lab])) for lab in labs]
            if by_lab:
                grouped.append((region, by_lab))
        return grouped

    @property
    def due_in_order(self) -> list[DueItem]:
        return sorted(self.due_soon, key=lambda d: (d.due, d.claim_id))

    @property
    def failing_sources(self) -> list[SourceHealthRow]:
        rows = [s for s in self.sources if s.failing]
        return sorted(rows, key=lambda s: (-s.consecutive_failures, s.source_id))

    @property
    def recovered_sources(self) -> list[SourceHealthRow]:
        return sorted((s for s in self.sources if s.recovered), key=lambda s: s.source_id)

    @property
    def catches_up(self) -> bool:
        """It starts before its week's Monday: no digest went out for the weeks before."""
        return self.start < iso_week_bounds(self.week)[0]

    @property
    def is_empty(self) -> bool:
        """Nothing to tell: no flags, no releases, nothing due, every source healthy."""
        return not (
            self.attention
            or self.releases
            or self.due_soon
            or self.failing_sources
            or self.recovered_sources
        )


def _newest_first(rows: list[ReleaseRow]) -> list[ReleaseRow]:
    dated = sorted((r for r in rows if r.time), key=lambda r: r.time, reverse=True)
    return dated + [r for r in rows if r.time is None]


@dataclass
class Alert:
    """Sent at once after a check that raised new flags (contradicted claims)."""

    check_time: datetime
    items: list[AttentionItem] = field(default_factory=list)

    @property
    def items_by_status(self) -> list[tuple[str, list[AttentionItem]]]:
        return _grouped_by_status(self.items)

    @property
    def headline(self) -> str:
        """ "2 claims contradicted" (with ", 1 stale" etc. if other statuses came along)."""
        contradicted = _count(self.items, "contradicted")
        parts = [f"{_plural(contradicted, 'claim', 'claims')} contradicted"]
        parts += [f"{_count(self.items, s)} {s}" for s in ("stale", "review")
                  if _count(self.items, s)]
        return ", ".join(parts)

    @property
    def subject(self) -> str:
        return f"claimwatch alert: {self.headline}"
