"""Deliveries: once per (kind, key, recipient), forced resends kept apart, last week."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from storage import deliveries as delivery_store
from storage.db import open_store

SENT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_record_then_already_delivered(store):
    with store.session() as session:
        assert not delivery_store.already_delivered(session, "digest", "2026-W48", "a@x.org")
        delivery_store.record_delivery(session, "digest", "2026-W48", "a@x.org", sent_at=SENT,
                                       message_id="<1@x>")
    with store.session() as session:
        assert delivery_store.already_delivered(session, "digest", "2026-W48", "a@x.org")
        assert not delivery_store.already_delivered(session, "digest", "2026-W48", "b@x.org")
        assert not delivery_store.already_delivered(session, "alert", "2026-W48", "a@x.org")
        assert delivery_store.delivered_recipients(session, "digest", "2026-W48") == {"a@x.org"}


def test_a_second_record_clashes_and_leaves_the_transaction_usable(store):
    with store.session() as session:
        delivery_store.record_delivery(session, "digest", "2026-W48", "a@x.org", sent_at=SENT)
    with store.session() as session:
        with pytest.raises(delivery_store.AlreadyRecorded, match="another process"):
            delivery_store.record_delivery(session, "digest", "2026-W48", "a@x.org",
                                           sent_at=SENT)
        delivery_store.record_delivery(session, "digest", "2026-W48", "b@x.org", sent_at=SENT)
    with store.session() as session:
        rows = delivery_store.deliveries(session)
    assert [(r.key, r.recipient) for r in rows] == [("2026-W48", "a@x.org"),
                                                    ("2026-W48", "b@x.org")]


def test_two_processes_recording_the_same_send_one_wins(tmp_path):
    """Two stores on one SQLite file, as two processes would have: exactly one row."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    stores = [open_store(url), open_store(url)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def record(store) -> None:
        barrier.wait()
        try:
            with store.session() as session:
                delivery_store.record_delivery(session, "digest", "2026-W48", "a@x.org",
                                               sent_at=SENT)
            outcomes.append("recorded")
        except delivery_store.AlreadyRecorded:
            outcomes.append("clash")

    threads = [threading.Thread(target=record, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with stores[0].session() as session:
        rows = delivery_store.deliveries(session)
    for opened in stores:
        opened.close()
    assert sorted(outcomes) == ["clash", "recorded"]
    assert len(rows) == 1


def test_forced_resend_is_its_own_row_and_not_a_week(store):
    with store.session() as session:
        delivery_store.record_delivery(session, "digest", "2026-W48", "a@x.org", sent_at=SENT)
        delivery_store.record_delivery(session, "digest", "2026-W48", "a@x.org",
                                       sent_at=SENT + timedelta(hours=1), forced=True)
        delivery_store.record_delivery(session, "digest", "2026-W48", "b@x.org",
                                       sent_at=SENT + timedelta(hours=1), forced=True)
    with store.session() as session:
        rows = [(r.key, r.recipient, r.forced) for r in delivery_store.deliveries(session)]
        last = delivery_store.last_delivered_week(session)
    assert rows == [
        ("2026-W48", "a@x.org", False),
        ("2026-W48+forced-20261130T090000.000000Z", "a@x.org", True),
        ("2026-W48", "b@x.org", True),  # never had it: the plain key, marked forced
    ]
    assert last == "2026-W48"


def test_last_delivered_week(store):
    with store.session() as session:
        assert delivery_store.last_delivered_week(session) is None
        for week in ("2025-W52", "2026-W45", "2026-W02"):
            delivery_store.record_delivery(session, "digest", week, "a@x.org", sent_at=SENT)
        delivery_store.record_delivery(session, "alert", "alert-9-1-abc", "a@x.org",
                                       sent_at=SENT)
    with store.session() as session:
        assert delivery_store.last_delivered_week(session) == "2026-W45"
        assert delivery_store.last_delivered_week(session, before="2026-W45") == "2026-W02"
        assert delivery_store.last_delivered_week(session, before="2026-W01") == "2025-W52"
        assert delivery_store.last_delivered_week(session, before="2025-W52") is None
