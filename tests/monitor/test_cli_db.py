"""``claimwatch db``: schema version, upgrade, export and import from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from monitor.config import load_config
from storage.db import head_revision, make_engine, upgrade
from tests.conftest import EXAMPLE, write_config
from tests.monitor.test_cli import run


def _at_revision(config: Path, revision: str) -> None:
    engine = make_engine(load_config(config).store_url)
    upgrade(engine, revision)
    engine.dispose()


def test_current_on_a_new_store_says_empty_exits_1_and_creates_nothing(config_path: Path) -> None:
    result = run("db", "current", config=config_path)
    assert result.exit_code == 1, result.output
    assert "schema:  (empty)" in result.output and f"newest:  {head_revision()}" in result.output
    assert not (config_path.parent / "claimwatch.sqlite").exists()


def test_upgrade_an_empty_store_then_current_is_up_to_date(config_path: Path) -> None:
    upgraded = run("db", "upgrade", config=config_path)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"from schema (empty) to {head_revision()}" in upgraded.output
    current = run("db", "current", config=config_path)
    assert current.exit_code == 0 and "up to date" in current.output
    again = run("db", "upgrade", config=config_path)
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_an_old_store_is_refused_until_db_upgrade(config_path: Path) -> None:
    _at_revision(config_path, "0001")
    refused = run("claims", "list", config=config_path)
    assert refused.exit_code == 3 and "run `claimwatch db upgrade`" in refused.output
    current = run("db", "current", config=config_path)
    assert current.exit_code == 1 and "schema:  0001" in current.output
    assert "upgrade needed" in current.output
    upgraded = run("db", "upgrade", config=config_path)
    assert upgraded.exit_code == 0, upgraded.output
    assert "claimwatch makes no backup" in upgraded.output
    assert f"from schema 0001 to {head_revision()}" in upgraded.output
    assert run("claims", "load", config=config_path).exit_code == 0


def test_a_store_from_a_newer_claimwatch_is_exit_3(config_path: Path) -> None:
    _at_revision(config_path, "head")
    engine = make_engine(load_config(config_path).store_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    for command in ("current", "upgrade"):
        result = run("db", command, config=config_path)
        assert result.exit_code == 3 and "a newer claimwatch wrote it" in result.output


@pytest.fixture
def example_on_sqlite(tmp_path: Path) -> Path:
    """The bundled example, checked against its snapshot, in its own SQLite file."""
    folder = tmp_path / "example"
    folder.mkdir()
    for name in ("claimwatch.toml", "claims.toml", "page.md"):
        shutil.copy(EXAMPLE / name, folder / name)
    config = folder / "claimwatch.toml"
    assert load_config(config).store_url.startswith("sqlite:")
    checked = run("check", "--all", "--replay", str(EXAMPLE / "snapshot"), config=config)
    assert checked.exit_code == 1, checked.output
    first = json.loads(run("flags", "list", "--json", config=config).output.splitlines()[0])
    dismissed = run("flags", "dismiss", str(first["id"]), "--reason", "moved", config=config)
    assert dismissed.exit_code == 0, dismissed.output
    return config


def test_export_from_sqlite_import_into_the_tested_backend_same_bytes(
    example_on_sqlite: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "store.jsonl"
    exported = run("db", "export", "-o", str(dump), config=example_on_sqlite)
    assert exported.exit_code == 0, exported.output
    assert "exported" in exported.output and "claim 58" in exported.output
    target = write_config(tmp_path / "target")  # PostgreSQL on the PostgreSQL run
    imported = run("db", "import", str(dump), config=target)
    assert imported.exit_code == 0, imported.output
    assert "claim 58" in imported.output
    again = run("db", "export", config=target)
    assert again.exit_code == 0
    assert again.output == dump.read_text(encoding="utf-8")
    assert (run("flags", "list", "--json", config=target).output
            == run("flags", "list", "--json", config=example_on_sqlite).output)
    refused = run("db", "import", str(dump), config=target)
    assert refused.exit_code == 2 and "not empty" in refused.output
    assert "nothing was imported" in refused.output


def test_after_an_import_a_check_adds_rows_without_id_clashes(
    example_on_sqlite: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "store.jsonl"
    run("db", "export", "-o", str(dump), config=example_on_sqlite)
    target = tmp_path / "target"
    target.mkdir()
    for name in ("claimwatch.toml", "claims.toml", "page.md"):
        shutil.copy(EXAMPLE / name, target / name)
    from tests.conftest import use_test_store

    config = use_test_store(target / "claimwatch.toml")
    assert run("db", "import", str(dump), config=config).exit_code == 0
    checked = run("check", "--all", "--replay", str(EXAMPLE / "snapshot"), config=config)
    assert checked.exit_code == 0, checked.output  # nothing new: the import kept every flag
    runs = [json.loads(line) for line in run("db", "export", config=config).output.splitlines()
            if '"table":"run"' in line]
    assert [r["id"] for r in runs] == [1, 2]


def test_a_bad_import_file_is_exit_2_naming_the_line(config_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"table":"claimwatch","format":1,"schema":"0001"}\n{"table":"nope"}\n',
                   encoding="utf-8")
    result = run("db", "import", str(bad), config=config_path)
    assert result.exit_code == 2
    assert f"{bad}:2: unknown table" in result.output


def _half_made(config: Path) -> None:
    """Some of claimwatch's tables, empty, and no version: a first creation cut short."""
    from storage.models import Base

    engine = make_engine(load_config(config).store_url)
    with engine.begin() as connection:
        for name in ("claim", "source", "run"):
            Base.metadata.tables[name].create(connection)
    engine.dispose()


def test_db_upgrade_repairs_a_store_holding_only_empty_claimwatch_tables(
        config_path: Path) -> None:
    _half_made(config_path)
    current = run("db", "current", config=config_path)
    assert current.exit_code == 1, current.output
    assert "claimwatch db upgrade" in current.output
    upgraded = run("db", "upgrade", config=config_path)
    assert upgraded.exit_code == 0, upgraded.output
    assert "interrupted" in upgraded.output and f"to {head_revision()}" in upgraded.output
    assert run("claims", "load", config=config_path).exit_code == 0


def test_an_import_file_that_is_not_utf8_is_exit_2(config_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"table":"claimwatch","format":1,"schema":"0001"}\n\xff\xfe{}\n')
    result = run("db", "import", str(bad), config=config_path)
    assert result.exit_code == 2, result.output
    assert "UTF-8" in result.output and "nothing was imported" in result.output


def test_an_export_into_a_missing_folder_is_exit_2(config_path: Path, tmp_path: Path) -> None:
    result = run("db", "export", "-o", str(tmp_path / "missing" / "x.jsonl"), config=config_path)
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output
