"""What the dashboard reads: claims with their status, open flags, history, weekly counts.

A claim's status is the verdict of its worst open flag (contradicted, then stale, then
review); an acknowledged flag still counts as open, a snoozed, dismissed or resolved
one does not. A claim with no open flag is fresh if a check judged it as it reads now,
and unchecked if none did (new, or changed since: see :func:`judged`).

The weekly series are counted per ISO week. Open flags per week are reconstructed
from the flag events, so the chart shows what the store looked like at each week's
end, not what it looks like now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ClaimRevisionRow, ClaimRow, FindingRow, FlagEventRow, FlagRow, SourceRow

SEVERITY = ("contradicted", "stale", "review")  # worst first
CLAIM_STATUSES = (*SEVERITY, "unchecked", "fresh")
OPEN = ("open", "acknowledged")
REGIONS = ("china", "us", "elsewhere")
RELEASE_KINDS = ("model", "release", "package")  # posts and papers talk about releases

# What each flag event leaves the flag as; events not named here (alerted, ...) leave
# the state as it was.
_STATE_AFTER = {
    "opened": "open", "reopened": "open", "woke": "open",
    "acknowledged": "acknowledged", "snoozed": "snoozed",
    "dismissed": "dismissed", "resolved": "resolved", "verified": "resolved",
}


@dataclass(frozen=True)
class EvidenceView:
    title: str
    url: str | None
    source_id: str
    time: datetime | None


@dataclass(frozen=True)
class FlagView:
    """An open flag as a reader needs it."""

    id: int
    claim_id: str
    verdict: str  # contradicted | stale | review
    status: str  # open | acknowledged
    rule: str
    reason: str
    suggestion: str
    evidence: tuple[EvidenceView, ...]
    opened_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a claim or to one of its flags."""

    at: datetime
    by: str
    subject: str  # "claim" or "flag #12"
    action: str
    note: str


@dataclass(frozen=True)
class ClaimView:
    id: str
    page: str
    section: str
    text: str
    subject: str
    as_of: str
    review_every: str
    status: str  # contradicted | stale | review | unchecked | fresh
    flags: tuple[FlagView, ...]  # open ones, worst first
    history: tuple[HistoryEntry, ...]  # oldest first
    watch: tuple[str, ...] = ()  # the source ids it watches; empty: every source

    @property
    def age_only(self) -> bool:
        """Flagged only because its review fell due (rule ``age``)."""
        return bool(self.flags) and all(flag.rule == "age" for flag in self.flags)

    @property
    def reason(self) -> str:
        """Why the claim has its status, in one line."""
        if not self.flags:
            if self.status == "unchecked":
                return "Not judged yet: no check has run since the claim was added or changed."
            return f"No open flag; as of {self.as_of}."
        return self.flags[0].reason


def claim_status(verdicts: Iterable[str], *, judged: bool = True) -> str:
    """The worst of some open flags' verdicts; "fresh" (or "unchecked") when there are none."""
    seen = set(verdicts)
    return next((status for status in SEVERITY if status in seen),
                "fresh" if judged else "unchecked")


def judged(row: ClaimRow) -> bool:
    """Whether a check judged the claim as it reads now (not before its last change)."""
    return row.judged_at is not None and row.judged_at >= row.updated_at


def _severity(verdict: str) -> int:
    return SEVERITY.index(verdict) if verdict in SEVERITY else len(SEVERITY)


def open_flags(session: Session) -> dict[str, list[FlagView]]:
    """Open and acknowledged flags by claim id, worst verdict first, then oldest."""
    rows = session.scalars(select(FlagRow).where(FlagRow.status.in_(OPEN)).order_by(FlagRow.id))
    by_claim: dict[str, list[FlagView]] = defaultdict(list)
    for row in rows:
        by_claim[row.claim_id].append(_flag_view(row))
    for flags in by_claim.values():
        flags.sort(key=lambda flag: (_severity(flag.verdict), flag.opened_at, flag.id))
    return dict(by_claim)


def _flag_view(row: FlagRow) -> FlagView:
    return FlagView(
        id=row.id, claim_id=row.claim_id, verdict=row.verdict, status=row.status,
        rule=row.rule, reason=row.reason, suggestion=row.suggestion or "",
        evidence=tuple(_evidence_view(item) for item in row.evidence or ()),
        opened_at=row.opened_at,
    )


def _evidence_view(item: dict[str, Any]) -> EvidenceView:
    stamp = item.get("time")
    when = None
    if isinstance(stamp, str):
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            when = None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    url = item.get("url")
    return EvidenceView(
        title=str(item.get("title") or item.get("key") or "untitled"),
        url=url if isinstance(url, str) else None,
        source_id=str(item.get("source_id") or ""),
        time=when,
    )


