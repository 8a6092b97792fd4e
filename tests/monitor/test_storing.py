"""Storing polled results: the forked writer stores exactly what inline storing stores,
and a writer that dies loses nothing and stores nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from monitor import storing
from monitor.faults import CRASH_ENV
from monitor.storing import SourceOutcome, StoreWriter, store_as_polled
from sources.finding import Finding
from sources.outcome import Category
from sources.poll import SourceResult
from storage import runs as run_store
from storage import sources as source_store
from storage.db import Store
from storage.models import FindingRow, RunSourceRow, SourceStateRow
from tests.conftest import NOW

SOURCES = [f"feed-{n:02d}" for n in range(12)]  # above WRITER_MIN_SOURCES
INTERVAL = timedelta(hours=6)


def _results() -> list[SourceResult]:
    """A failure first (its failure count must not be counted twice), then findings."""
    results = [SourceResult(SOURCES[0], Category.HTTP_5XX, "HTTP 503 from the lab")]
    for number, source_id in enumerate(SOURCES[1:], start=1):
        findings = [Finding(key=f"{source_id}/post-{item}", title=f"Post {item}", kind="post",
                            url=f"https://lab.example/{source_id}/{item}",
                            published=datetime(2026, 4, 1, tzinfo=UTC) + timedelta(hours=item),
                            attributes={"summary": "a release"})
                    for item in range(number * 3)]
        results.append(SourceResult(source_id, Category.OK, findings=findings,
                                    etag=f'"{source_id}"', warnings=["not well-formed"]))
    return results


def _prepare(store: Store) -> int:
    with store.session() as session:
        source_store.sync_sources(session, [
            source_store.SourceDefinition(id=s, kind="feed", lab="Lab", region="elsewhere",
                                          interval=INTERVAL, params={"url": "https://x"})
            for s in SOURCES])
        return run_store.start_run(session, "check", now=NOW).id


async def _yielding(results: Iterable[SourceResult]) -> AsyncIterator[SourceResult]:
    for result in results:
        yield result


def _store_all(store: Store, run_id: int, writer: StoreWriter) -> list[SourceOutcome]:
    outcomes: list[SourceOutcome] = []
    with writer:
        asyncio.run(store_as_polled(_yielding(_results()), writer, run_id,
                                    dict.fromkeys(SOURCES, INTERVAL), lambda: NOW,
                                    outcomes.append))
    return outcomes


def _contents(store: Store) -> dict:
    with store.session() as session:
        return {
            "findings": sorted((f.source_id, f.key, f.title, f.published, f.first_seen)
                               for f in session.scalars(select(FindingRow))),
            "states": sorted((s.source_id, s.last_category, s.consecutive_failures, s.etag,
                              s.last_error, tuple(s.warnings), s.next_due)
                             for s in session.scalars(select(SourceStateRow))),
            "entries": sorted((r.source_id, r.category, r.findings, r.new)
                              for r in session.scalars(select(RunSourceRow))),
        }


@pytest.fixture
def inline(databases) -> tuple[list[SourceOutcome], dict]:
    """Outcomes and store contents when every result is stored on the event loop."""
    from storage.db import open_store

    store = open_store(databases.new_url())
    try:
        run_id = _prepare(store)
        writer = StoreWriter(store, sources=1)
        assert not writer.forked
        return _store_all(store, run_id, writer), _contents(store)
    finally:
        store.close()


def test_the_writer_stores_what_inline_storing_stores(store, inline) -> None:
    run_id = _prepare(store)
    writer = StoreWriter(store, len(SOURCES), allow_threads=True)
    assert writer.forked
    outcomes = _store_all(store, run_id, writer)
    assert outcomes == inline[0]  # the same outcomes, in the same order
    assert _contents(store) == inline[1]
    assert [o.new for o in outcomes] == [0, *range(3, 3 * len(SOURCES), 3)]


@pytest.mark.parametrize(("group_max", "groups"), [(20, [1, 11]), (4, [1, 4, 4, 3])])
def test_results_that_wait_for_a_busy_writer_are_committed_together(
    group_max: int, groups: list[int], store, inline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve results at once: the first goes alone, the rest wait and go as groups."""
    monkeypatch.setattr(storing, "GROUP_MAX", group_max)
    run_id = _prepare(store)
    writer = StoreWriter(store, len(SOURCES), allow_threads=True)

    async def all_at_once() -> list[SourceOutcome]:
        pending = [writer.submit(run_id, result, INTERVAL, NOW) for result in _results()]
        return [await writer.outcome(p) for p in pending]

    with writer:
        outcomes = asyncio.run(all_at_once())
    assert writer.groups == groups
    assert outcomes == inline[0]
    assert _contents(store) == inline[1]


def test_few_sources_are_stored_inline(store) -> None:
    assert not StoreWriter(store, storing.WRITER_MIN_SOURCES - 1, allow_threads=True).forked


@pytest.mark.parametrize("point", ["writer-before-store", "writer-after-store"])
def test_a_writer_that_dies_loses_nothing_and_stores_nothing_twice(
    point: str, store, inline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed before its first commit, or after it but before answering: the check
    stores the rest inline, and a result the writer committed is not stored again."""
    run_id = _prepare(store)
    monkeypatch.setenv(CRASH_ENV, point)  # read in the forked writer only
    writer = StoreWriter(store, len(SOURCES), allow_threads=True)
    outcomes = _store_all(store, run_id, writer)
    assert not writer.forked  # it died, and the check went on without it
    assert outcomes == inline[0]
    assert _contents(store) == inline[1]  # one entry per source; failures counted once


def test_an_error_while_storing_reaches_the_caller(store) -> None:
    run_id = _prepare(store)
    unknown = SourceResult("not-configured", Category.OK,
                           findings=[Finding(key="k", title="t", kind="post")])
    writer = StoreWriter(store, len(SOURCES), allow_threads=True)
    with writer, pytest.raises(Exception, match="(?i)foreign key|violates|constraint"):
        asyncio.run(store_as_polled(_yielding([unknown]), writer, run_id,
                                    {"not-configured": INTERVAL}, lambda: NOW, print))


def test_sources_with_host_names_are_parsed_and_stored_in_forked_workers(tmp_path) -> None:
    """Host names are resolved in a thread pool, and forking is only safe without
    threads: the workers fork before the poll, so a real check still uses them."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    probe = Path(__file__).with_name("workers_probe.py")
    done = subprocess.run([sys.executable, str(probe), f"sqlite:///{tmp_path / 's.sqlite'}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["categories"] == ["ok"]
    assert seen["threads"] > 1  # the resolver's threads ran during the poll
    assert seen["parsed_by"] and seen["me"] not in seen["parsed_by"]  # not in the loop
    assert seen["writer_forked"]
