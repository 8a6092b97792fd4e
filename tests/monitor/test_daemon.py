"""``claimwatch run``: it polls, judges, alerts and mails the digest on schedule; it
catches up after downtime, reloads on SIGHUP, stops cleanly on SIGTERM, runs alone."""

from __future__ import annotations

import io
import json
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import select

from monitor.config import load_config
from monitor.daemon import Daemon, RunOptions
from monitor.digest import digest_due
from monitor.logs import setup_logging
from reports.model import iso_week_bounds, week_of
from storage.db import open_store
from storage.models import DeliveryRow, FlagRow, LeaseRow, RunRow, RunSourceRow
from tests.support.daemon import (
    claimwatch,
    cli_env,
    email_section,
    make_site,
    site_config,
    start,
    wait_for,
)
from tests.support.smtpserver import running_inbox


def _rows(config_path: Path, model, *where):
    store = open_store(load_config(config_path).store_url)
    try:
        with store.session() as session:
            return list(session.scalars(select(model).where(*where)))
    finally:
        store.close()


def _runs(config_path: Path) -> list[RunRow]:
    return _rows(config_path, RunRow, RunRow.command == "run")


def _heartbeats(config_path: Path) -> list[LeaseRow]:
    """The daemon's heartbeat rows: ``daemon`` on SQLite, one ``daemon:<holder>`` per
    worker on PostgreSQL."""
    return _rows(config_path, LeaseRow,
                 (LeaseRow.name == "daemon") | LeaseRow.name.like("daemon:%"))


def test_run_polls_judges_alerts_and_fires_the_digest_trigger(tmp_path: Path) -> None:
    """In-process, on a clock the test moves: the catch-up at start finds this week's
    digest delivered; a week later by that clock the digest trigger mails the next."""
    config_path, snap = make_site(tmp_path, site_config(email=email_section(2525)))
    config = load_config(config_path)
    store = open_store(config.store_url)
    offset = timedelta(0)

    def clock() -> datetime:
        return datetime.now(UTC) + offset

    week = digest_due(config, store, clock())
    assert week is not None
    with store.session() as session:
        session.add(DeliveryRow(kind="digest", key=week, recipient="editors@example.org",
                                sent_at=clock()))
    log = io.StringIO()
    fire_at = datetime.now(UTC) + timedelta(seconds=2)
    options = RunOptions(replay_dir=snap, dry_run_dir=tmp_path / "mail", once_for=3.5,
                         heartbeat_every=0.5, digest_trigger=DateTrigger(run_date=fire_at))
    daemon = Daemon(config, store, setup_logging(json_lines=True, stream=log), options, clock)

    def a_week_later() -> None:
        nonlocal offset
        offset = timedelta(days=7)

    threading.Timer(1.0, a_week_later).start()
    code = daemon.run(install_signals=False)
    events = [json.loads(line) for line in log.getvalue().splitlines()]
    names = [e["event"] for e in events]
    store.close()

    assert code == 0, log.getvalue()
    runs = [e for e in events if e["event"] == "run"]
    assert runs and runs[0]["sources"] == 2 and runs[0]["flags_opened"] >= 1
    assert names.index("claims") < names.index("run")  # claims loaded before the first poll
    next_week = week_of(iso_week_bounds(week)[0] + timedelta(days=7))
    mailed = sorted(p.name for p in (tmp_path / "mail").iterdir())
    assert f"digest-{next_week}.eml" in mailed and f"digest-{week}.eml" not in mailed
    assert any(name.startswith("alert-") for name in mailed)
    digests = [e for e in events if e["event"] == "digest"]
    assert [d["week"] for d in digests] == [next_week]
    assert names[-1] == "stopped" and events[-1]["exit"] == 0
    flags = _rows(config_path, FlagRow, FlagRow.claim_id == "qwen3-release")
    assert "contradicted" in {f.verdict for f in flags}


def test_polls_spread_a_backlog_over_ticks(tmp_path: Path) -> None:
    config_path, snap = make_site(tmp_path, site_config(interval="4s"))
    config = load_config(config_path)
    store = open_store(config.store_url)
    log = io.StringIO()
    options = RunOptions(replay_dir=snap, once_for=2.5, per_tick=1)
    code = Daemon(config, store, setup_logging(json_lines=True, stream=log), options).run(
        install_signals=False
    )
    store.close()
    runs = [json.loads(line) for line in log.getvalue().splitlines()]
    runs = [e for e in runs if e["event"] == "run"]
    assert code == 0
    assert [r["sources"] for r in runs] == [1, 1]  # two overdue sources, one per tick


@pytest.fixture
def smtp_inbox():
    with running_inbox() as server:
        yield server


