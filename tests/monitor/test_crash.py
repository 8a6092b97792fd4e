"""Crash safety: a ``check`` killed (SIGKILL) at any step, then run again as cron would,
leaves the same store as one clean run: the same findings, flags and deliveries."""

from __future__ import annotations

import secrets
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select, update

from monitor.config import load_config
from storage.db import open_store
from storage.models import DeliveryRow, FindingRow, FlagRow, LeaseRow, SourceStateRow
from tests.conftest import CLAIMS, write_config
from tests.support.daemon import (
    claimwatch,
    cli_env,
    email_section,
    make_site,
    site_config,
    start,
    wait_for,
)
from tests.support.httpserver import LoopbackServer, Reply
from tests.support.smtpserver import running_inbox

RECIPIENT = "editors@example.org"


def store_state(config_path: Path) -> dict:
    """What must survive a crash, without times or ids."""
    store = open_store(load_config(config_path).store_url)
    try:
        with store.session() as session:
            rows = session.scalars(select(DeliveryRow))
            deliveries = [(d.kind, d.key, d.recipient) for d in rows]
            assert len(deliveries) == len(set(deliveries)), "a delivery was recorded twice"
            flags = list(session.scalars(select(FlagRow)))
            return {
                "findings": {(f.source_id, f.key) for f in session.scalars(select(FindingRow))},
                "flags": {(f.claim_id, f.cause): (f.verdict, f.status) for f in flags},
                "alerted": {(f.claim_id, f.cause) for f in flags if f.alerted_at},
                "deliveries": Counter((kind, who) for kind, _key, who in deliveries),
                "sources": {
                    s.source_id: (s.last_category, s.consecutive_failures, s.etag)
                    for s in session.scalars(select(SourceStateRow))
                },
            }
    finally:
        store.close()


def _let_leases_expire(config_path: Path) -> None:
    """The killed process's leases run out (30 min for checks, 10 for mail): fast-forward."""
    store = open_store(load_config(config_path).store_url)
    try:
        with store.session() as session:
            session.execute(update(LeaseRow).values(
                expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    finally:
        store.close()


def _site(folder: Path, port: int) -> tuple[Path, Path]:
    return make_site(folder, site_config(email=email_section(port, digest=False)))


@pytest.fixture
def inbox():
    with running_inbox() as server:
        yield server


@pytest.fixture
def clean(tmp_path: Path, inbox) -> dict:
    """The store after one uninterrupted check."""
    mail, port = inbox
    config_path, snap = _site(tmp_path / "clean", port)
    result = claimwatch(config_path, "check", "--all", "--quiet", "--replay", str(snap))
    assert result.returncode == 1, result.stderr  # new flags
    assert mail.received_by(RECIPIENT) == 1
    mail.envelopes.clear()
    state = store_state(config_path)
    assert state["findings"] and state["alerted"] and state["deliveries"][("alert", RECIPIENT)]
    return state


@pytest.mark.parametrize(
    "point", ["mid-fetch", "mid-store", "mid-evaluate", "after-evaluate", "mid-send"]
)
def test_a_kill_then_a_rerun_equals_one_clean_run(
    point: str, tmp_path: Path, inbox, clean: dict
) -> None:
    mail, port = inbox
    config_path, snap = _site(tmp_path / "crashed", port)
    crashed = claimwatch(config_path, "check", "--all", "--quiet", "--replay", str(snap),
                         env=cli_env(CLAIMWATCH_CRASH_AT=point))
    assert crashed.returncode == -signal.SIGKILL, f"{point} was never reached: {crashed.stderr}"
    half = store_state(config_path)
    assert half != clean  # the kill really left the work unfinished

    _let_leases_expire(config_path)
    rerun = claimwatch(config_path, "check", "--quiet", "--replay", str(snap))  # cron's next turn
    assert rerun.returncode in (0, 1), rerun.stderr
    assert store_state(config_path) == clean
    # one alert mail; a kill between the SMTP server's "accepted" and the delivery row
    # (mid-send) makes it two: mail is at-least-once across a crash, the record exactly once
    assert mail.received_by(RECIPIENT) == (2 if point == "mid-send" else 1)


# --- a check stopped by a signal leaves nothing running and nothing blocking ----------

FEEDS = 10  # as many as made the old check fork a parser and a writer (8 or more)
PAUSE_SECONDS = 120  # longer than the test: the check is signalled inside the pause


def _feed(number: int) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lab {number}</title>'
            f"<item><guid>https://lab{number}.example/1</guid><title>Release {number}</title>"
            "<pubDate>04 May 2026 10:00:00 +0000</pubDate></item></channel></rss>").encode()


def _slow_site(folder: Path, server: LoopbackServer) -> Path:
    """Ten feed sources on ``server``; the odd ones answer only after a minute."""
    lines = ["[schedule]", 'timezone = "UTC"', 'poll_interval = "6h"', "",
             "[fetch]", 'timeout = "90s"', "per_host = 16", "retries = 0", "",
             "[claims]", 'files = ["claims.toml"]', ""]
    for number in range(FEEDS):
        delay = 60.0 if number % 2 else 0.0
        url = server.route(f"/feed{number}.xml", Reply(body=_feed(number), delay=delay))
        lines += ["[[source]]", f'id = "feed-{number}"', 'kind = "feed"', 'lab = "Lab"',
                  'region = "elsewhere"', f'url = "{url}"', ""]
    return write_config(folder, "\n".join(lines), CLAIMS.replace('watch = ["hf-qwen"]\n', ""))


def _processes_tagged(tag: str) -> list[psutil.Process]:
    """Every process whose environment carries ``tag``: the check and anything it
    started, wherever they were reparented."""
    found = []
    for process in psutil.process_iter(["environ"]):
        if (process.info["environ"] or {}).get("CLAIMWATCH_TEST_TAG") == tag:
            found.append(process)
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_signalled_check_leaves_no_process_and_the_next_check_completes(
    signum: int, tmp_path: Path
) -> None:
    """Signalled while one source's transaction is open and five fetches are in
    flight: nothing it started survives it, and the next check on the same store
    (no lease to wait out, no transaction left open) polls every source."""
    with LoopbackServer() as server:
        config_path = _slow_site(tmp_path / "site", server)
        tag = secrets.token_hex(8)
        env = cli_env(CLAIMWATCH_TEST_TAG=tag,
                      CLAIMWATCH_PAUSE_AT=f"mid-store:{PAUSE_SECONDS}")
        checking = start(config_path, "check", "--all", "--quiet", log=tmp_path / "check.log",
                         env=env)
        try:
            wait_for(lambda: "paused at mid-store" in checking.text(), timeout=60,
                     what="the check inside a source's transaction")
            wait_for(lambda: all(server.count(f"/feed{n}.xml") for n in range(FEEDS)),
                     timeout=30, what="every feed requested")
            assert _processes_tagged(tag)  # the check itself, found by its tag
            checking.process.send_signal(signum)
            assert checking.finish(timeout=30) == -signum
            left = _processes_tagged(tag)
            for process in left:  # the old forked parser and writer outlived the check
                process.kill()
            assert left == []
        finally:
            checking.kill()

        for number in range(FEEDS):  # the slow feeds answer at once from now on
            server.route(f"/feed{number}.xml", Reply(body=_feed(number)))
        rerun = claimwatch(config_path, "check", "--quiet", timeout=90)
        assert rerun.returncode in (0, 1), rerun.stderr
    assert store_state(config_path)["sources"] == {
        f"feed-{n}": ("ok", 0, None) for n in range(FEEDS)}
