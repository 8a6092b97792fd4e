"""Storing polled results: each source in its own transaction as it arrives, off the
event loop; a stop between two sources keeps what was stored and nothing more."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from monitor import storing
from monitor.storing import SourceOutcome, store_as_completed
from sources.finding import Finding
from sources.outcome import Category
from sources.poll import SourceResult
from storage import runs as run_store
from storage import sources as source_store
from storage.db import Store
from storage.models import FindingRow, RunSourceRow, SourceStateRow
from tests.conftest import NOW

SOURCES = [f"feed-{n:02d}" for n in range(6)]
INTERVAL = timedelta(hours=6)


class Stop(Exception):
    pass


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


def _store_all(store: Store, run_id: int, results: list[SourceResult], confirm) -> None:
    asyncio.run(store_as_completed(_yielding(results), store, run_id,
                                   dict.fromkeys(SOURCES, INTERVAL), lambda: NOW, confirm))


def _stored(store: Store) -> dict:
    with store.session() as session:
        return {
            "findings": sorted((f.source_id, f.key) for f in session.scalars(select(FindingRow))),
            "states": sorted((s.source_id, s.last_category, s.consecutive_failures, s.etag)
                             for s in session.scalars(select(SourceStateRow))
                             if s.last_category is not None),
            "entries": sorted((r.source_id, r.category, r.findings, r.new)
                              for r in session.scalars(select(RunSourceRow))),
        }


def test_each_result_is_stored_and_confirmed_in_the_order_it_arrives(store) -> None:
    run_id = _prepare(store)
    outcomes: list[SourceOutcome] = []
    _store_all(store, run_id, _results(), outcomes.append)
    assert [o.source_id for o in outcomes] == SOURCES
    assert [o.new for o in outcomes] == [0, 3, 6, 9, 12, 15]
    assert outcomes[0].failed and not any(o.failed for o in outcomes[1:])
    stored = _stored(store)
    assert len(stored["findings"]) == 45
    assert stored["states"][0] == (SOURCES[0], "http-5xx", 1, None)  # counted once
    assert [e[0] for e in stored["entries"]] == SOURCES


def test_storing_runs_off_the_event_loop_thread(store, monkeypatch) -> None:
    """The loop goes on fetching and parsing while a source's transaction commits."""
    run_id = _prepare(store)
    threads: set[int] = set()
    real = storing.store_result

    def noting_thread(*args, **kwargs):
        threads.add(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(storing, "store_result", noting_thread)
    _store_all(store, run_id, _results(), lambda _outcome: None)
    assert threads and threading.get_ident() not in threads


def test_a_stop_between_two_sources_keeps_what_was_stored(store) -> None:
    """``confirm`` raising (the daemon's stop) ends the loop: the sources confirmed are
    committed, the next one is not stored at all."""
    run_id = _prepare(store)
    confirmed: list[str] = []

    def stop_after_two(outcome: SourceOutcome) -> None:
        confirmed.append(outcome.source_id)
        if len(confirmed) == 2:
            raise Stop

    with pytest.raises(Stop):
        _store_all(store, run_id, _results(), stop_after_two)
    stored = _stored(store)
    assert [e[0] for e in stored["entries"]] == SOURCES[:2]
    assert {key.split("/")[0] for _source, key in stored["findings"]} == {SOURCES[1]}


def test_an_error_while_storing_reaches_the_caller(store) -> None:
    run_id = _prepare(store)
    unknown = SourceResult("not-configured", Category.OK,
                           findings=[Finding(key="k", title="t", kind="post")])
    with pytest.raises(Exception, match="(?i)foreign key|violates|constraint"):
        asyncio.run(store_as_completed(_yielding([unknown]), store, run_id,
                                       {"not-configured": INTERVAL}, lambda: NOW, print))
    assert _stored(store)["entries"] == []  # nothing of it committed