def test_catch_up_mails_the_missed_digest_once(tmp_path: Path, smtp_inbox) -> None:
    """Down over a Monday: the digest due since then goes out when the daemon starts,
    once; a second start sends nothing."""
    inbox, port = smtp_inbox
    config_path, snap = make_site(
        tmp_path, site_config(email=email_section(port, alerts=False))
    )
    config = load_config(config_path)
    store = open_store(config.store_url)
    due = digest_due(config, store, datetime.now(UTC))
    assert due is not None
    week_before = week_of(iso_week_bounds(due)[0] - timedelta(days=7))
    with store.session() as session:  # the digest before the missed one went out
        session.add(DeliveryRow(kind="digest", key=week_before,
                                recipient="editors@example.org",
                                sent_at=datetime.now(UTC) - timedelta(days=7)))
    assert digest_due(config, store, datetime.now(UTC)) == due
    store.close()

    first = claimwatch(config_path, "run", "--replay", str(snap), "--once-for", "2")
    assert first.returncode == 0, first.stderr
    assert inbox.received_by("editors@example.org") == 1
    assert f"digest {due}: sent to editors@example.org" in first.stderr
    second = claimwatch(config_path, "run", "--replay", str(snap), "--once-for", "1.5")
    assert second.returncode == 0, second.stderr
    assert inbox.received_by("editors@example.org") == 1
    assert "digest " not in second.stderr
    delivered = _rows(config_path, DeliveryRow, DeliveryRow.kind == "digest")
    assert sorted(d.key for d in delivered) == sorted([week_before, due])


def test_sighup_with_a_broken_config_keeps_the_old_one_running(tmp_path: Path) -> None:
    config_path, snap = make_site(tmp_path, site_config(interval="2s"))
    daemon = start(config_path, "run", "--replay", str(snap), "--log-json",
                   log=tmp_path / "run.log")
    try:
        wait_for(lambda: daemon.named("run"), what="a first run")
        good = config_path.read_text()
        config_path.write_text(good.replace('region = "china"', 'region = "moon"', 1)
                               + '\n[fetch]\nspeed = "fast"\n')
        daemon.process.send_signal(signal.SIGHUP)
        refused = wait_for(lambda: daemon.named("reload-refused"), what="the refusal")
        runs_at_refusal = len(daemon.named("run"))
        wait_for(lambda: len(daemon.named("run")) >= runs_at_refusal + 2,
                 what="polls after the refused reload")
        assert daemon.process.poll() is None
    finally:
        daemon.process.send_signal(signal.SIGTERM)
        code = daemon.finish()
    messages = " | ".join(e["message"] for e in daemon.named("reload-refused"))
    assert "'moon'" in messages and "speed" in messages, messages
    assert "still running the previous one" in messages
    assert refused and all(e["level"] == "error" for e in refused)
    stopped = daemon.named("stopped")[-1]
    assert code == stopped["exit"] and code in (0, 3)  # 3 when SIGTERM cut a run short


def test_sighup_with_a_good_config_takes_it(tmp_path: Path) -> None:
    config_path, snap = make_site(tmp_path, site_config(interval="1h"))
    daemon = start(config_path, "run", "--replay", str(snap), "--log-json",
                   log=tmp_path / "run.log")
    try:
        wait_for(lambda: daemon.named("run"), what="a first run")
        added = ('[[source]]\nid = "blog-qwen-mirror"\nkind = "feed"\nlab = "Alibaba Qwen"\n'
                 'region = "china"\ninterval = "2s"\n'
                 'url = "https://qwenlm.github.io/blog/index.xml"\n')
        text = config_path.read_text()
        config_path.write_text(text.replace("[[source]]", added + "\n[[source]]", 1))
        daemon.process.send_signal(signal.SIGHUP)
        reloaded = wait_for(lambda: daemon.named("reloaded"), what="the reload")
        wait_for(lambda: len(daemon.named("run")) >= 3, what="polls of the new source")
    finally:
        daemon.process.send_signal(signal.SIGTERM)
        daemon.finish()
    assert reloaded[0]["sources"] == 3 and reloaded[0]["tick"] == 1.0
    runs = daemon.named("run")
    assert runs[0]["sources"] == 2 and runs[1]["sources"] == 1  # the new one, polled at once


def test_sigterm_while_idle_is_a_clean_exit_0(tmp_path: Path) -> None:
    config_path, snap = make_site(tmp_path)
    daemon = start(config_path, "run", "--replay", str(snap), "--log-json",
                   log=tmp_path / "run.log")
    wait_for(lambda: daemon.named("run"), what="a first run")
    daemon.process.send_signal(signal.SIGTERM)
    assert daemon.finish() == 0
    assert daemon.named("stopped")[-1]["message"] == "stopped cleanly"
    [lease] = _heartbeats(config_path)
    assert lease.info["exit"] == 0 and lease.expires_at <= datetime.now(UTC)


