"""``claimwatch status``: the daemon's heartbeat, the last run, failing sources, flags,
the last digest, in plain text and JSON."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from monitor.config import load_config
from monitor.daemon import Daemon, RunOptions
from monitor.logs import setup_logging
from storage.db import open_store
from storage.models import DeliveryRow, LeaseRow, RunRow
from tests.monitor.test_cli import run
from tests.support.daemon import make_site, wait_for


def _status(config_path: Path) -> dict:
    result = run("status", "--json", config=config_path)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_status_of_a_new_store(config_path: Path) -> None:
    plain = run("status", config=config_path)
    assert plain.exit_code == 0
    assert "daemon:      not running" in plain.output
    assert "last run:    none yet" in plain.output
    assert "last digest: none delivered" in plain.output
    report = _status(config_path)
    assert report["daemon"] == {"state": "not running"} and report["last_run"] is None


def test_status_after_checks_shows_runs_failures_flags_and_the_digest(tmp_path: Path) -> None:
    config_path, snap = make_site(tmp_path)
    assert run("check", "--all", "--replay", str(snap), config=config_path).exit_code == 1
    half = tmp_path / "half"
    shutil.copytree(snap / "huggingface.co", half / "huggingface.co")  # the blog feed is gone
    run("check", "--all", "--replay", str(half), config=config_path)
    flags = [json.loads(line) for line in
             run("flags", "list", "--json", config=config_path).output.splitlines()]
    run("flags", "ack", str(flags[0]["id"]), config=config_path)
    store = open_store(load_config(config_path).store_url)
    with store.session() as session:
        for who in ("a@example.org", "b@example.org"):
            session.add(DeliveryRow(kind="digest", key="2026-W47", recipient=who,
                                    sent_at=datetime(2026, 11, 23, 8, tzinfo=UTC)))
    store.close()

    report = _status(config_path)
    assert report["last_run"]["id"] == 2 and report["last_run"]["status"] == "done"
    assert report["last_run"]["counts"]["failed"] == 1
    failing = report["failing_sources"]
    assert [f["source"] for f in failing] == ["blog-qwen"] and failing[0]["failures"] == 1
    assert failing[0]["category"] == "network" and "not in the snapshot" in failing[0]["error"]
    assert report["flags"]["by_status"]["acknowledged"] == 1
    assert sum(report["flags"]["open_by_verdict"].values()) == len(flags) - 1
    assert report["last_digest"]["week"] == "2026-W47"
    assert report["last_digest"]["recipients"] == 2

    plain = run("status", config=config_path).output
    assert "failing:     1 source(s)" in plain and "  blog-qwen: " in plain
    assert "1 acknowledged" in plain and f"{len(flags) - 1} open (" in plain
    assert "last digest: 2026-W47 sent 2026-11-23 08:00:00 UTC to 2 recipient(s)" in plain
    assert "last run:    #2 check" in plain and "1 failed" in plain


def test_status_of_a_running_then_stopped_daemon(tmp_path: Path) -> None:
    config_path, snap = make_site(tmp_path)
    config = load_config(config_path)
    store = open_store(config.store_url)
    daemon = Daemon(config, store, setup_logging(json_lines=False, stream=io.StringIO()),
                    RunOptions(replay_dir=snap, heartbeat_every=0.2))
    worker = threading.Thread(target=daemon.run, kwargs={"install_signals": False})
    worker.start()
    try:
        alive = wait_for(lambda: (s := _status(config_path))["last_run"]
                         and s["last_run"]["status"] == "done" and s, what="a finished run")
    finally:
        daemon.request_stop()
        worker.join(timeout=30)
    store.close()
    assert alive["daemon"]["state"] == "alive" and alive["daemon"]["heartbeat_age_s"] < 5
    names = [job["name"] for job in alive["daemon"]["next_jobs"]]
    assert {"poll due sources", "weekly digest", "digest catch-up"} <= set(names)
    digest_at = next(j for j in alive["daemon"]["next_jobs"] if j["id"] == "digest")["next_run"]
    local = datetime.fromisoformat(digest_at).astimezone(ZoneInfo("Europe/London"))
    assert (local.weekday(), local.hour, local.minute) == (0, 8, 0)  # Monday 08:00 London
    assert alive["last_run"]["command"] == "run"

    stopped = _status(config_path)
    assert stopped["daemon"]["state"] == "stopped" and stopped["daemon"]["exit"] == 0
    assert "daemon:      stopped at" in run("status", config=config_path).output


def test_a_silent_or_dead_daemon_is_stale_and_a_dead_run_interrupted(config_path: Path) -> None:
    store = open_store(load_config(config_path).store_url)
    now = datetime.now(UTC)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    with store.session() as session:
        session.add(LeaseRow(name="daemon", holder=f"{socket.gethostname()}:{dead_pid}",
                             expires_at=now + timedelta(minutes=1), heartbeat_at=now,
                             info={"pid": dead_pid, "host": socket.gethostname(),
                                   "heartbeat_every": 15, "started": now.isoformat()}))
        session.add(RunRow(command="check", started_at=now - timedelta(hours=1),
                           status="running", counts={}))
    report = _status(config_path)
    assert report["daemon"]["state"] == "stale"  # fresh heartbeat, but its process is gone
    assert report["last_run"]["status"] == "interrupted"

    with store.session() as session:
        lease = session.get(LeaseRow, "daemon")
        lease.holder, lease.info = "elsewhere:1", {**lease.info, "host": "elsewhere", "pid": 1}
        lease.heartbeat_at = now - timedelta(minutes=5)
    store.close()
    report = _status(config_path)
    assert report["daemon"]["state"] == "stale"  # another host, silent for 5 minutes
    assert "daemon:      stale, pid 1 on elsewhere" in run("status", config=config_path).output
