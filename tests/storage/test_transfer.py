"""Export to JSON lines and import: byte-identical round trips between backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import transfer
from storage.db import Store, open_store
from storage.models import (
    ClaimRevisionRow,
    ClaimRow,
    DeliveryRow,
    FindingRow,
    FlagEventRow,
    FlagRow,
    LeaseRow,
    RunRow,
    RunSourceRow,
    SourceRow,
    SourceStateRow,
)
from tests.conftest import NOW

BEIJING = timezone(timedelta(hours=8))
ODD_TIME = datetime(2025, 4, 29, 4, 0, 0, 123456, tzinfo=BEIJING)  # stored as 2025-04-28T20:00Z


def _claim(claim_id: str, **values) -> ClaimRow:
    base = dict(id=claim_id, page="china-us", section="Models", text=f"text of {claim_id}",
                subject="Qwen3", as_of="2026-04", review_every="90d", expectations={},
                file="claims.toml", file_digest="d" * 64, status="active",
                created_at=NOW, updated_at=NOW)
    return ClaimRow(**{**base, **values})


def fill(store: Store) -> None:
    """Every exported table, with gaps in the ids and values that trip backends up."""
    with store.session() as session:
        session.add_all([
            _claim("qwen3-release", text="Qwen3 (Apache 2.0, April 2026) — «通义千问»",
                   expectations={"watch": ["hf-qwen"], "family": "Qwen3",
                                 "license": "apache-2.0", "released": "2026-04"}),
            _claim("B-upper-first", status="retired", review_every="never", as_of="2023"),
            _claim("a-lower", updated_at=ODD_TIME),
        ])
        session.add_all([
            SourceRow(id="hf-qwen", kind="huggingface", lab="Alibaba Qwen", region="china",
                      interval_seconds=21600, params={"author": "Qwen", "limit": 100},
                      active=True),
            SourceRow(id="blog-openai", kind="feed", lab="OpenAI", region="us",
                      interval_seconds=43200, params={"url": "https://openai.com/news/rss.xml"},
                      active=False),
        ])
        session.flush()
        session.add_all([
            ClaimRevisionRow(id=1, claim_id="qwen3-release", at=NOW, by="loader",
                             action="created", before={}, after={"as_of": "2026-04"}),
            ClaimRevisionRow(id=4, claim_id="qwen3-release", at=NOW + timedelta(days=1),
                             by="ana", action="verified", before={"as_of": "2026-04"},
                             after={"z": 1, "as_of": "2025-04",
                                    "nested": {"b": [1, 2.5], "a": None}}),
            SourceStateRow(source_id="hf-qwen", etag='W/"abc"', last_modified=None,
                           last_attempt=NOW, last_success=ODD_TIME, consecutive_failures=0,
                           last_category="ok", last_error=None, warnings=["dropped 1 entry"],
                           complete=True, next_due=NOW + timedelta(hours=6),
                           lease_owner=None, lease_expires=None),
            FindingRow(id=3, source_id="hf-qwen", key="Qwen/Qwen3-8B", kind="model",
                       title="Qwen3-8B", url="https://huggingface.co/Qwen/Qwen3-8B",
                       published=ODD_TIME, updated=None,
                       attributes={"tags": ["license:apache-2.0"], "license": "apache-2.0"},
                       first_seen=NOW, last_seen=NOW, changed_at=None, change_note=None),
            FindingRow(id=9, source_id="blog-openai", key="gpt-5", kind="post",
                       title='GPT-5 <script>alert("x")</script>', url=None, published=None,
                       updated=NOW, attributes={}, first_seen=NOW, last_seen=NOW,
                       changed_at=NOW, change_note="title changed"),
            FlagRow(id=2, claim_id="qwen3-release", rule="released", cause="released:qwen3",
                    verdict="contradicted", status="dismissed", reason="created 2025-04-28",
                    suggestion="April 2025",
                    evidence=[{"source_id": "hf-qwen", "key": "Qwen/Qwen3-8B",
                               "time": "2025-04-28T15:00:00+00:00"}],
                    opened_at=NOW, updated_at=NOW, snoozed_until=None, alerted_at=NOW),
            FlagRow(id=5, claim_id="a-lower", rule="age", cause="age", verdict="stale",
                    status="snoozed", reason="old", suggestion="", evidence=[],
                    opened_at=NOW, updated_at=NOW, snoozed_until=NOW + timedelta(days=30),
                    alerted_at=None),
            RunRow(id=7, command="check", started_at=NOW, finished_at=NOW + timedelta(seconds=3),
                   status="done", counts={"new_flags": 2, "sources": 2}),
            DeliveryRow(id=1, kind="digest", key="2026-W48", recipient="ed@example.org",
                        sent_at=NOW, message_id="<1@claimwatch>", forced=False),
            DeliveryRow(id=6, kind="alert", key="alert-7", recipient="ed@example.org",
                        sent_at=ODD_TIME, message_id="", forced=True),
            LeaseRow(name="worker", holder="host:1", expires_at=NOW, heartbeat_at=NOW, info={}),
        ])
        session.flush()
        session.add_all([
            FlagEventRow(id=1, flag_id=2, at=NOW, by="claimwatch", action="opened", note=""),
            FlagEventRow(id=3, flag_id=2, at=NOW, by="ana", action="dismissed",
                         note="a re-upload, not the release"),
            FlagEventRow(id=4, flag_id=5, at=ODD_TIME, by="bo", action="snoozed", note=""),
            RunSourceRow(id=11, run_id=7, source_id="hf-qwen", category="ok", message="",
                         findings=1, new=1, changed=0, dropped=0, requests=2,
                         bytes_received=123456789, duration_s=0.1, at=NOW),
            RunSourceRow(id=12, run_id=7, source_id="blog-openai", category="timeout",
                         message="read timed out", findings=0, new=0, changed=0, dropped=0,
                         requests=3, bytes_received=0, duration_s=30.000001, at=NOW),
        ])


def _export(store: Store) -> str:
    with store.session() as session:
        return "".join(line + "\n" for line in transfer.export_lines(session))


def _import(store: Store, text: str, name: str = "export.jsonl") -> dict[str, int]:
    with store.session() as session:
        return transfer.import_lines(session, text.splitlines(keepends=True), name=name)


@pytest.fixture
def sqlite_store(tmp_path: Path):
    opened = open_store(f"sqlite:///{tmp_path / 'from.sqlite'}")
    yield opened
    opened.close()


def test_sqlite_to_the_tested_backend_and_back_is_byte_identical(sqlite_store, store) -> None:
    # on the PostgreSQL run this is SQLite -> PostgreSQL; on the SQLite run, file to file
    fill(sqlite_store)
    first = _export(sqlite_store)
    counts = _import(store, first)
    assert counts == {"claim": 3, "claim_revision": 2, "source": 2, "source_state": 1,
                      "finding": 2, "flag": 2, "flag_event": 3, "run": 1, "run_source": 2,
                      "delivery": 2}
    assert _export(store) == first


def test_imported_rows_keep_their_ids_and_values(sqlite_store, store) -> None:
    fill(sqlite_store)
    _import(store, _export(sqlite_store))
    with store.session() as session:
        flag = session.get(FlagRow, 2)
        assert [e.id for e in flag.events] == [1, 3]
        assert flag.events[1].note == "a re-upload, not the release"
        finding = session.get(FindingRow, 3)
        assert finding.published == datetime(2025, 4, 28, 20, 0, 0, 123456, tzinfo=UTC)
        assert finding.attributes["tags"] == ["license:apache-2.0"]
        claim = session.get(ClaimRow, "qwen3-release")
        assert "«通义千问»" in claim.text
        assert [r.id for r in claim.revisions] == [1, 4]
        assert claim.revisions[1].after["nested"] == {"a": None, "b": [1, 2.5]}
        assert session.get(RunSourceRow, 12).duration_s == 30.000001
        assert session.get(DeliveryRow, 6).forced is True
        assert session.get(SourceRow, "blog-openai").active is False
        assert session.scalars(select(LeaseRow)).all() == []  # locks are not data


def test_new_rows_after_an_import_take_ids_after_the_imported_ones(sqlite_store, store) -> None:
    fill(sqlite_store)
    _import(store, _export(sqlite_store))
    with store.session() as session:
        event = FlagEventRow(flag_id=5, at=NOW, by="cy", action="reopened", note="")
        run = RunRow(command="check", started_at=NOW, status="running", counts={})
        revision = ClaimRevisionRow(claim_id="a-lower", at=NOW, by="cy", action="updated",
                                    before={}, after={})
        session.add_all([event, run, revision])
        session.flush()
        assert (event.id, run.id, revision.id) == (5, 8, 5)


def test_the_export_is_json_lines_header_first_in_table_and_key_order(sqlite_store) -> None:
    fill(sqlite_store)
    lines = [json.loads(line) for line in _export(sqlite_store).splitlines()]
    assert lines[0] == {"table": "claimwatch", "format": 1, "schema": lines[0]["schema"]}
    tables = [line["table"] for line in lines[1:]]
    order = [t.name for t in transfer.TABLES]
    assert tables == sorted(tables, key=order.index)
    assert [line["id"] for line in lines if line["table"] == "claim"] == [
        "B-upper-first", "a-lower", "qwen3-release"]
    assert [line["id"] for line in lines if line["table"] == "finding"] == [3, 9]
    finding = next(line for line in lines if line["table"] == "finding")
    assert finding["published"] == "2025-04-28T20:00:00.123456+00:00"
    assert list(finding)[0] == "table"
    assert list(finding["attributes"]) == ["tags", "license"]  # as stored


def test_an_import_into_a_store_with_data_is_refused_and_changes_nothing(
    sqlite_store, store
) -> None:
    fill(sqlite_store)
    export = _export(sqlite_store)
    with store.session() as session:
        session.add(_claim("already-here"))
    with pytest.raises(transfer.TransferError, match=r"not empty \(1 claim\)"):
        _import(store, export)
    with store.session() as session:
        assert transfer.row_counts(session)["claim"] == 1


HEADER = '{"table":"claimwatch","format":1,"schema":"0001"}\n'
CLAIM = json.loads(
    '{"table":"claim","id":"c","page":"p","section":"s","text":"t","subject":"x",'
    '"as_of":"2026","review_every":"never","expectations":{},"file":"","file_digest":"",'
    '"status":"active","created_at":"2026-11-29T12:00:00+00:00",'
    '"updated_at":"2026-11-29T12:00:00+00:00"}'
)


def _line(**changes) -> str:
    return json.dumps({**CLAIM, **changes}) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "export.jsonl is empty"),
        ("not json\n", r"export.jsonl:1: not JSON"),
        ('{"table":"claim"}\n', r"export.jsonl:1: not a claimwatch export"),
        ('{"table":"claimwatch","format":2,"schema":"0001"}\n', "format 2 is not 1"),
        ('{"table":"claimwatch","format":1,"schema":"9999"}\n', "schema '9999'.*does not know"),
        (HEADER + '{"table":"lease","name":"w"}\n', r"export.jsonl:2: unknown table"),
        (HEADER + '["claim"]\n', r":2: each line is an object"),
        (HEADER + _line(colour="red"), r":2: claim has no column colour"),
        (HEADER + _line(created_at="2026-11-29T12:00:00"), r":2: claim.created_at.*no timezone"),
        (HEADER + _line(created_at="yesterday"), r"'yesterday' is not an ISO 8601 time"),
        (HEADER + _line() + _line(), r"claim rows refused by the store"),
        (HEADER + '{"table":"flag_event","id":1,"flag_id":99,"at":"2026-11-29T12:00:00+00:00",'
                  '"by":"a","action":"opened","note":""}\n', "flag_event rows refused"),
    ],
    ids=["empty", "not-json", "no-header", "format", "unknown-schema", "unknown-table",
         "not-object", "unknown-column", "naive-time", "bad-time", "duplicate-id",
         "missing-parent"],
)
def test_a_bad_export_names_the_line_and_imports_nothing(store, text, message) -> None:
    with pytest.raises(transfer.TransferError, match=message):
        _import(store, text)
    with store.session() as session:
        assert not any(transfer.row_counts(session).values())


def test_an_export_of_the_first_schema_imports_into_the_newest(store) -> None:
    counts = _import(store, HEADER + _line() + "\n")
    assert counts["claim"] == 1
    with store.session() as session:
        assert session.get(ClaimRow, "c").created_at == NOW


RUN = {"table": "run", "id": 1, "command": "check", "started_at": "2026-11-29T12:00:00+00:00",
       "finished_at": None, "status": "done", "counts": {"sources": 2}}
FLAG = {"table": "flag", "id": 1, "claim_id": "c", "rule": "age", "cause": "age",
        "verdict": "stale", "status": "open", "reason": "old", "suggestion": "",
        "evidence": [], "opened_at": "2026-11-29T12:00:00+00:00",
        "updated_at": "2026-11-29T12:00:00+00:00", "snoozed_until": None, "alerted_at": None}


def _row(base: dict, **changes) -> str:
    return json.dumps({**base, **changes}) + "\n"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([_row(RUN, counts=[1, 2])], r":2: run.counts: .*an object"),
        ([_line(), _row(FLAG, evidence={"title": "x"})], r":3: flag.evidence: .*a list"),
        ([_line(), _row(FLAG, evidence=["just text"])], r":3: flag.evidence: .*object"),
        ([_line(expectations="Qwen3")], r":2: claim.expectations: .*an object"),
        ([_line(expectations={"exists": "Qwen/Qwen3-8B"})], r":2: claim.expectations"),
        ([_line(expectations={"colour": "red"})], r":2: claim.expectations"),
        ([_line(as_of="garbage")], r":2: claim.as_of: 'garbage'"),
        ([_line(review_every="soon")], r":2: claim.review_every: 'soon'"),
        ([_line(as_of="9999", review_every="1y")], r":2: claim.as_of: '9999'.*calendar"),
        ([_line(page=7)], r":2: claim.page: .*text"),
        ([_line(page="p" * 201)], r":2: claim.page: .*200 characters"),
        ([_line(text=None)], r":2: claim.text: .*missing"),
        ([_row(RUN, id="seven")], r":2: run.id: .*whole number"),
        ([_row(RUN, id=True)], r":2: run.id: .*whole number"),
        ([_line(), _row(FLAG, verdict="wrong")], r":3: flag.verdict: 'wrong'"),
        ([_line(), _row(FLAG, status="maybe")], r":3: flag.status: 'maybe'"),
    ],
    ids=["counts-list", "evidence-object", "evidence-item", "expectations-string",
         "exists-string", "expectations-unknown", "as-of", "review-every", "as-of-9999",
         "page-number", "page-too-long", "text-null", "id-text", "id-bool", "verdict", "status"],
)
def test_a_wrongly_typed_row_names_its_line_and_imports_nothing(store, lines, message) -> None:
    with pytest.raises(transfer.TransferError, match=message):
        _import(store, HEADER + "".join(lines))
    with store.session() as session:
        assert not any(transfer.row_counts(session).values())


def test_every_json_column_has_a_declared_shape() -> None:
    from sqlalchemy import JSON

    json_columns = {f"{table.name}.{column.name}" for table in transfer.TABLES
                    for column in table.columns if isinstance(column.type, JSON)}
    assert json_columns == set(transfer.JSON_SHAPES)


def test_a_full_export_passes_validation(sqlite_store, store) -> None:
    fill(sqlite_store)
    counts = _import(store, _export(sqlite_store))
    assert counts["claim"] == 3 and counts["flag"] == 2
