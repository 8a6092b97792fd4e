"""Which weeks a digest may be sent for, and where the next one starts (issue 14,
items 3 and 8): an unfinished week is not sent unless forced, and news after an early
send is carried into the next digest, not lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from monitor.config import load_config
from monitor.digest import window_start
from reports.model import week_of
from storage import deliveries as delivery_store
from storage.db import open_store
from storage.models import DeliveryRow
from tests.conftest import write_config
from tests.monitor.test_cli import run
from tests.support.daemon import email_section, site_config
from tests.support.smtpserver import running_inbox


def _site(folder: Path, port: int = 2525) -> Path:
    return write_config(folder, site_config(email=email_section(port)))


def _deliveries(config: Path) -> list[DeliveryRow]:
    store = open_store(load_config(config).store_url)
    try:
        with store.session() as session:
            return list(session.scalars(select(DeliveryRow)))
    finally:
        store.close()


def test_sending_this_weeks_digest_is_refused_without_force(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    this_week = week_of(datetime.now(UTC).date())
    result = run("digest", "--week", this_week, "--send", config=config)
    assert result.exit_code == 2, result.output
    assert "has not ended" in result.output and "--force" in result.output
    assert _deliveries(config) == []


def test_sending_a_future_week_is_refused_without_force(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    future = week_of(datetime.now(UTC).date() + timedelta(weeks=3))
    result = run("digest", "--week", future, "--send", config=config)
    assert result.exit_code == 2 and "has not ended" in result.output


def test_an_unfinished_week_may_be_rendered_and_dry_run(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    this_week = week_of(datetime.now(UTC).date())
    assert run("digest", "--week", this_week, config=config).exit_code == 0
    dry = run("digest", "--week", this_week, "--dry-run", str(tmp_path / "out"), config=config)
    assert dry.exit_code == 0, dry.output
    assert _deliveries(config) == []


def test_a_forced_send_of_an_unfinished_week_goes_out(tmp_path: Path) -> None:
    with running_inbox() as (inbox, port):
        config = _site(tmp_path / "site", port)
        this_week = week_of(datetime.now(UTC).date())
        result = run("digest", "--week", this_week, "--send", "--force", config=config)
    assert result.exit_code == 0, result.output
    assert [d.key for d in _deliveries(config)] == [this_week]


def test_after_an_early_send_the_next_window_starts_on_the_day_it_went_out(store) -> None:
    # W48's digest was sent on Thursday 2026-11-26, before W48 ended
    with store.session() as session:
        delivery_store.record_delivery(session, "digest", "2026-W48", "editors@example.org",
                                       sent_at=datetime(2026, 11, 26, 15, tzinfo=UTC),
                                       forced=True)
    assert window_start(store, "2026-W49") == date(2026, 11, 26)


def test_an_on_time_send_keeps_the_next_window_on_its_monday(store) -> None:
    with store.session() as session:
        delivery_store.record_delivery(session, "digest", "2026-W48", "editors@example.org",
                                       sent_at=datetime(2026, 11, 30, 8, tzinfo=UTC))
    assert window_start(store, "2026-W49") == date(2026, 11, 30)


def test_the_early_send_day_is_taken_in_the_editors_timezone(store) -> None:
    from zoneinfo import ZoneInfo

    with store.session() as session:
        delivery_store.record_delivery(session, "digest", "2026-W48", "editors@example.org",
                                       sent_at=datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    assert window_start(store, "2026-W49", ZoneInfo("Asia/Tokyo")) == date(2026, 11, 27)


def test_a_week_at_the_end_of_the_calendar_is_a_usage_error(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    for week in ("9999-W52", "0001-W01"):
        result = run("digest", "--week", week, config=config)
        assert result.exit_code == 2, (week, result.output)
        assert "--week" in result.output
