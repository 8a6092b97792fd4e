"""Storing what a poll found: one transaction per source, as each source completes.

:func:`store_result` commits one source's findings, state and run entry together, so a
crash loses at most the sources not yet committed, and a rerun reaches the same store.
:func:`store_as_completed` is the loop every caller (``check``, ``fetch``, the daemon,
the benchmarks) runs over a poll: each result is stored in a worker thread as it
arrives, while the event loop goes on fetching and parsing the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.faults import crash_point
from sources.poll import SourceResult
from storage import findings as finding_store
from storage import runs as run_store
from storage import sources as source_store
from storage.db import Store
from storage.findings import UpsertReport


@dataclass(frozen=True)
class SourceOutcome:
    source_id: str
    category: str
    message: str
    findings: int
    new: int
    changed: int
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.category not in ("ok", "not-modified")


def store_result(
    store: Store, run_id: int, result: SourceResult, interval: timedelta, now: datetime
) -> SourceOutcome:
    """Commit one source's findings, its new state and its run entry in one transaction."""
    with store.transaction() as connection:
        upsert = None
        if result.findings:
            upsert = finding_store.upsert_findings(
                connection, result.source_id, result.findings, now=now)
        source_store.record_result(connection, result, now=now, interval=interval)
        run_store.record_source(connection, run_id, result, upsert, now=now)
        crash_point("mid-store")
    return _outcome(result, upsert)


def _outcome(result: SourceResult, upsert: UpsertReport | None) -> SourceOutcome:
    return SourceOutcome(
        source_id=result.source_id,
        category=str(result.category),
        message=result.message,
        findings=len(result.findings),
        new=len(upsert.new) if upsert else 0,
        changed=len(upsert.changed) if upsert else 0,
        warnings=tuple(result.warnings),
    )


async def store_as_completed(
    results: AsyncIterator[SourceResult],
    store: Store,
    run_id: int,
    intervals: Mapping[str, timedelta],
    clock: Callable[[], datetime],
    confirm: Callable[[SourceOutcome], None],
) -> None:
    """Store each result as ``results`` yields it, then ``confirm`` its outcome.

    Whatever ``confirm`` raises (a stop between two sources) ends the loop; the
    sources already confirmed are committed, the others are polled next time.
    """
    async for result in results:
        interval = intervals[result.source_id]
        outcome = await asyncio.to_thread(store_result, store, run_id, result, interval,
                                          clock())
        confirm(outcome)
