"""Findings upsert by (source, key): new, changed and merely seen again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sources.finding import Finding
from storage import findings as finding_store
from storage import sources as source_store
from storage.models import FindingRow
from tests.conftest import NOW


def _source(store, source_id="hf-qwen"):
    with store.session() as session:
        source_store.sync_sources(
            session,
            [
                source_store.SourceDefinition(
                    id=source_id,
                    kind="huggingface",
                    lab="Alibaba Qwen",
                    region="china",
                    interval=timedelta(hours=6),
                    params={"author": "Qwen"},
                )
            ],
        )


def _model(key, created, license="apache-2.0", downloads=1):
    return Finding(
        key=key,
        title=key,
        kind="model",
        url=f"https://huggingface.co/{key}",
        published=created,
        attributes={"license": license, "downloads": downloads},
    )


CREATED = datetime(2025, 4, 28, 15, 0, tzinfo=UTC)


def test_new_changed_and_seen(store) -> None:
    _source(store)
    with store.session() as session:
        first = finding_store.upsert_findings(
            session,
            "hf-qwen",
            [_model("Qwen/Qwen3-8B", CREATED), _model("Qwen/Qwen3-4B", CREATED)],
            now=NOW,
        )
    assert sorted(first.new) == ["Qwen/Qwen3-4B", "Qwen/Qwen3-8B"] and first.changed == []
    later = NOW + timedelta(hours=6)
    with store.session() as session:
        second = finding_store.upsert_findings(
            session,
            "hf-qwen",
            [
                _model("Qwen/Qwen3-8B", CREATED, downloads=999),  # only a counter moved
                _model("Qwen/Qwen3-4B", CREATED, license="other"),  # a real change
            ],
            now=later,
        )
    assert second.new == [] and second.changed == ["Qwen/Qwen3-4B"]
    with store.session() as session:
        rows = {r.key: r for r in session.scalars(select(FindingRow))}
    assert rows["Qwen/Qwen3-8B"].first_seen == NOW and rows["Qwen/Qwen3-8B"].last_seen == later
    assert rows["Qwen/Qwen3-8B"].attributes["downloads"] == 999
    assert rows["Qwen/Qwen3-8B"].changed_at is None
    assert (
        rows["Qwen/Qwen3-4B"].change_note == "attributes"
        and rows["Qwen/Qwen3-4B"].changed_at == later
    )
    assert rows["Qwen/Qwen3-4B"].published == CREATED  # aware UTC back from SQLite


def test_same_key_in_two_sources_is_two_findings(store) -> None:
    _source(store, "a")
    _source(store, "b")
    with store.session() as session:
        finding_store.upsert_findings(session, "a", [_model("k", CREATED)], now=NOW)
        report = finding_store.upsert_findings(session, "b", [_model("k", CREATED)], now=NOW)
    assert report.new == ["k"]


def test_repeated_key_within_one_poll_is_stored_once(store) -> None:
    _source(store)
    with store.session() as session:
        report = finding_store.upsert_findings(
            session, "hf-qwen", [_model("k", CREATED), _model("k", CREATED)], now=NOW
        )
    assert report.new == ["k"]


def test_observations_carry_source_lab_and_region(store) -> None:
    _source(store)
    with store.session() as session:
        finding_store.upsert_findings(
            session, "hf-qwen", [_model("Qwen/Qwen3-8B", CREATED)], now=NOW
        )
        [obs] = finding_store.observations(session)
    assert (obs.source_id, obs.lab, obs.region, obs.source_kind) == (
        "hf-qwen",
        "Alibaba Qwen",
        "china",
        "huggingface",
    )
    assert obs.finding.attributes["license"] == "apache-2.0" and obs.first_seen == NOW


def test_a_poll_larger_than_one_query_chunk_is_seen_again_whole(store) -> None:
    """More keys than one IN (...) list holds: every one is found again, none is new."""
    _source(store)
    many = [_model(f"Qwen/m-{n:04d}", CREATED) for n in range(1201)]
    with store.transaction() as connection:
        assert len(finding_store.upsert_findings(connection, "hf-qwen", many, now=NOW).new) == 1201
    later = NOW + timedelta(hours=6)
    renamed = [*many[:-1], Finding(key=many[-1].key, title="renamed", kind="model",
                                   url=many[-1].url, published=CREATED,
                                   attributes=dict(many[-1].attributes))]
    with store.transaction() as connection:
        again = finding_store.upsert_findings(connection, "hf-qwen", renamed, now=later)
    assert again.new == [] and again.changed == ["Qwen/m-1200"] and again.seen == 1201
    with store.session() as session:
        rows = session.scalars(select(FindingRow)).all()
    assert len(rows) == 1201 and all(row.last_seen == later for row in rows)
    changed = {row.key: row for row in rows if row.changed_at is not None}
    assert list(changed) == ["Qwen/m-1200"]
    assert changed["Qwen/m-1200"].title == "renamed"
    assert changed["Qwen/m-1200"].change_note == "title"
