"""The migrations and the models describe the same schema; old stores are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from storage.db import StoreOutdated, make_engine, open_store
from storage.models import Base


def test_head_migration_matches_the_models(store) -> None:
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_sqlite_pragmas_are_on(tmp_path: Path) -> None:
    # SQLite-only settings: checked on a SQLite file whichever backend the run tests
    store = open_store(f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000
    store.close()


def test_a_store_at_another_revision_is_refused_untouched(databases) -> None:
    url = databases.new_url()
    open_store(url).close()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    with pytest.raises(StoreOutdated, match="claimwatch db upgrade"):
        open_store(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0000"
        )
    engine.dispose()
