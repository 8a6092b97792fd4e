"""$CLAIMWATCH_NOW: a fixed moment for the clock of every command (tests, benchmarks)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.context import utcnow


def test_without_the_variable_the_clock_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMWATCH_NOW", raising=False)
    before = datetime.now(UTC)
    assert before <= utcnow() <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-02T09:30:00Z", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ("2026-03-02T09:30:00", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),  # no zone: UTC
        ("2026-03-02T11:30:00+02:00", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ("2026-03-02", datetime(2026, 3, 2, tzinfo=UTC)),
    ],
)
def test_a_fixed_now_is_read_as_utc(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: datetime
) -> None:
    monkeypatch.setenv("CLAIMWATCH_NOW", value)
    now = utcnow()
    assert now == expected and now.utcoffset() is not None and now.utcoffset().seconds == 0


def test_a_bad_fixed_now_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_NOW", "next tuesday")
    with pytest.raises(click.exceptions.Exit) as raised:
        utcnow()
    assert raised.value.exit_code == 2


def _run(config: Path, *args: str, now: str):
    return CliRunner().invoke(
        cli,
        ["--config", str(config), *args],
        env={"CLAIMWATCH_USER": "tester", "CLAIMWATCH_NOW": now},
        catch_exceptions=False,
    )


def test_check_and_verify_use_the_fixed_now(config_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-snapshot"
    empty.mkdir()
    # Every source fails against an empty snapshot (exit 3), but the claims are judged
    # as of the fixed now: "as of 2023, review never" stays quiet, and the run is dated.
    _run(config_path, "check", "--all", "--replay", str(empty), now="2024-02-10T08:00:00Z")
    status = json.loads(_run(config_path, "status", "--json", now="2024-02-10T08:00:00Z").output)
    assert "2024-02-10T08:00:00" in json.dumps(status["last_run"])
    verified = _run(config_path, "claims", "verify", "qwen3-release", now="2024-02-10T08:00:00Z")
    assert verified.exit_code == 0 and "verified as of 2024-02-10" in verified.output
    # A date after the fixed now is in the future, even though the real clock is past it.
    future = _run(
        config_path, "claims", "verify", "qwen3-release", "--as-of", "2024-03",
        now="2024-02-10T08:00:00Z",
    )
    assert future.exit_code == 2 and "future" in future.output
