"""Flags: verdicts that need a person, raised once per cause, with their history.

States: ``open`` → ``acknowledged`` / ``snoozed`` (until a date) / ``dismissed``
(with a reason; the same cause is never raised again) / ``resolved`` (the cause no
longer holds, or the claim was verified). Every change is a :class:`FlagEventRow`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from rules.verdict import Verdict
from storage.models import ClaimRow, FlagEventRow, FlagRow

ACTIVE = ("open", "acknowledged", "snoozed")
STATUSES = ("open", "acknowledged", "snoozed", "dismissed", "resolved")


class FlagActionError(Exception):
    """A person asked for something a flag cannot do; the message says why."""


@dataclass
class ReconcileReport:
    opened: list[FlagRow] = field(default_factory=list)  # new, reopened or woken flags
    resolved: list[FlagRow] = field(default_factory=list)
    unchanged: int = 0


def _evidence(verdict: Verdict) -> list[dict[str, Any]]:
    return [
        {
            "source_id": e.source_id,
            "key": e.key,
            "title": e.title,
            "url": e.url,
            "time": e.time.isoformat() if e.time else None,
        }
        for e in verdict.evidence
    ]


def _event(
    session: Session, flag: FlagRow, now: datetime, by: str, action: str, note: str = ""
) -> None:
    session.add(FlagEventRow(flag=flag, at=now, by=by, action=action, note=note))
    flag.updated_at = now


_CAUSE_LENGTH = FlagRow.__table__.c.cause.type.length


def stored_cause(cause: str) -> str:
    """``cause`` as the flag table stores it: whole when it fits, else cut and ended with
    a hash of the whole, so a long cause stays distinct and the same on every check.
    (Rules build causes from names in claims and feeds, which may be any length.)"""
    if len(cause) <= _CAUSE_LENGTH:
        return cause
    digest = hashlib.sha256(cause.encode()).hexdigest()[:16]
    return f"{cause[:_CAUSE_LENGTH - len(digest) - 1]}~{digest}"


def reconcile(
    session: Session,
    verdicts: Sequence[Verdict],
    evaluated_claims: Iterable[str],
    *,
    now: datetime,
    by: str = "claimwatch",
) -> ReconcileReport:
    """Turn this check's verdicts into flag changes.

    A new cause opens a flag; the same cause again changes nothing (its evidence is
    refreshed); a cause that no longer holds resolves its flag; a dismissed cause
    stays dismissed; a snooze that has run out opens its flag again. Every claim in
    ``evaluated_claims`` is noted as judged at ``now``.
    """
    report = ReconcileReport()
    claim_ids = set(evaluated_claims)
    _mark_judged(session, claim_ids, now)
    existing = (
        {
            (flag.claim_id, flag.cause): flag
            for flag in session.scalars(select(FlagRow).where(FlagRow.claim_id.in_(claim_ids)))
        }
        if claim_ids
        else {}
    )
    holding: set[tuple[str, str]] = set()
    for verdict in verdicts:
        key = (verdict.claim_id, stored_cause(verdict.cause))
        if key in holding:
            continue
        holding.add(key)
        flag = existing.get(key)
        if flag is None:
            flag = _open(session, verdict, now, by)
            report.opened.append(flag)
            continue
        flag.reason, flag.suggestion = verdict.reason, verdict.suggestion
        flag.evidence, flag.verdict = _evidence(verdict), str(verdict.status)
        if flag.status == "resolved":
            flag.status = "open"
            _event(session, flag, now, by, "reopened", "the cause holds again")
            report.opened.append(flag)
        elif flag.status == "snoozed" and flag.snoozed_until and flag.snoozed_until <= now:
            flag.status, flag.snoozed_until = "open", None
            _event(session, flag, now, by, "woke", "snooze ended and the cause still holds")
            report.opened.append(flag)
        else:
            report.unchanged += 1
    for key, flag in existing.items():
        if key not in holding and flag.status in ACTIVE:
            flag.status = "resolved"
            _event(session, flag, now, by, "resolved", "the cause no longer holds")
            report.resolved.append(flag)
    session.flush()
    return report


def _mark_judged(session: Session, claim_ids: set[str], now: datetime) -> None:
    if claim_ids:
        session.execute(update(ClaimRow).where(ClaimRow.id.in_(claim_ids)).values(judged_at=now))


def _open(session: Session, verdict: Verdict, now: datetime, by: str) -> FlagRow:
    flag = FlagRow(
        claim_id=verdict.claim_id,
        rule=verdict.rule,
        cause=stored_cause(verdict.cause),
        verdict=str(verdict.status),
        status="open",
        reason=verdict.reason,
        suggestion=verdict.suggestion,
        evidence=_evidence(verdict),
        opened_at=now,
        updated_at=now,
    )
    session.add(flag)
    _event(session, flag, now, by, "opened", verdict.reason)
    return flag


def get_flag(session: Session, flag_id: int) -> FlagRow:
    flag = session.get(FlagRow, flag_id, options=[selectinload(FlagRow.events)])
    if flag is None:
        raise FlagActionError(f"no flag #{flag_id}; `claimwatch flags list` shows them")
    return flag


def list_flags(
    session: Session,
    *,
    status: str | None = None,
    claim_id: str | None = None,
    verdict: str | None = None,
    rule: str | None = None,
) -> list[FlagRow]:
    query = select(FlagRow).order_by(FlagRow.id)
    for column, value in (
        (FlagRow.status, status),
        (FlagRow.claim_id, claim_id),
        (FlagRow.verdict, verdict),
        (FlagRow.rule, rule),
    ):
        if value:
            query = query.where(column == value)
    return list(session.scalars(query))


def acknowledge(session: Session, flag_id: int, *, now: datetime, by: str) -> FlagRow:
    flag = get_flag(session, flag_id)
    _require(flag, ("open", "snoozed"), "acknowledged")
    flag.status, flag.snoozed_until = "acknowledged", None
    _event(session, flag, now, by, "acknowledged")
    return flag


def dismiss(session: Session, flag_id: int, *, reason: str, now: datetime, by: str) -> FlagRow:
    if not reason.strip():
        raise FlagActionError("say why the flag is dismissed (--reason)")
    flag = get_flag(session, flag_id)
    _require(flag, ACTIVE, "dismissed")
    flag.status, flag.snoozed_until = "dismissed", None
    _event(session, flag, now, by, "dismissed", reason)
    return flag


def snooze(session: Session, flag_id: int, *, until: datetime, now: datetime, by: str) -> FlagRow:
    if until <= now:
        raise FlagActionError(f"snooze until a time in the future (got {until:%Y-%m-%d})")
    flag = get_flag(session, flag_id)
    _require(flag, ACTIVE, "snoozed")
    flag.status, flag.snoozed_until = "snoozed", until
    _event(session, flag, now, by, "snoozed", f"until {until:%Y-%m-%d}")
    return flag


def resolve_for_claim(
    session: Session, claim_id: str, *, now: datetime, by: str, note: str
) -> list[FlagRow]:
    """Resolve every active flag of a claim (after it was verified)."""
    flags = list(
        session.scalars(
            select(FlagRow).where(FlagRow.claim_id == claim_id, FlagRow.status.in_(ACTIVE))
        )
    )
    for flag in flags:
        flag.status, flag.snoozed_until = "resolved", None
        _event(session, flag, now, by, "verified", note)
    return flags


def mark_alerted(session: Session, flags: Iterable[FlagRow], *, now: datetime) -> None:
    for flag in flags:
        flag.alerted_at = now
        _event(session, flag, now, "claimwatch", "alerted")


def _require(flag: FlagRow, allowed: Sequence[str], action: str) -> None:
    if flag.status not in allowed:
        raise FlagActionError(
            f"flag #{flag.id} is {flag.status}; only a flag that is "
            f"{' or '.join(allowed)} can be {action}"
        )
