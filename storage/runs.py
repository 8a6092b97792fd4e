"""Runs: one check cycle, each source's outcome in it, and its counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sources.poll import SourceResult
from storage.findings import UpsertReport
from storage.models import RunRow, RunSourceRow


def start_run(session: Session, command: str, *, now: datetime) -> RunRow:
    run = RunRow(command=command, started_at=now, status="running", counts={})
    session.add(run)
    session.flush()
    return run


def record_source(session: Session, run_id: int, result: SourceResult,
                  upsert: UpsertReport | None, *, now: datetime) -> None:
    session.add(RunSourceRow(
        run_id=run_id, source_id=result.source_id, category=str(result.category),
        message=result.message, findings=len(result.findings),
        new=len(upsert.new) if upsert else 0, changed=len(upsert.changed) if upsert else 0,
        dropped=result.dropped, requests=result.requests,
        bytes_received=result.bytes_received, duration_s=result.duration_s, at=now,
    ))


def finish_run(session: Session, run_id: int, *, now: datetime, status: str,
               counts: dict[str, Any]) -> None:
    run = session.get(RunRow, run_id)
    if run is not None:
        run.finished_at, run.status, run.counts = now, status, counts


def last_run(session: Session) -> RunRow | None:
    return session.scalars(select(RunRow).order_by(RunRow.id.desc()).limit(1)).first()
