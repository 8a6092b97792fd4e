"""Runs: one check cycle, each source's outcome in it, and its counts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from storage.findings import UpsertReport
from storage.models import RunRow, RunSourceRow

if TYPE_CHECKING:  # sources.poll brings httpx: commands that only read the store skip it
    from sources.poll import SourceResult


def start_run(session: Session, command: str, *, now: datetime) -> RunRow:
    run = RunRow(command=command, started_at=now, status="running", counts={})
    session.add(run)
    session.flush()
    return run


def record_source(db: Session | Connection, run_id: int, result: SourceResult,
                  upsert: UpsertReport | None, *, now: datetime) -> None:
    """Note one source's outcome in a run (a Core insert: this runs once per source)."""
    db.execute(_INSERT_RUN_SOURCE, dict(
        run_id=run_id, source_id=result.source_id, category=str(result.category),
        message=result.message, findings=len(result.findings),
        new=len(upsert.new) if upsert else 0, changed=len(upsert.changed) if upsert else 0,
        dropped=result.dropped, requests=result.requests,
        bytes_received=result.bytes_received, duration_s=result.duration_s, at=now,
    ))


_INSERT_RUN_SOURCE = insert(RunSourceRow.__table__)


def source_entry(db: Session | Connection, run_id: int, source_id: str) -> RunSourceRow | None:
    """The run's entry for a source, if its result was stored in that run."""
    return db.execute(select(RunSourceRow).where(
        RunSourceRow.run_id == run_id, RunSourceRow.source_id == source_id)).scalars().first()


def finish_run(session: Session, run_id: int, *, now: datetime, status: str,
               counts: dict[str, Any]) -> None:
    run = session.get(RunRow, run_id)
    if run is not None:
        run.finished_at, run.status, run.counts = now, status, counts


def last_run(session: Session) -> RunRow | None:
    return session.scalars(select(RunRow).order_by(RunRow.id.desc()).limit(1)).first()
