"""What the store relies on from its backend, checked on the backend this run tests.

On the PostgreSQL run these pin down the differences from SQLite that bit us or could:
the session's time zone, JSON key order, what an UPDATE's rowcount counts, and that
each test store is a schema of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from storage.db import open_store
from storage.models import ClaimRow, LeaseRow
from tests.conftest import NOW


def _in_zone(url: str, zone: str) -> str:
    """The same store, its connections set to ``zone`` (PostgreSQL only has one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    options = f"{parsed.query.get('options', '')} -ctimezone={zone}".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _claim(claim_id: str, at: datetime) -> ClaimRow:
    return ClaimRow(id=claim_id, page="p", section="s", text="t", subject="x", as_of="2026",
                    review_every="never", expectations={"watch": ["b", "a"], "z": 1, "a": 2},
                    file="", file_digest="", status="active", created_at=at, updated_at=at)


def test_times_are_the_same_instant_in_utc_whatever_the_session_zone(store) -> None:
    shanghai = open_store(_in_zone(store.url, "Asia/Shanghai"))
    written = datetime(2026, 4, 29, 4, 30, 0, 250000, tzinfo=timezone(timedelta(hours=8)))
    with shanghai.session() as session:
        session.add(_claim("c", written))
    los_angeles = open_store(_in_zone(store.url, "America/Los_Angeles"))
    with los_angeles.session() as session:
        read = session.get(ClaimRow, "c").created_at
        late = session.scalars(select(ClaimRow.id).where(
            ClaimRow.created_at > datetime(2026, 4, 28, 20, 29, tzinfo=UTC))).all()
    shanghai.close()
    los_angeles.close()
    assert read == datetime(2026, 4, 28, 20, 30, 0, 250000, tzinfo=UTC) and read.tzinfo is UTC
    assert late == ["c"]


def test_json_values_keep_their_key_order_and_text(store) -> None:
    with store.session() as session:
        session.add(_claim("c", NOW))
    with store.session() as session:
        expectations = session.get(ClaimRow, "c").expectations
    assert list(expectations) == ["watch", "z", "a"] and expectations["watch"] == ["b", "a"]


def test_an_update_counts_matched_rows_even_when_nothing_changes(store) -> None:
    # storage.lock renews a lease by an UPDATE and reads its rowcount as "still mine"
    with store.session() as session:
        session.add(LeaseRow(name="worker", holder="me", expires_at=NOW, heartbeat_at=NOW,
                             info={}))
    with store.session() as session:
        same = session.execute(update(LeaseRow).where(LeaseRow.name == "worker")
                               .values(holder="me", expires_at=NOW)).rowcount
        other = session.execute(update(LeaseRow).where(LeaseRow.holder == "you")
                                .values(expires_at=NOW)).rowcount
    assert (same, other) == (1, 0)


def test_each_test_store_starts_empty_and_apart(store, databases, backend) -> None:
    with store.session() as session:
        session.add(_claim("mine", NOW))
    other = open_store(databases.new_url())
    with other.session() as session:
        assert session.scalars(select(ClaimRow)).all() == []
    other.close()
    if backend == "postgresql":
        with store.engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar()
        assert f"search_path={schema}" in make_url(store.url).query["options"]
