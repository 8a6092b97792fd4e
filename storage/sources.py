"""Sources and their polling state in the store, and the leases that split polling.

A process about to poll a source takes its lease (``lease_owner`` / ``lease_expires``
on its state row) and the lease is cleared in the transaction that stores the
result. On PostgreSQL the lease is taken with ``SELECT … FOR UPDATE SKIP LOCKED``, so
several workers asking at once each get different sources; on SQLite the same
statement runs without the row lock, the worker lease keeping one process at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Update, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from rules.observed import SourceHealth
from sources.backoff import next_due
from sources.outcome import Category
from storage.lock import dead_here
from storage.models import SourceRow, SourceStateRow

if TYPE_CHECKING:  # sources.poll brings httpx: commands that only read the store skip it
    from sources.poll import SourceResult

# Long enough for a slow batch (timeouts, retries, a busy host); a killed worker's
# leases on this host are freed at once (reclaim_dead_source_leases), on another host
# they run out after this.
SOURCE_LEASE_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class SourceDefinition:
    """A configured source as the store keeps it."""

    id: str
    kind: str
    lab: str
    region: str
    interval: timedelta
    params: dict[str, Any]


def sync_sources(session: Session, sources: Sequence[SourceDefinition]) -> None:
    """Make the source table match the config; sources no longer configured go inactive.

    Rows are never deleted: their findings and history stay.
    """
    rows = {row.id: row for row in session.scalars(select(SourceRow))}
    for source in sources:
        row = rows.get(source.id) or SourceRow(id=source.id)
        row.kind, row.lab, row.region = source.kind, source.lab, source.region
        row.interval_seconds = int(source.interval.total_seconds())
        row.params, row.active = source.params, True
        if row.id not in rows:
            session.add(row)
            session.add(SourceStateRow(source_id=source.id, consecutive_failures=0,
                                       warnings=[], complete=False))
    configured = {source.id for source in sources}
    for row in rows.values():
        if row.id not in configured:
            row.active = False


def states(session: Session) -> dict[str, SourceStateRow]:
    return {row.source_id: row for row in session.scalars(select(SourceStateRow))}


def due_source_ids(session: Session, now: datetime) -> list[str]:
    """Active sources whose next poll is due (never polled counts as due)."""
    query = (
        select(SourceRow.id, SourceStateRow.next_due)
        .join(SourceStateRow, SourceStateRow.source_id == SourceRow.id)
        .where(SourceRow.active.is_(True))
        .order_by(SourceRow.id)
    )
    return [sid for sid, due in session.execute(query) if due is None or due <= now]


def lease_sources(
    session: Session,
    candidates: Sequence[str],
    *,
    owner: str,
    now: datetime,
    ttl: timedelta = SOURCE_LEASE_TTL,
    limit: int | None = None,
    due_only: bool = False,
) -> list[str]:
    """Take the lease of (at most ``limit`` of) ``candidates`` that nobody else holds.

    Returns the ids taken, most overdue first. ``due_only`` re-checks the due time
    under the row lock, so a source another worker stored a moment ago is left alone.
    The caller's transaction commits the leases.
    """
    if not candidates or (limit is not None and limit <= 0):
        return []
    free = or_(SourceStateRow.lease_owner.is_(None), SourceStateRow.lease_expires < now,
               SourceStateRow.lease_owner == owner)
    query = (
        select(SourceStateRow.source_id)
        .where(SourceStateRow.source_id.in_(list(candidates)), free)
        .order_by(SourceStateRow.next_due.asc().nulls_first(), SourceStateRow.source_id)
        .with_for_update(skip_locked=True)
    )
    if due_only:
        query = query.where(or_(SourceStateRow.next_due.is_(None), SourceStateRow.next_due <= now))
    if limit is not None:
        query = query.limit(limit)
    taken = list(session.scalars(query))
    if taken:
        session.execute(
            update(SourceStateRow)
            .where(SourceStateRow.source_id.in_(taken))
            .values(lease_owner=owner, lease_expires=now + ttl)
        )
    return taken


def release_source_leases(session: Session, owner: str) -> int:
    """Clear every source lease ``owner`` still holds (sources it did not store)."""
    return session.execute(
        update(SourceStateRow)
        .where(SourceStateRow.lease_owner == owner)
        .values(lease_owner=None, lease_expires=None)
    ).rowcount


def reclaim_dead_source_leases(session: Session) -> list[str]:
    """Free the source leases of processes of this host that no longer exist."""
    owners = session.scalars(
        select(SourceStateRow.lease_owner).where(SourceStateRow.lease_owner.is_not(None))
        .distinct()
    )
    dead = [owner for owner in owners if owner and dead_here(owner)]
    for owner in dead:
        release_source_leases(session, owner)
    return dead


def record_result(db: Session | Connection, result: SourceResult, *, now: datetime,
                  interval: timedelta) -> None:
    """Update a source's state after a poll: validators, failures, back-off; free its lease.

    Prepared Core statements, not the ORM: this runs once per source on a check's hot
    path, where building statements and flushing objects cost more than the SQL.
    """
    state = db.execute(_FAILURES, {"b_source_id": result.source_id}).first()
    if state is None:
        db.execute(_NEW_STATE, {"source_id": result.source_id, "consecutive_failures": 0,
                                "warnings": [], "complete": False})
    failures = (state.consecutive_failures or 0) if state else 0
    values: dict[str, Any] = {"last_attempt": now, "last_category": str(result.category),
                              "lease_owner": None, "lease_expires": None}
    if result.category.is_failure:
        failures += 1
        values.update(last_error=result.message)
    else:
        failures = 0
        values.update(last_success=now, last_error=None, etag=result.etag,
                      last_modified=result.last_modified, warnings=list(result.warnings))
        if result.category is Category.OK:
            values.update(complete=result.complete)
    values.update(consecutive_failures=failures,
                  next_due=next_due(now, interval, failures, result.retry_after))
    db.execute(_state_update(frozenset(values)),
               {"b_source_id": result.source_id} | {f"b_{k}": v for k, v in values.items()})


_STATE = SourceStateRow.__table__
_FAILURES = select(_STATE.c.consecutive_failures).where(
    _STATE.c.source_id == bindparam("b_source_id"))
_NEW_STATE = insert(_STATE)


@cache
def _state_update(columns: frozenset[str]) -> Update:
    """An UPDATE of these state columns, built once per set (a poll sets one of three)."""
    return update(_STATE).where(_STATE.c.source_id == bindparam("b_source_id")).values(
        {name: bindparam(f"b_{name}") for name in sorted(columns)})


def health(session: Session) -> list[SourceHealth]:
    query = select(SourceRow, SourceStateRow).join(
        SourceStateRow, SourceStateRow.source_id == SourceRow.id
    ).where(SourceRow.active.is_(True))
    return [
        SourceHealth(
            source_id=src.id, source_kind=src.kind, lab=src.lab,
            ok=state.last_success is not None and not state.consecutive_failures,
            complete=bool(state.complete),
        )
        for src, state in session.execute(query)
    ]
