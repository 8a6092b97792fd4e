"""Migrations: a store filled at the first schema upgrades to the newest and loses nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import DateTime, Engine, MetaData, insert, inspect, select

from storage import claims as claim_store
from storage import flags as flag_store
from storage import transfer
from storage.db import (
    StoreOutdated,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    open_store,
    upgrade,
)
from storage.models import Base, FindingRow, RunSourceRow
from tests.storage.test_transfer import fill

FIRST = "0001"


@pytest.fixture
def first_schema(databases) -> Iterator[tuple[str, Engine]]:
    """An empty store migrated to the first revision only."""
    url = databases.new_url()
    engine = make_engine(url)
    upgrade(engine, FIRST)
    yield url, engine
    engine.dispose()


@pytest.fixture
def rows(tmp_path: Path) -> list[dict]:
    """Rows for every table, as an export of a store filled the usual way gives them."""
    donor = open_store(f"sqlite:///{tmp_path / 'donor.sqlite'}")
    fill(donor)
    with donor.session() as session:
        lines = [json.loads(line) for line in transfer.export_lines(session)][1:]
    donor.close()
    return lines


def _insert_with_sql(engine: Engine, rows: list[dict]) -> None:
    """Insert into the tables as the first schema has them, without today's models."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for row in rows:
            table = tables.tables[row["table"]]
            values = {
                column.name: _value(column.type, row[column.name])
                for column in table.columns if column.name in row
            }
            connection.execute(insert(table).values(values))


def _value(kind, value):
    if isinstance(kind, DateTime) and value is not None:
        return datetime.fromisoformat(value)
    return value


def _first_schema_columns(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        found = inspect(connection)
        return {name: [c["name"] for c in found.get_columns(name)]
                for name in found.get_table_names() if name != "alembic_version"}


def test_a_filled_first_schema_store_upgrades_to_the_newest_losing_nothing(
    first_schema, rows
) -> None:
    url, engine = first_schema
    columns = _first_schema_columns(engine)
    _insert_with_sql(engine, rows)
    with pytest.raises(StoreOutdated, match="claimwatch db upgrade"):
        open_store(url)

    upgrade(engine)

    assert current_revision(engine) == head_revision() != FIRST
    store = open_store(url)
    with store.session() as session:
        after = [json.loads(line) for line in transfer.export_lines(session)][1:]
        flags = [(f.id, [e.action for e in f.events]) for f in flag_store.list_flags(session)]
        claims = [c.id for c in claim_store.list_claims(session, status="active")]
    store.close()
    def kept(lines: list[dict]) -> list[dict]:
        return [{k: v for k, v in row.items() if k == "table" or k in columns[row["table"]]}
                for row in lines]

    assert kept(after) == kept(rows)
    assert flags == [(2, ["opened", "dismissed"]), (5, ["snoozed"])]
    assert claims == ["a-lower", "qwen3-release"]


def test_the_second_revision_adds_what_the_models_say_and_goes_back(first_schema) -> None:
    _url, engine = first_schema
    with engine.connect() as connection:
        missing = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert sorted(diff[1].name for diff in missing if diff[0] == "add_index") == [
        "ix_finding_published", "ix_run_source_at", "ix_run_source_source_id_at",
        "ix_run_started_at"]
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        indexes = {ix["name"]: ix["column_names"]
                   for ix in inspect(connection).get_indexes(RunSourceRow.__tablename__)}
    assert indexes["ix_run_source_source_id_at"] == ["source_id", "at"]
    command.downgrade(alembic_config(engine), FIRST)
    assert current_revision(engine) == FIRST
    with engine.connect() as connection:
        names = {ix["name"] for ix in inspect(connection).get_indexes(FindingRow.__tablename__)}
    assert "ix_finding_published" not in names and "ix_finding_first_seen" in names


def test_the_digest_queries_use_the_new_indexes(store, backend) -> None:
    # the planner's word that run_source by time no longer scans the whole table
    query = select(RunSourceRow.source_id).where(RunSourceRow.source_id == "hf-qwen",
                                                 RunSourceRow.at >= datetime.fromisoformat(
                                                     "2026-11-23T00:00:00+00:00"))
    with store.engine.connect() as connection:
        compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
        if backend == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
        plan = " ".join(str(row) for row in connection.exec_driver_sql(explain + str(compiled)))
    assert "ix_run_source_source_id_at" in plan
