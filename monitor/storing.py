"""Storing what a poll found: a transaction per source, inline or in a writer process.

:func:`store_result` commits one source's findings, state and run entry together, so a
crash loses at most the sources not yet committed, and a rerun reaches the same store.

Storing is most of a cold check's CPU (bench/bench_fetch.py: about two thirds of the
event loop's time for 300 feeds with 12,000 entries), and the loop spends it between
fetches. When a check polls many sources, :class:`StoreWriter` forks one writer
process that stores the results as they arrive while the loop goes on fetching and
the parser process (sources.poll.parse_pool) parses: three processes share the work
one core did.

Group commit: while the writer is busy, results that arrive wait and then go over
together, committed in one transaction (at most ``GROUP_MAX``). Each is still one
source's complete result, and a crash loses only results not yet committed, as it
would one by one: those results were waiting in memory either way. When storing keeps
up with fetching, which is usual, every source gets its own transaction. A busy writer
saves a fifth of its time this way (0.89 -> 0.65 s for 300 feeds in groups of ten).

If the writer dies (killed, out of memory), every result it had not confirmed is
stored inline, and so is everything after. One it had committed just before dying is
recognised by its run entry and not stored twice.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection

from monitor.faults import crash_point
from sources.poll import SourceResult, parse_pool
from storage import findings as finding_store
from storage import runs as run_store
from storage import sources as source_store
from storage.db import Store
from storage.findings import UpsertReport

# Below this many sources a check stores inline: a fork costs more than it saves.
WRITER_MIN_SOURCES = 8
# The most results committed together; bounds a group's transaction and memory.
GROUP_MAX = 20


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
    return store_results(store, [Item(run_id, result, interval, now)])[0]


@dataclass(frozen=True)
class Item:
    """One source's result and what storing it needs."""

    run_id: int
    result: SourceResult
    interval: timedelta
    now: datetime


def store_results(store: Store, items: Sequence[Item]) -> list[SourceOutcome]:
    """Commit several sources' results in one transaction (see group commit above)."""
    with store.transaction() as connection:
        outcomes = [_store_one(connection, item) for item in items]
        crash_point("mid-store")
    return outcomes


def _store_one(connection: Connection, item: Item) -> SourceOutcome:
    result, upsert = item.result, None
    if result.findings:
        upsert = finding_store.upsert_findings(
            connection, result.source_id, result.findings, now=item.now)
    source_store.record_result(connection, result, now=item.now, interval=item.interval)
    run_store.record_source(connection, item.run_id, result, upsert, now=item.now)
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

    item: Item
    future: Future[SourceOutcome] = field(default_factory=Future)

    def done(self) -> bool:
        return self.future.done()


class StoreWriter:
    """Stores results in a forked writer process, or inline when that is not worth it.

    ``submit`` hands a result over and returns at once; ``outcome`` waits for it.
    Collect outcomes in submission order, inside the running event loop that submitted
    them (a finished group wakes the loop to send the next).
    """

    def __init__(self, store: Store, sources: int, *, allow_threads: bool = False) -> None:
        self._store = store
        self._pool: ProcessPoolExecutor | None = None
        self._dead: ProcessPoolExecutor | None = None  # a pool whose writer died
        self._waiting: list[Pending] = []
        self._sending: list[Pending] = []
        self._closed = False
        self.groups: list[int] = []  # the size of each group sent to the writer
        if sources >= WRITER_MIN_SOURCES and sys.platform == "linux" and (
            allow_threads or threading.active_count() == 1  # forking is safe single-threaded
        ):
            self._pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("fork"),
                initializer=_adopt, initargs=(store,))
            self._pool.submit(int)  # forks now (see forked_workers), not at the first result

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed = True
        for pool in (self._pool, self._dead):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    @property
    def forked(self) -> bool:
        return self._pool is not None

    def submit(self, run_id: int, result: SourceResult, interval: timedelta,
               now: datetime) -> Pending:
        pending = Pending(Item(run_id, result, interval, now))
        if self._pool is None:
            _settle([pending], lambda: store_results(self._store, [pending.item]))
        else:
            self._waiting.append(pending)
            self._send()
        return pending

    async def outcome(self, pending: Pending) -> SourceOutcome:
        """The stored result's outcome; a dead writer's share is stored inline here."""
        try:
            return await asyncio.wrap_future(pending.future)
        except BrokenExecutor:
            if self._pool is not None:  # the rest is stored inline
                self._dead, self._pool = self._pool, None
            return self._store_after_writer_died(pending.item)

    def _send(self) -> None:
        """Hand the waiting results to the writer as one group, unless it is busy."""
        if self._sending or not self._waiting or self._pool is None or self._closed:
            return
        group = self._sending = self._waiting[:GROUP_MAX]
        del self._waiting[:GROUP_MAX]
        self.groups.append(len(group))
        try:
            landed = self._pool.submit(_store_in_writer, [p.item for p in group])
        except BrokenExecutor as died:
            self._sending = []
            for pending in [*group, *self._waiting]:
                pending.future.set_exception(died)
            self._waiting = []
            return
        asyncio.wrap_future(landed).add_done_callback(lambda done: self._landed(group, done))

    def _landed(self, group: list[Pending], landed: asyncio.Future) -> None:
        self._sending = []
        if landed.cancelled():
            return
        _settle(group, landed.result)
        self._send()

    def _store_after_writer_died(self, item: Item) -> SourceOutcome:
        with self._store.session() as session:
            entry = run_store.source_entry(session, item.run_id, item.result.source_id)
        if entry is not None:  # committed before the writer died
            return SourceOutcome(
                source_id=entry.source_id, category=entry.category, message=entry.message,
                findings=entry.findings, new=entry.new, changed=entry.changed,
                warnings=tuple(item.result.warnings))
        return store_results(self._store, [item])[0]


def _settle(group: list[Pending], outcomes: Callable[[], list[SourceOutcome]]) -> None:
    """Give each pending result its outcome, or the error that stopped its group."""
    try:
        for pending, outcome in zip(group, outcomes(), strict=True):
            pending.future.set_result(outcome)
    except BaseException as error:  # raised again where the outcome is collected
        for pending in group:
            if not pending.future.done():
                pending.future.set_exception(error)


@contextmanager
def forked_workers(store: Store, sources: int) -> Iterator[tuple[Executor | None, StoreWriter]]:
    """A poll's parser process and store writer, both forked now, before the poll.

    Forking is only safe while this process runs one thread, and a poll soon runs more
    (asyncio resolves host names in a thread pool), so both fork here or not at all.
    The question is asked once: the parser pool's own threads, started a moment before
    the writer forks, touch nothing the writer uses. The daemon, whose scheduler runs
    threads, parses and stores in the event loop.
    """
    single = threading.active_count() == 1
    with (parse_pool(sources, allow_threads=single) as parsers,
          StoreWriter(store, sources, allow_threads=single) as writer):
        yield parsers, writer


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


def _store_in_writer(items: list[Item]) -> list[SourceOutcome]:
    assert _writer_store is not None, "the writer process was not initialised"
    crash_point("writer-before-store")
    outcomes = store_results(_writer_store, items)
    crash_point("writer-after-store")
    return outcomes