def claim_history(session: Session, claim_ids: Sequence[str]) -> dict[str, list[HistoryEntry]]:
    """Claim revisions and flag events of each claim, merged oldest first."""
    history: dict[str, list[HistoryEntry]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return history
    revisions = session.scalars(
        select(ClaimRevisionRow).where(ClaimRevisionRow.claim_id.in_(claim_ids))
    )
    for rev in revisions:
        history[rev.claim_id].append(
            HistoryEntry(rev.at, rev.by, "claim", rev.action, _revision_note(rev))
        )
    events = session.execute(
        select(FlagEventRow, FlagRow.claim_id, FlagRow.verdict)
        .join(FlagRow, FlagRow.id == FlagEventRow.flag_id)
        .where(FlagRow.claim_id.in_(claim_ids))
    )
    for event, claim_id, verdict in events:
        history[claim_id].append(
            HistoryEntry(event.at, event.by, f"{verdict} flag #{event.flag_id}", event.action,
                         event.note or "")
        )
    for entries in history.values():
        entries.sort(key=lambda entry: entry.at)
    return history


def _revision_note(rev: ClaimRevisionRow) -> str:
    after = rev.after or {}
    before = rev.before or {}
    changes = [
        f"{name} {before.get(name)!s} → {after[name]!s}"
        for name in ("as_of", "text") if name in after and before.get(name) != after[name]
    ]
    if rev.action == "created":
        return f"as of {after.get('as_of', '?')}"
    return "; ".join(changes) or ", ".join(sorted(after)) or ""


def claims_with_status(session: Session) -> list[ClaimView]:
    """Every active claim with its status, open flags and history, worst first."""
    rows = list(session.scalars(
        select(ClaimRow).where(ClaimRow.status == "active").order_by(ClaimRow.page, ClaimRow.id)
    ))
    flags = open_flags(session)
    history = claim_history(session, [row.id for row in rows])
    views = [
        ClaimView(
            id=row.id, page=row.page, section=row.section, text=row.text, subject=row.subject,
            as_of=row.as_of, review_every=row.review_every,
            status=claim_status((flag.verdict for flag in flags.get(row.id, ())),
                                judged=judged(row)),
            flags=tuple(flags.get(row.id, ())), history=tuple(history[row.id]),
            watch=_watch(row.expectations),
        )
        for row in rows
    ]
    return sorted(views, key=lambda view: CLAIM_STATUSES.index(view.status))


def _watch(expectations: dict[str, Any] | None) -> tuple[str, ...]:
    watch = (expectations or {}).get("watch")
    return tuple(str(source_id) for source_id in watch) if isinstance(watch, list) else ()


# ---------------------------------------------------------------- weekly series


def week_of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year:04d}-W{number:02d}"


def last_weeks(now: datetime, count: int = 12) -> list[str]:
    """The ``count`` ISO weeks ending with the one ``now`` falls in, oldest first."""
    monday = now.astimezone(UTC).date() - timedelta(days=now.astimezone(UTC).weekday())
    return [week_of(monday - timedelta(weeks=back)) for back in range(count - 1, -1, -1)]


def _week_start(week: str) -> datetime:
    year, number = week.split("-W")
    return datetime.combine(date.fromisocalendar(int(year), int(number), 1), time(), tzinfo=UTC)


def releases_per_week(session: Session, weeks: Sequence[str]) -> dict[str, dict[str, int]]:
    """New releases per week and region, dated by publication, else by first sight."""
    counts = {week: dict.fromkeys(REGIONS, 0) for week in weeks}
    if not weeks:
        return counts
    start, end = _week_start(weeks[0]), _week_start(weeks[-1]) + timedelta(weeks=1)
    query = (
        select(FindingRow.published, FindingRow.first_seen, SourceRow.region)
        .join(SourceRow, SourceRow.id == FindingRow.source_id)
        .where(FindingRow.kind.in_(RELEASE_KINDS))
    )
    for published, first_seen, region in session.execute(query):
        when = published or first_seen
        if not start <= when < end:
            continue
        week = week_of(when.date())
        if week in counts:
            bucket = region if region in REGIONS else "elsewhere"
            counts[week][bucket] += 1
    return counts


def open_flags_per_week(session: Session, weeks: Sequence[str]) -> dict[str, dict[str, int]]:
    """Flags open (or acknowledged) at the end of each week, by verdict.

    A flag's verdict is the one it has now: a cause keeps its verdict, so this is
    what it was then too.
    """
    counts = {week: dict.fromkeys(SEVERITY, 0) for week in weeks}
    events: dict[int, list[tuple[datetime, int, str]]] = defaultdict(list)
    verdicts: dict[int, str] = {}
    query = select(FlagEventRow.flag_id, FlagEventRow.at, FlagEventRow.id,
                   FlagEventRow.action, FlagRow.verdict).join(
        FlagRow, FlagRow.id == FlagEventRow.flag_id)
    for flag_id, at, event_id, action, verdict in session.execute(query):
        events[flag_id].append((at, event_id, action))
        verdicts[flag_id] = verdict
    cutoffs = [_week_start(week) + timedelta(weeks=1) for week in weeks]
    for flag_id, history in events.items():
        history.sort()
        verdict = verdicts[flag_id]
        if verdict not in SEVERITY:
            continue
        for week, cutoff in zip(weeks, cutoffs, strict=True):
            if state_at(history, cutoff) in OPEN:
                counts[week][verdict] += 1
    return counts


def state_at(history: Sequence[tuple[datetime, int, str]], moment: datetime) -> str | None:
    """A flag's state just before ``moment``, from its events (time, id, action) in order."""
    state = None
    for at, _id, action in history:
        if at >= moment:
            break
        state = _STATE_AFTER.get(action, state)
    return state
