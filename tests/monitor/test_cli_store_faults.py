"""A store that fails under a command: full, read-only, or a server gone mid-check
(issue 14, items 6 and 7). Each must exit 3 with one clear line, never 1 (check's "new
flags") with a traceback, and never be called "another claimwatch is working".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import storage.db
from monitor.config import load_config
from tests.conftest import write_config
from tests.monitor.test_cli import _snapshot, run

REPO = Path(__file__).resolve().parents[2]


def _one_clear_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert "Traceback" not in output, output
    errors = [line for line in lines if line.startswith("claimwatch: ")]
    assert len(errors) == 1, output
    return errors[0]


def _store_full_after(monkeypatch, extra_pages: int) -> None:
    """Every new SQLite connection may grow the file by ``extra_pages`` pages only: the
    database engine's own "database or disk is full", as on a full disk."""
    pragmas = storage.db._sqlite_pragmas

    def full(dbapi_connection, record):
        pragmas(dbapi_connection, record)
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    monkeypatch.setattr(storage.db, "_sqlite_pragmas", full)


@pytest.fixture
def sqlite_site(tmp_path: Path) -> Path:
    return write_config(tmp_path / "site", test_store=False)


def _big_snapshot(folder: Path) -> Path:
    """The Qwen listing with 400 models: storing it needs many new pages."""
    import json

    from sources.replay import save_exchange
    from sources.response import HttpResponse

    _snapshot(folder)
    listing = [{"id": f"Qwen/Qwen3-{n}B-{'x' * 80}", "createdAt": "2025-04-28T15:00:00.000Z",
                "tags": ["license:apache-2.0"], "downloads": n} for n in range(400)]
    save_exchange(folder, "https://huggingface.co/api/models?author=Qwen&sort=createdAt"
                  "&direction=-1&limit=100&full=true",
                  HttpResponse("https://huggingface.co/api/models", 200,
                               {"content-type": "application/json"},
                               json.dumps(listing).encode()))
    return folder


@pytest.mark.parametrize("extra_pages", [0, 3])
def test_a_full_disk_during_check_is_exit_3_in_one_line(
        sqlite_site: Path, tmp_path: Path, monkeypatch, extra_pages: int) -> None:
    assert run("claims", "load", config=sqlite_site).exit_code == 0
    snapshot = _big_snapshot(tmp_path / "snap")
    _store_full_after(monkeypatch, extra_pages)
    result = run("check", "--all", "--replay", str(snapshot), config=sqlite_site)
    assert result.exit_code == 3, result.output
    line = _one_clear_line(result.output)
    assert "full" in line and "another claimwatch" not in line


