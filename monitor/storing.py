"""Storing what a poll found: one transaction per source, inline or in a writer process.

:func:`store_result` commits one source's findings, state and run entry together, so a
crash loses at most the sources not yet committed, and a rerun reaches the same store.

Storing is most of a cold check's CPU (bench/bench_fetch.py: about two thirds of the
event loop's time for 300 feeds with 12,000 entries), and the loop spends it between
fetches. When a check polls many sources, :class:`StoreWriter` forks one writer
process that stores each result in arrival order while the loop goes on fetching and
the parser process (sources.poll.parse_pool) parses: three processes share the work
that one core did. The results and their order are the same as inline.

If the writer dies (killed, out of memory), every result it had not confirmed is
stored inline, in order, and so is everything after. One it had committed just before
dying is recognised by its run entry and not stored twice.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.faults import crash_point
from sources.poll import SourceResult
from storage import findings as finding_store
from storage import runs as run_store
from storage import sources as source_store
from storage.db import Store
from storage.findings import UpsertReport

# Below this many sources a check stores inline: a fork costs more than it saves.
WRITER_MIN_SOURCES = 8


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
                connection, result.source_id, result.findings, now=now
            )
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


@dataclass
class Pending:
    """A result handed to the writer, until its outcome is known."""

    run_id: int
    result: SourceResult
    interval: timedelta
    now: datetime
    future: Future[SourceOutcome]

    def done(self) -> bool:
        return self.future.done()


class StoreWriter:
    """Stores results in a forked writer process, or inline when that is not worth it.

    ``submit`` hands a result over and returns at once; ``outcome`` waits for it.
    Outcomes must be collected in submission order (the writer stores in that order).
    """

    def __init__(self, store: Store, sources: int, *, allow_threads: bool = False) -> None:
        self._store = store
        self._pool: ProcessPoolExecutor | None = None
        if sources >= WRITER_MIN_SOURCES and sys.platform == "linux" and (
            allow_threads or threading.active_count() == 1  # forking is safe single-threaded
        ):
            self._pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("fork"),
                initializer=_adopt, initargs=(store,))

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def forked(self) -> bool:
        return self._pool is not None

    def submit(self, run_id: int, result: SourceResult, interval: timedelta,
               now: datetime) -> Pending:
        future: Future[SourceOutcome]
        if self._pool is not None:
            try:
                future = self._pool.submit(_store_in_writer, run_id, result, interval, now)
                return Pending(run_id, result, interval, now, future)
            except BrokenExecutor:
                self._pool = None
        future = Future()
        try:
            future.set_result(store_result(self._store, run_id, result, interval, now))
        except BaseException as error:  # raised again where the outcome is collected
            future.set_exception(error)
        return Pending(run_id, result, interval, now, future)

    async def outcome(self, pending: Pending) -> SourceOutcome:
        """The stored result's outcome; a dead writer's share is stored inline here."""
        try:
            return await asyncio.wrap_future(pending.future)
        except BrokenExecutor:
            self._pool = None  # the rest is stored inline
            return self._store_after_writer_died(pending)

    def _store_after_writer_died(self, pending: Pending) -> SourceOutcome:
        with self._store.session() as session:
            entry = run_store.source_entry(session, pending.run_id, pending.result.source_id)
        if entry is not None:  # committed before the writer died
            return SourceOutcome(
                source_id=entry.source_id, category=entry.category, message=entry.message,
                findings=entry.findings, new=entry.new, changed=entry.changed,
                warnings=tuple(pending.result.warnings))
        return store_result(self._store, pending.run_id, pending.result, pending.interval,
                            pending.now)


async def store_as_polled(
    polls: AsyncIterator[SourceResult],
    writer: StoreWriter,
    run_id: int,
    intervals: Mapping[str, timedelta],
    clock: Callable[[], datetime],
    confirm: Callable[[SourceOutcome], None],
) -> None:
    """Store each result as ``polls`` yields it; ``confirm`` each outcome, in order,
    once it is committed."""
    pending: deque[Pending] = deque()
    async for result in polls:
        pending.append(writer.submit(run_id, result, intervals[result.source_id], clock()))
        while pending and pending[0].done():
            confirm(await writer.outcome(pending.popleft()))
    while pending:
        confirm(await writer.outcome(pending.popleft()))


_writer_store: Store | None = None


def _adopt(store: Store) -> None:
    """In the writer: drop the parent's pooled connections (never share a socket or a
    SQLite handle across a fork) and store through fresh ones."""
    global _writer_store
    store.engine.dispose(close=False)
    _writer_store = store


def _store_in_writer(run_id: int, result: SourceResult, interval: timedelta,
                     now: datetime) -> SourceOutcome:
    assert _writer_store is not None, "the writer process was not initialised"
    crash_point("writer-before-store")
    outcome = store_result(_writer_store, run_id, result, interval, now)
    crash_point("writer-after-store")
    return outcome

