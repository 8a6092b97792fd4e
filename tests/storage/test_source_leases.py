"""Source leases: who may poll a source now, and how a lease ends."""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from sources.outcome import Category
from sources.poll import SourceResult
from storage import sources as source_store
from storage.models import SourceStateRow
from tests.conftest import NOW

LATER = NOW + timedelta(minutes=31)  # past SOURCE_LEASE_TTL


def _sources(store, *ids: str) -> None:
    with store.session() as session:
        source_store.sync_sources(session, [
            source_store.SourceDefinition(id=sid, kind="feed", lab="Lab", region="us",
                                          interval=timedelta(hours=6), params={})
            for sid in ids])


def _set(store, source_id: str, **values) -> None:
    with store.session() as session:
        state = session.get(SourceStateRow, source_id)
        for name, value in values.items():
            setattr(state, name, value)


def _lease(store, candidates, owner="me", now=NOW, **options) -> list[str]:
    with store.session() as session:
        return source_store.lease_sources(session, candidates, owner=owner, now=now, **options)


@pytest.mark.parametrize(
    ("case", "state", "options", "taken"),
    [
        ("free", {}, {}, True),
        ("held by another, unexpired", {"lease_owner": "other",
                                        "lease_expires": NOW + timedelta(minutes=5)}, {}, False),
        ("held by another, expired", {"lease_owner": "other",
                                      "lease_expires": NOW - timedelta(seconds=1)}, {}, True),
        ("held by me already", {"lease_owner": "me",
                                "lease_expires": NOW + timedelta(minutes=5)}, {}, True),
        ("not due, due_only", {"next_due": NOW + timedelta(hours=1)}, {"due_only": True}, False),
        ("not due, asked for it anyway", {"next_due": NOW + timedelta(hours=1)}, {}, True),
        ("never polled, due_only", {"next_due": None}, {"due_only": True}, True),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_who_may_take_a_source(store, case, state, options, taken) -> None:
    _sources(store, "a")
    _set(store, "a", **state)
    assert (_lease(store, ["a"], **options) == ["a"]) is taken
    if taken:
        with store.session() as session:
            row = session.get(SourceStateRow, "a")
            assert row.lease_owner == "me" and row.lease_expires > NOW


def test_most_overdue_first_and_at_most_limit(store) -> None:
    _sources(store, "a", "b", "c", "d")
    _set(store, "a", next_due=NOW - timedelta(hours=1))
    _set(store, "b", next_due=NOW - timedelta(hours=3))
    _set(store, "c", next_due=None)  # never polled: first of all
    _set(store, "d", next_due=NOW - timedelta(hours=2))
    assert _lease(store, ["a", "b", "c", "d"], limit=3, due_only=True) == ["c", "b", "d"]
    assert _lease(store, ["a", "b", "c", "d"], owner="other", limit=3) == ["a"]


def test_storing_the_result_frees_the_lease_and_release_frees_the_rest(store) -> None:
    _sources(store, "a", "b")
    assert _lease(store, ["a", "b"]) == ["a", "b"]
    with store.session() as session:
        source_store.record_result(session, SourceResult("a", Category.OK), now=NOW,
                                   interval=timedelta(hours=6))
    assert _lease(store, ["a", "b"], owner="other") == ["a"]
    with store.session() as session:
        assert source_store.release_source_leases(session, "me") == 1
    assert _lease(store, ["b"], owner="other") == ["b"]


def test_a_dead_local_process_loses_its_leases_a_live_or_remote_one_keeps_them(store) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = f"{socket.gethostname()}:{gone.pid}"
    alive = f"{socket.gethostname()}:{os.getppid()}"
    _sources(store, "a", "b", "c")
    _lease(store, ["a"], owner=dead)
    _lease(store, ["b"], owner=alive)
    _lease(store, ["c"], owner="elsewhere:1")
    with store.session() as session:
        assert source_store.reclaim_dead_source_leases(session) == [dead]
        owners = dict(session.execute(select(SourceStateRow.source_id,
                                             SourceStateRow.lease_owner)).all())
    assert owners == {"a": None, "b": alive, "c": "elsewhere:1"}
    assert _lease(store, ["a", "b", "c"], now=LATER) == ["a", "b", "c"]  # all expired by then


@pytest.mark.timeout(30)  # without SKIP LOCKED the second waits on the first: a hang
def test_two_workers_asking_at_once_get_different_sources(store, backend) -> None:
    if backend != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; on SQLite the worker "
                    "lease keeps a second worker out (tests/storage/test_lock.py)")
    ids = [f"s{n}" for n in range(10)]
    _sources(store, *ids)
    with store.session() as first, store.session() as second:
        mine = source_store.lease_sources(first, ids, owner="one", now=NOW, limit=6)
        theirs = source_store.lease_sources(second, ids, owner="two", now=NOW, limit=6)
    assert len(mine) == 6 and len(theirs) == 4 and not set(mine) & set(theirs)
