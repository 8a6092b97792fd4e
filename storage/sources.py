"""Sources and their polling state in the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.observed import SourceHealth
from sources.backoff import next_due
from sources.outcome import Category
from sources.poll import SourceResult
from storage.models import SourceRow, SourceStateRow


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


def record_result(session: Session, result: SourceResult, *, now: datetime,
                  interval: timedelta) -> SourceStateRow:
    """Update a source's state after a poll: validators, failures, back-off."""
    state = session.get(SourceStateRow, result.source_id)
    if state is None:
        state = SourceStateRow(source_id=result.source_id, consecutive_failures=0,
                               warnings=[], complete=False)
        session.add(state)
    state.last_attempt = now
    state.last_category = str(result.category)
    if result.category.is_failure:
        state.consecutive_failures = (state.consecutive_failures or 0) + 1
        state.last_error = result.message
    else:
        state.consecutive_failures = 0
        state.last_success = now
        state.last_error = None
        state.etag, state.last_modified = result.etag, result.last_modified
        state.warnings = list(result.warnings)
        if result.category is Category.OK:
            state.complete = result.complete
    state.next_due = next_due(now, interval, state.consecutive_failures, result.retry_after)
    return state


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
