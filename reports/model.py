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
# Every status a claim can have, worst first, and the one word each is counted and
# headed under in the digest, the alert, the dashboard and the CLI.
CLAIM_STATUSES = (*ATTENTION_STATUSES, "unchecked", "fresh")
STATUS_WORDS = {"contradicted": "contradicted", "stale": "stale", "review": "to review",
                "unchecked": "unchecked", "fresh": "fresh"}
AGE_RULE = "age"
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
    """An open flag: one cause for a person to look at a claim of the page.

    ``review_due`` and ``watched`` are the claim's: when its review fell due, and the
    source ids it watches (empty: every source).
    """

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
    review_due: date | None = None
    watched: tuple[str, ...] = ()

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


@dataclass(frozen=True)
class ClaimCard:
    """One claim and all its open causes, worst first; its status is the worst cause's."""

    claim_id: str
    claim_text: str
    section: str
    causes: tuple[AttentionItem, ...]

    @property
    def status(self) -> str:
        return self.causes[0].status

    @property
    def opened_at(self) -> datetime:
        return min(cause.opened_at for cause in self.causes)

    @property
    def age_only(self) -> bool:
        """Stale only because its review fell due: nothing a source said is against it."""
        return all(cause.rule == AGE_RULE for cause in self.causes)

    @property
    def review_due(self) -> date | None:
        return self.causes[0].review_due

    @property
    def watched(self) -> tuple[str, ...]:
        return self.causes[0].watched

    @property
    def flag_ids(self) -> list[int]:
        return [cause.flag_id for cause in self.causes]


def _cause_order(item: AttentionItem) -> tuple[int, datetime, int]:
    return ATTENTION_STATUSES.index(item.status), item.opened_at, item.flag_id


def claim_cards(items: list[AttentionItem]) -> list[ClaimCard]:
    """One card per claim, worst status first, then the longest open, then by claim id."""
    by_claim: dict[str, list[AttentionItem]] = {}
    for item in items:
        by_claim.setdefault(item.claim_id, []).append(item)
    cards = [
        ClaimCard(claim_id, causes[0].claim_text, causes[0].section,
                  tuple(sorted(causes, key=_cause_order)))
        for claim_id, causes in by_claim.items()
    ]
    return sorted(cards, key=lambda c: (ATTENTION_STATUSES.index(c.status), c.opened_at,
                                        c.claim_id))


def _grouped_by_status(cards: list[ClaimCard]) -> list[tuple[str, list[ClaimCard]]]:
    groups = [(s, [c for c in cards if c.status == s]) for s in ATTENTION_STATUSES]
    return [(status, group) for status, group in groups if group]


@dataclass(frozen=True)
class ClaimTally:
    """Claims counted by status, and open flags: the one summary every report prints."""

    counts: dict[str, int]
    open_flags: int

    @classmethod
    def of(cls, statuses: list[str], open_flags: int) -> ClaimTally:
        counts = dict.fromkeys(CLAIM_STATUSES, 0)
        for status in statuses:
            counts[status] += 1
        return cls(counts, open_flags)

    @property
    def flagged_claims(self) -> int:
        return sum(self.counts[status] for status in ATTENTION_STATUSES)

    @property
    def claims(self) -> int:
        return sum(self.counts.values())

    def line(self, statuses: tuple[str, ...] = CLAIM_STATUSES) -> str:
        """ "2 contradicted, 5 stale, 3 to review, 1 unchecked, 40 fresh" """
        return ", ".join(f"{self.counts[s]} {STATUS_WORDS[s]}" for s in statuses)

    @property
    def flags_line(self) -> str:
        """ "14 open flags on 10 claims" """
        return (f"{_plural(self.open_flags, 'open flag', 'open flags')} on "
                f"{_plural(self.flagged_claims, 'claim', 'claims')}")


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
    # the active claims with no open flag: judged as they read now, or not
    fresh_count: int = 0
    unchecked_count: int = 0

    @classmethod
    def for_week(cls, week: str, generated_at: datetime, **parts: list) -> Digest:
        start, end = iso_week_bounds(week)
        return cls(week=week, start=start, end=end, generated_at=generated_at, **parts)

    @property
    def cards(self) -> list[ClaimCard]:
        return claim_cards(self.attention)

    @property
    def tally(self) -> ClaimTally:
        statuses = [card.status for card in self.cards]
        statuses += ["unchecked"] * self.unchecked_count + ["fresh"] * self.fresh_count
        return ClaimTally.of(statuses, len(self.attention))

    @property
    def contradicted_count(self) -> int:
        return self.tally.counts["contradicted"]

    @property
    def stale_count(self) -> int:
        return self.tally.counts["stale"]

    @property
    def review_count(self) -> int:
        return self.tally.counts["review"]

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
    def attention_by_status(self) -> list[tuple[str, list[ClaimCard]]]:
        """Cards in non-empty groups by status, contradicted first; age-only ones left out."""
        return _grouped_by_status([card for card in self.cards if not card.age_only])

    @property
    def age_only(self) -> list[ClaimCard]:
        """Claims stale only because their review fell due, the longest overdue first."""
        return _age_only(self.cards)

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


def _age_only(cards: list[ClaimCard]) -> list[ClaimCard]:
    overdue = [card for card in cards if card.age_only]
    return sorted(overdue, key=lambda c: (c.review_due or date.max, c.claim_id))


def _newest_first(rows: list[ReleaseRow]) -> list[ReleaseRow]:
    dated = sorted((r for r in rows if r.time), key=lambda r: r.time, reverse=True)
    return dated + [r for r in rows if r.time is None]


@dataclass
class Alert:
    """Sent at once after a check that raised new flags (contradicted claims).

    ``items`` are every open cause of the claims alerted about; ``new_flag_ids`` the
    flags this alert is for (empty: all of them).
    """

    check_time: datetime
    items: list[AttentionItem] = field(default_factory=list)
    new_flag_ids: frozenset[int] = frozenset()

    def is_new(self, item: AttentionItem) -> bool:
        return not self.new_flag_ids or item.flag_id in self.new_flag_ids

    @property
    def new_marks(self) -> frozenset[int] | None:
        """The flags to mark "new": only when older causes are shown beside them."""
        if all(self.is_new(item) for item in self.items):
            return None
        return self.new_flag_ids

    @property
    def cards(self) -> list[ClaimCard]:
        return claim_cards(self.items)

    @property
    def items_by_status(self) -> list[tuple[str, list[ClaimCard]]]:
        return _grouped_by_status([card for card in self.cards if not card.age_only])

    @property
    def age_only(self) -> list[ClaimCard]:
        return _age_only(self.cards)

    @property
    def headline(self) -> str:
        """ "2 claims contradicted" (with ", 1 stale" etc. if other statuses came along),
        counting claims by their worst cause."""
        counts = ClaimTally.of([card.status for card in self.cards], len(self.items)).counts
        parts = [f"{_plural(counts['contradicted'], 'claim', 'claims')} contradicted"]
        parts += [f"{counts[s]} {STATUS_WORDS[s]}" for s in ("stale", "review") if counts[s]]
        return ", ".join(parts)

    @property
    def subject(self) -> str:
        return f"claimwatch alert: {self.headline}"
