"""The store's answers for reports: the digest of a week and the alert of a check.

Each function reads the store and returns the plain data of ``reports.model``; nothing
here renders or sends. Windows are half-open UTC intervals ``[start, end)``; turning a
week in the editors' timezone into such an interval is the caller's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports.model import (
    ATTENTION_STATUSES,
    REGIONS,
    Alert,
    AttentionItem,
    Digest,
    DueItem,
    EvidenceLink,
    ReleaseRow,
    SourceHealthRow,
)
from rules.asof import AsOf
from rules.duration import parse_duration
from sources.outcome import Category
from storage import history
from storage.models import ClaimRow, FindingRow, FlagRow, RunSourceRow, SourceRow, SourceStateRow

# Flags an editor still has to act on; snoozed ones stay out until they wake.
ATTENTION_FLAG_STATUSES = ("open", "acknowledged")
# A finding first seen in the window counts as new only if it was published no longer
# than this before the window: the first poll of a source finds its whole back
# catalogue, which is not the week's news.
RELEASE_GRACE = timedelta(days=14)
DUE_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Window:
    """A digest's time span: ``[start, end)`` in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a report window needs timezone-aware times")
        if self.end <= self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")


def build_digest(session: Session, week: str, *, first_day: date, last_day: date,
                 window: Window, now: datetime) -> Digest:
    """The digest of ``week``: ``first_day``..``last_day`` as the editors read them."""
    attention = attention_items(session)
    fresh, unchecked = unflagged_counts(session, {item.claim_id for item in attention})
    return Digest(
        week=week,
        start=first_day,
        end=last_day,
        generated_at=now,
        attention=attention,
        releases=new_releases(session, window),
        due_soon=due_soon(session, last_day),
        sources=source_health(session, window),
        fresh_count=fresh,
        unchecked_count=unchecked,
    )


# --- flags ---------------------------------------------------------------------------

def attention_items(session: Session) -> list[AttentionItem]:
    """Open and acknowledged flags of active claims (contradicted, stale, review)."""
    query = (
        select(FlagRow, ClaimRow)
        .join(ClaimRow, ClaimRow.id == FlagRow.claim_id)
        .where(FlagRow.status.in_(ATTENTION_FLAG_STATUSES), ClaimRow.status == "active",
               FlagRow.verdict.in_(ATTENTION_STATUSES))
        .order_by(FlagRow.id)
    )
    return [attention_item(flag, claim) for flag, claim in session.execute(query)]


def unflagged_counts(session: Session, flagged: set[str]) -> tuple[int, int]:
    """(fresh, unchecked): active claims with no open flag, judged as they read now or not."""
    fresh = unchecked = 0
    for claim in session.scalars(select(ClaimRow).where(ClaimRow.status == "active")):
        if claim.id in flagged:
            continue
        if history.judged(claim):
            fresh += 1
        else:
            unchecked += 1
    return fresh, unchecked


def attention_item(flag: FlagRow, claim: ClaimRow) -> AttentionItem:
    return AttentionItem(
        flag_id=flag.id,
        claim_id=claim.id,
        claim_text=claim.text,
        section=claim.section,
        status=flag.verdict,
        rule=flag.rule,
        reason=flag.reason,
        suggestion=flag.suggestion or "",
        evidence=[_evidence_link(item) for item in flag.evidence or ()],
        opened_at=flag.opened_at,
        review_due=review_due(claim.as_of, claim.review_every),
        watched=_watched(claim.expectations),
    )


def _watched(expectations: dict[str, Any] | None) -> tuple[str, ...]:
    watch = (expectations or {}).get("watch")
    return tuple(str(source_id) for source_id in watch) if isinstance(watch, list) else ()


def _evidence_link(item: dict[str, Any]) -> EvidenceLink:
    return EvidenceLink(
        title=str(item.get("title") or item.get("key") or ""),
        url=item.get("url"),
        time=_parse_time(item.get("time")),
        source_id=str(item.get("source_id") or ""),
    )


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def alert_candidates(session: Session, verdicts: Sequence[str]) -> list[FlagRow]:
    """Open flags of active claims with one of ``verdicts`` that were never alerted."""
    if not verdicts:
        return []
    query = (
        select(FlagRow)
        .join(ClaimRow, ClaimRow.id == FlagRow.claim_id)
        .where(FlagRow.status == "open", FlagRow.alerted_at.is_(None),
               FlagRow.verdict.in_(list(verdicts)), ClaimRow.status == "active")
        .order_by(FlagRow.id)
    )
    return list(session.scalars(query))