def test_sigterm_mid_run_abandons_the_rest_and_exits_3(tmp_path: Path) -> None:
    """The first source is stored; SIGTERM arrives while the run pauses there; the
    other source is dropped whole, the run is marked stopped, and a restart polls it."""
    config_path, snap = make_site(tmp_path)
    env = cli_env(CLAIMWATCH_PAUSE_AT="mid-fetch:3")
    daemon = start(config_path, "run", "--replay", str(snap), "--log-json",
                   log=tmp_path / "run.log", env=env)
    wait_for(lambda: "paused at mid-fetch" in daemon.text(), timeout=60,
             what="the pause after the first source was stored")
    daemon.process.send_signal(signal.SIGTERM)
    assert daemon.finish() == 3, daemon.text()
    assert "cut short" in daemon.named("stopped")[-1]["message"]
    runs = _runs(config_path)
    assert [r.status for r in runs] == ["stopped"]
    again = claimwatch(config_path, "run", "--replay", str(snap), "--once-for", "1.5")
    assert again.returncode == 0, again.stderr
    assert "1 source(s) polled" in again.stderr  # only the one abandoned
    assert [r.status for r in _runs(config_path)] == ["stopped", "done"]


def test_two_daemons_on_one_store(tmp_path: Path, backend: str) -> None:
    """SQLite: one runs, the other exits 3. PostgreSQL: both run and split the polling,
    each source polled once (the many-worker test is tests/monitor/test_workers.py)."""
    config_path, snap = make_site(tmp_path)
    open_store(load_config(config_path).store_url).close()  # create it before the race
    args = ("run", "--replay", str(snap), "--log-json", "--once-for", "4")
    one = start(config_path, *args, log=tmp_path / "one.log")
    two = start(config_path, *args, log=tmp_path / "two.log")
    codes = sorted([one.finish(), two.finish()])
    if backend == "sqlite":
        assert codes == [0, 3], one.text() + two.text()
        loser = one if one.named("busy") else two
        assert "another claimwatch run" in loser.named("busy")[0]["message"]
        assert len(_runs(config_path)) == 1
        return
    assert codes == [0, 0], one.text() + two.text()
    polled = sorted(r.source_id for r in _rows(config_path, RunSourceRow))
    assert polled == ["blog-qwen", "hf-qwen"]  # each polled by one daemon only
    assert sum(r["sources"] for p in (one, two) for r in p.named("run")) == 2
    assert len(_heartbeats(config_path)) == 2


def test_two_checks_at_once_one_works_the_other_waits_or_exits_3(tmp_path: Path) -> None:
    config_path, snap = make_site(tmp_path)
    open_store(load_config(config_path).store_url).close()
    env = cli_env(CLAIMWATCH_PAUSE_AT="mid-fetch:1")  # whoever works, works slowly
    args = ("check", "--all", "--quiet", "--replay", str(snap))
    impatient = [start(config_path, *args, "--wait", "0", log=tmp_path / f"c{i}.log", env=env)
                 for i in range(2)]
    codes = sorted(p.finish() for p in impatient)
    assert codes == [1, 3]  # one raised the flags, the other found the store busy
    assert any("another claimwatch is working" in p.text() for p in impatient)
    patient = [start(config_path, *args, "--wait", "120", log=tmp_path / f"p{i}.log", env=env)
               for i in range(2)]
    assert sorted(p.finish() for p in patient) == [0, 0]  # one waited for the other
    runs = _rows(config_path, RunRow, RunRow.command == "check")
    assert [r.status for r in runs] == ["done", "done", "done"]


def test_a_killed_daemon_is_replaced_at_once(tmp_path: Path) -> None:
    """SIGKILL leaves the daemon's lease behind; a restart on this host sees its holder
    is dead and takes over instead of waiting for the lease to expire."""
    config_path, snap = make_site(tmp_path)
    daemon = start(config_path, "run", "--replay", str(snap), "--log-json",
                   log=tmp_path / "run.log")
    wait_for(lambda: daemon.named("run"), what="a first run")
    # the run is logged before its alert is sent under the same worker lease: kill it idle
    wait_for(lambda: not _rows(config_path, LeaseRow, LeaseRow.name == "worker"),
             what="the first run's end")
    daemon.kill()
    [lease] = _heartbeats(config_path)
    assert lease.expires_at > datetime.now(UTC)  # still held by the dead process
    again = claimwatch(config_path, "run", "--replay", str(snap), "--once-for", "1")
    assert again.returncode == 0, again.stderr
    assert f"freed lease(s) of a dead process: ['{lease.name}']" in again.stderr
