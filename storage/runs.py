"""Runs: one check cycle, each source's outcome in it, and its counts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from storage.findings import UpsertReport
from storage.models import FlagRow, RunRow, RunSourceRow

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


def interrupted_checks(session: Session, before_run_id: int) -> list[RunRow]:
    """``check`` runs older than ``before_run_id`` still marked running: their process
    died (the caller holds the worker lease, so no other check is at work)."""
    return list(session.scalars(
        select(RunRow).where(RunRow.command == "check", RunRow.status == "running",
                             RunRow.id < before_run_id).order_by(RunRow.id)))


def flags_opened_by(session: Session, runs: list[RunRow], before: datetime) -> list[FlagRow]:
    """Open flags opened from the first of ``runs`` until ``before`` (the next check's
    start): what those runs judged and never got to print."""
    if not runs:
        return []
    return list(session.scalars(
        select(FlagRow).where(FlagRow.status == "open", FlagRow.opened_at >= runs[0].started_at,
                              FlagRow.opened_at < before).order_by(FlagRow.id)))


def close_interrupted(runs: list[RunRow], *, reported_by: int, now: datetime) -> None:
    """Mark ``runs`` as interrupted, their news printed by run ``reported_by``."""
    for row in runs:
        row.status, row.finished_at = "interrupted", now
        row.counts = {**(row.counts or {}), "reported_by_run": reported_by}