def build_alert(session: Session, flags: Sequence[FlagRow], *, now: datetime) -> Alert:
    """One alert about every flag in ``flags``, each claim with all its open causes."""
    claim_ids = {flag.claim_id for flag in flags}
    claims = {row.id: row for row in session.scalars(
        select(ClaimRow).where(ClaimRow.id.in_(claim_ids)))}
    others = session.scalars(
        select(FlagRow).where(FlagRow.claim_id.in_(claim_ids),
                              FlagRow.status.in_(ATTENTION_FLAG_STATUSES),
                              FlagRow.verdict.in_(ATTENTION_STATUSES))
    )
    causes = {flag.id: flag for flag in (*others, *flags)}
    return Alert(check_time=now,
                 items=[attention_item(flag, claims[flag.claim_id])
                        for _, flag in sorted(causes.items())],
                 new_flag_ids=frozenset(flag.id for flag in flags))


# --- findings ------------------------------------------------------------------------

def new_releases(session: Session, window: Window) -> list[ReleaseRow]:
    """Findings first seen in the window and published recently (or undated)."""
    appeared = func.coalesce(FindingRow.first_seen, FindingRow.published)
    query = (
        select(FindingRow, SourceRow.region, SourceRow.lab)
        .join(SourceRow, SourceRow.id == FindingRow.source_id)
        .where(appeared >= window.start, appeared < window.end)
        .order_by(FindingRow.id)
    )
    oldest = window.start - RELEASE_GRACE
    rows = []
    for finding, region, lab in session.execute(query):
        if finding.published is not None and finding.published < oldest:
            continue
        rows.append(ReleaseRow(
            region=region if region in REGIONS else "elsewhere",
            lab=lab,
            title=finding.title,
            kind=finding.kind,
            time=finding.published or finding.first_seen,
            license=_license(finding.attributes),
            url=finding.url,
        ))
    return rows


def _license(attributes: dict[str, Any] | None) -> str | None:
    value = (attributes or {}).get("license")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value) if value else None


# --- claims --------------------------------------------------------------------------

def due_soon(session: Session, from_day: date, horizon: timedelta = DUE_HORIZON) -> list[DueItem]:
    """Active claims whose review falls in ``[from_day, from_day + horizon]``."""
    last_day = from_day + horizon
    items = []
    query = select(ClaimRow).where(ClaimRow.status == "active",
                                   ClaimRow.review_every != "never").order_by(ClaimRow.id)
    for claim in session.scalars(query):
        due = review_due(claim.as_of, claim.review_every)
        if due is not None and from_day <= due <= last_day:
            items.append(DueItem(claim_id=claim.id, claim_text=claim.text, due=due))
    return items


def review_due(as_of: str, review_every: str) -> date | None:
    """The day a claim should be re-verified: the end of its as-of period plus its interval.

    The same instant the ``age`` rule calls a claim stale; None for "never" or a value
    the store should not hold.
    """
    if review_every == "never":
        return None
    try:
        period, interval = AsOf.parse(as_of), parse_duration(review_every)
    except ValueError:
        return None
    return (datetime.combine(period.end, time.min, tzinfo=UTC) + interval).date()


# --- sources -------------------------------------------------------------------------

def source_health(session: Session, window: Window) -> list[SourceHealthRow]:
    """Each active source's last outcome; recovered = failed in the window, fine now."""
    failed_in_window = _sources_failing_between(session, window)
    query = (
        select(SourceRow, SourceStateRow)
        .join(SourceStateRow, SourceStateRow.source_id == SourceRow.id)
        .where(SourceRow.active.is_(True))
        .order_by(SourceRow.id)
    )
    rows = []
    for source, state in session.execute(query):
        failures = state.consecutive_failures or 0
        rows.append(SourceHealthRow(
            source_id=source.id,
            lab=source.lab,
            category=state.last_category or "not polled yet",
            message=(state.last_error or "") if failures else "",
            consecutive_failures=failures,
            last_success=state.last_success,
            recovered=(failures == 0 and state.last_success is not None
                       and source.id in failed_in_window),
        ))
    return rows


def _sources_failing_between(session: Session, window: Window) -> set[str]:
    query = select(RunSourceRow.source_id, RunSourceRow.category).where(
        RunSourceRow.at >= window.start, RunSourceRow.at < window.end).distinct()
    return {source_id for source_id, category in session.execute(query)
            if _is_failure(category)}


def _is_failure(category: str) -> bool:
    try:
        return Category(category).is_failure
    except ValueError:
        return True
