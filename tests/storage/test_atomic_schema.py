"""Creating and migrating a SQLite store is all or nothing (issue 14, item 1).

Python's sqlite3 driver, in its legacy transaction mode, runs each CREATE TABLE outside
any transaction, so a kill during the first schema creation left some tables and no
version, and every command refused the store. Here the migration is stopped at every
statement in turn (an error, and in a few places a real SIGKILL), and the store must be
either untouched or whole, and usable by the next command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, inspect, text

from storage.db import head_revision, make_engine, open_store, repair_half_made, upgrade
from storage.models import Base

REPO = Path(__file__).resolve().parents[2]


class Stop(Exception):
    pass


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        upgrade(engine)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def _ddl_count(tmp_path: Path) -> int:
    engine = make_engine(f"sqlite:///{tmp_path / 'count.sqlite'}")
    try:
        return len(_statements(engine))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def statement_count(tmp_path_factory) -> int:
    return _ddl_count(tmp_path_factory.mktemp("count"))


def test_an_error_at_any_statement_of_the_first_schema_leaves_an_empty_store(
        tmp_path: Path, statement_count: int) -> None:
    assert statement_count > 20  # the first schema really is many statements
    for stop_at in range(1, statement_count + 1):
        url = f"sqlite:///{tmp_path / f'stop-{stop_at}.sqlite'}"
        engine = make_engine(url)
        count = 0

        def stop(conn, cursor, statement, parameters, context, executemany, *, _at=stop_at):
            nonlocal count
            count += 1
            if count == _at:
                raise Stop(statement)

        event.listen(engine, "before_cursor_execute", stop)
        with pytest.raises(Exception):  # noqa: B017 - wrapped or not, it must propagate
            upgrade(engine)
        event.remove(engine, "before_cursor_execute", stop)
        left = _tables(engine) - {"alembic_version"}
        engine.dispose()
        assert left == set(), f"stopped at statement {stop_at}: {sorted(left)} were kept"
        store = open_store(url)  # the next command creates the whole schema
        assert _tables(store.engine) >= set(Base.metadata.tables)
        store.close()


KILLER = textwrap.dedent("""
    import os, signal, sys
    from sqlalchemy import event
    from storage.db import open_store, make_engine
    import storage.db as db
    target = int(sys.argv[2])
    real = db.make_engine
    def killing_engine(url):
        engine = real(url)
        count = [0]
        def kill(*args):
            count[0] += 1
            if count[0] == target:
                os.kill(os.getpid(), signal.SIGKILL)
        event.listen(engine, "before_cursor_execute", kill)
        return engine
    db.make_engine = killing_engine
    open_store(sys.argv[1])
""")


def test_a_sigkill_during_the_first_schema_creation_leaves_a_usable_store(
        tmp_path: Path, statement_count: int) -> None:
    # the first CREATE TABLE, one in the middle, and the version stamp near the end
    for kill_at in sorted({3, statement_count // 2, statement_count - 1}):
        path = tmp_path / f"kill-{kill_at}.sqlite"
        done = subprocess.run([sys.executable, "-c", KILLER, f"sqlite:///{path}", str(kill_at)],
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                              capture_output=True, timeout=60)
        assert done.returncode == -signal.SIGKILL, done.stderr.decode()
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        left = _tables(engine) - {"alembic_version"}
        engine.dispose()
        assert left == set(), f"killed at statement {kill_at}: {sorted(left)} were kept"
        store = open_store(url)
        store.close()


def _half_made(url: str) -> None:
    """What a kill under the old code left: some of claimwatch's tables, no version."""
    engine = make_engine(url)
    with engine.begin() as connection:
        Base.metadata.tables["claim"].create(connection)
        Base.metadata.tables["source"].create(connection)
    engine.dispose()


def test_a_half_made_store_of_empty_claimwatch_tables_is_repaired(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'half.sqlite'}"
    _half_made(url)
    engine = make_engine(url)
    assert repair_half_made(engine) is True
    upgrade(engine)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == head_revision()


def test_a_half_made_store_with_rows_is_not_touched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'half.sqlite'}"
    _half_made(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO source (id, kind, lab, region, interval_seconds, "
                                "params, active) VALUES ('s', 'feed', 'L', 'us', 1, '{}', 1)"))
    assert repair_half_made(engine) is False
    assert "source" in _tables(engine)
    engine.dispose()


def test_a_store_with_foreign_tables_is_not_touched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE claim (x INTEGER)"))
        connection.execute(text("CREATE TABLE notes (x INTEGER)"))
    assert repair_half_made(engine) is False
    assert _tables(engine) == {"claim", "notes"}
    engine.dispose()
