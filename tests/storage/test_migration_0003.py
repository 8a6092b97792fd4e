"""Revision 0003: ``claim.judged_at``, filled from the last finished check on upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData, insert, inspect, select

from storage.db import alembic_config, current_revision, make_engine, upgrade
from storage.models import Base

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def second_schema(databases) -> Iterator[Engine]:
    engine = make_engine(databases.new_url())
    upgrade(engine, "0002")
    yield engine
    engine.dispose()


def _claim(claim_id: str, updated_at: datetime) -> dict:
    return dict(id=claim_id, page="p", section="s", text=f"text {claim_id}", subject="x",
                as_of="2026-04", review_every="90d", expectations={}, file="",
                file_digest="", status="active", created_at=T0, updated_at=updated_at)


def _run(run_id: int, command_name: str, finished_at: datetime | None, status: str) -> dict:
    return dict(id=run_id, command=command_name, started_at=T0, finished_at=finished_at,
                status=status, counts={})


def _fill(engine: Engine, claims: list[dict], runs: list[dict]) -> None:
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        if claims:
            connection.execute(insert(tables.tables["claim"]), claims)
        if runs:
            connection.execute(insert(tables.tables["run"]), runs)


def _judged(engine: Engine) -> dict[str, datetime | None]:
    tables = MetaData()
    tables.reflect(engine)
    claim = tables.tables["claim"]
    with engine.connect() as connection:
        rows = connection.execute(select(claim.c.id, claim.c.judged_at)).all()
    return {claim_id: _utc(at) for claim_id, at in rows}


def _utc(value: datetime | str | None) -> datetime | None:
    if isinstance(value, str):  # SQLite hands back the stored text
        value = datetime.fromisoformat(value)
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def test_claims_unchanged_since_the_last_finished_check_count_as_judged_by_it(
    second_schema,
) -> None:
    last_check = T0 + timedelta(days=3)
    _fill(second_schema, [
        _claim("before-check", T0 + timedelta(days=1)),
        _claim("after-check", T0 + timedelta(days=4)),
    ], [
        _run(1, "check", T0 + timedelta(days=2), "done"),
        _run(2, "run", last_check, "done"),
        _run(3, "check", T0 + timedelta(days=5), "failed"),  # never finished judging
        _run(4, "fetch", T0 + timedelta(days=6), "done"),  # fetch judges nothing
    ])

    upgrade(second_schema)

    assert current_revision(second_schema) == "0003"
    assert _judged(second_schema) == {"before-check": last_check, "after-check": None}


def test_a_store_that_never_finished_a_check_has_every_claim_unchecked(second_schema) -> None:
    _fill(second_schema, [_claim("a", T0)], [_run(1, "check", None, "running")])

    upgrade(second_schema)

    assert _judged(second_schema) == {"a": None}


def test_the_third_revision_matches_the_models_and_goes_back(second_schema) -> None:
    upgrade(second_schema)
    with second_schema.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []

    command.downgrade(alembic_config(second_schema), "0002")

    assert current_revision(second_schema) == "0002"
    with second_schema.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("claim")}
    assert "judged_at" not in columns and "updated_at" in columns
