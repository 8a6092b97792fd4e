"""Crash safety: a ``check`` killed (SIGKILL) at any step, then run again as cron would,
leaves the same store as one clean run: the same findings, flags and deliveries."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from monitor.config import load_config
from storage.db import open_store
from storage.models import DeliveryRow, FindingRow, FlagRow, LeaseRow, SourceStateRow
from tests.support.daemon import claimwatch, cli_env, email_section, make_site, site_config
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