def test_a_read_only_store_is_not_called_a_busy_one(sqlite_site: Path) -> None:
    from datetime import timedelta

    from sqlalchemy.exc import OperationalError

    from storage.lock import try_acquire

    path = make_url(load_config(sqlite_site).store_url).database
    storage.db.open_store(f"sqlite:///{path}").close()
    read_only = storage.db.open_store(f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true")
    try:
        with pytest.raises(OperationalError, match="readonly"):
            try_acquire(read_only, "worker", "me", timedelta(minutes=1))
    finally:
        read_only.close()


def _can_mount_read_only() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


READ_ONLY_RUN = """
set -e
mount --bind "$SITE" "$SITE"
mount -o remount,bind,ro "$SITE"
for args in "status" "flags list" "report --out $OUT" "check --all --replay $SNAP"
do
  echo "== $args"
  set +e
  "$CLAIMWATCH" --config "$SITE/claimwatch.toml" $args 2>&1
  echo "rc=$?"
  set -e
done
"""


@pytest.mark.skipif(not _can_mount_read_only(),
                    reason="needs user namespaces (unshare -rm) to mount a folder read-only")
def test_a_store_on_a_read_only_mount(sqlite_site: Path, tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "snap")
    assert run("check", "--all", "--replay", str(snapshot), config=sqlite_site).exit_code == 1
    claimwatch = Path(sys.executable).with_name("claimwatch")
    done = subprocess.run(
        ["unshare", "-rm", "bash", "-c", READ_ONLY_RUN], capture_output=True, text=True,
        timeout=120, env={**os.environ, "SITE": str(sqlite_site.parent), "SNAP": str(snapshot),
                          "OUT": str(tmp_path / "dash"), "CLAIMWATCH": str(claimwatch)})
    assert done.returncode == 0, done.stderr
    parts = dict(part.split("\n", 1) for part in done.stdout.split("== ")[1:])
    for command in ("status", "flags list", f"report --out {tmp_path / 'dash'}"):
        assert parts[command].rstrip().endswith("rc=0"), (command, parts[command])
    assert "qwen3-release" in parts["flags list"]
    checked = parts[f"check --all --replay {snapshot}"]
    assert checked.rstrip().endswith("rc=3"), checked
    line = _one_clear_line(checked.rsplit("rc=", 1)[0])
    assert "read-only" in line and "another claimwatch" not in line


def test_a_postgresql_server_gone_mid_check_is_exit_3_in_one_line(
        backend: str, config_path: Path, tmp_path: Path) -> None:
    if backend != "postgresql":
        pytest.skip("a PostgreSQL backend terminated mid-check (runs on the PostgreSQL run)")
    snapshot = _snapshot(tmp_path / "snap")
    url = load_config(config_path).store_url
    assert run("claims", "load", config=config_path).exit_code == 0  # the schema exists
    env = {**os.environ, "CLAIMWATCH_PAUSE_AT": "mid-evaluate:3", "CLAIMWATCH_USER": "t",
           "PYTHONPATH": str(REPO)}
    check = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config_path), "check", "--all",
         "--replay", str(snapshot)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    try:
        killed = 0
        deadline = time.monotonic() + 30
        while not killed and time.monotonic() < deadline:
            time.sleep(0.3)
            with admin.connect() as connection:
                killed = len(connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state = 'idle in transaction'")).all())
        out, err = check.communicate(timeout=60)
    finally:
        admin.dispose()
        if check.poll() is None:
            check.kill()
    assert killed, "the check never held a transaction open"
    assert check.returncode == 3, (out, err)
    line = _one_clear_line(err)
    assert "server" in line or "connection" in line


def test_store_failure_message_is_one_line_naming_the_store() -> None:
    from sqlalchemy.exc import OperationalError

    failure = OperationalError("INSERT", {}, Exception("database or disk is full\nmore"))
    message = storage.db.describe_store_failure(failure, "sqlite:////srv/cw.sqlite")
    assert "\n" not in message and "/srv/cw.sqlite" in message and "full" in message


def test_a_read_only_postgresql_store_reads_and_refuses_writes_in_one_line(
        backend: str, config_path: Path, tmp_path: Path) -> None:
    if backend != "postgresql":
        pytest.skip("a read-only PostgreSQL session (runs on the PostgreSQL run)")
    snapshot = _snapshot(tmp_path / "snap")
    assert run("check", "--all", "--replay", str(snapshot), config=config_path).exit_code == 1
    text_ = config_path.read_text()
    config_path.write_text(text_.replace("-csynchronous_commit%3Doff",
                                         "-csynchronous_commit%3Doff+"
                                         "-cdefault_transaction_read_only%3Don")
                           .replace("-csynchronous_commit=off",
                                    "-csynchronous_commit=off -cdefault_transaction_read_only=on"))
    assert "read_only" in config_path.read_text()
    for command in (("status",), ("flags", "list"), ("claims", "list"),
                    ("report", "--out", str(tmp_path / "dash"))):
        result = run(*command, config=config_path)
        assert result.exit_code == 0, (command, result.output)
    refused = run("check", "--all", "--replay", str(snapshot), config=config_path)
    assert refused.exit_code == 3, refused.output
    line = _one_clear_line(refused.output)
    assert "read-only" in line and "another claimwatch" not in line


TINY_DISK_RUN = """
set -e
mount -t tmpfs -o size=600k tmpfs "$DISK"
cp "$SITE"/claimwatch.toml "$SITE"/claims.toml "$SITE"/claimwatch.sqlite "$DISK"/
# fill the disk but for a little room
dd if=/dev/zero of="$DISK/filler" bs=1k count=10000 2>/dev/null || true
rm -f "$DISK/filler" && dd if=/dev/zero of="$DISK/filler" bs=1k \
  count=$(( $(df -k --output=avail "$DISK" | tail -1) - 40 )) 2>/dev/null || true
set +e
"$CLAIMWATCH" --config "$DISK/claimwatch.toml" check --all --replay "$SNAP" 2>&1
echo "rc=$?"
"""


@pytest.mark.skipif(not _can_mount_read_only(),
                    reason="needs user namespaces (unshare -rm) to mount a tiny tmpfs")
def test_a_really_full_disk_during_check_is_exit_3_in_one_line(
        sqlite_site: Path, tmp_path: Path) -> None:
    assert run("claims", "load", config=sqlite_site).exit_code == 0
    snapshot = _big_snapshot(tmp_path / "snap")
    disk = tmp_path / "disk"
    disk.mkdir()
    claimwatch = Path(sys.executable).with_name("claimwatch")
    done = subprocess.run(
        ["unshare", "-rm", "bash", "-c", TINY_DISK_RUN], capture_output=True, text=True,
        timeout=120, env={**os.environ, "SITE": str(sqlite_site.parent), "SNAP": str(snapshot),
                          "DISK": str(disk), "CLAIMWATCH": str(claimwatch)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("rc=3"), done.stdout
    line = _one_clear_line(done.stdout.rsplit("rc=", 1)[0])
    assert "full" in line, line
