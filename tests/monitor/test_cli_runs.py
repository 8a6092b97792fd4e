"""Run records and interrupted checks (issue 14, items 9 and 10).

A check killed just after judging has committed its flags but printed nothing; the
next ``check --quiet`` (what cron mails) must print them, once. ``fetch`` closes the
run it opens.
"""

from __future__ import annotations

import signal
from pathlib import Path

from sqlalchemy import select

from monitor.config import load_config
from storage.db import open_store
from storage.models import RunRow
from tests.monitor.test_cli import _snapshot, run
from tests.support.daemon import claimwatch, cli_env


def _runs(config: Path) -> list[RunRow]:
    store = open_store(load_config(config).store_url)
    try:
        with store.session() as session:
            return list(session.scalars(select(RunRow).order_by(RunRow.id)))
    finally:
        store.close()


def test_fetch_closes_its_run(config_path: Path, tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "snap")
    result = run("fetch", "--all", "--replay", str(snapshot), config=config_path)
    assert result.exit_code == 0, result.output
    [fetched] = _runs(config_path)
    assert fetched.command == "fetch" and fetched.status == "done"
    assert fetched.finished_at is not None
    assert fetched.counts["sources"] == 2 and fetched.counts["new_findings"] == 3
    assert fetched.counts["failed"] == 0


def test_a_fetch_where_every_source_fails_still_closes_its_run(
        config_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("fetch", "--all", "--replay", str(empty), config=config_path)
    assert result.exit_code == 3
    [fetched] = _runs(config_path)
    assert fetched.status == "done" and fetched.counts["failed"] == 2


def test_flags_of_a_check_killed_after_judging_are_printed_by_the_next_quiet_check(
        config_path: Path, tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "snap")
    killed = claimwatch(config_path, "check", "--all", "--quiet", "--replay", str(snapshot),
                        env=cli_env(CLAIMWATCH_CRASH_AT="after-evaluate"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert killed.stdout == ""  # killed before it could say anything
    [interrupted] = _runs(config_path)
    assert interrupted.status == "running"

    after = run("check", "--all", "--quiet", "--replay", str(snapshot), config=config_path)
    assert after.exit_code == 1, after.output
    assert "CONTRADICTED qwen3-release" in after.output
    assert f"run #{interrupted.id}" in after.output  # says where they come from
    runs = _runs(config_path)
    assert runs[0].status == "interrupted" and runs[-1].status == "done"

    again = run("check", "--all", "--quiet", "--replay", str(snapshot), config=config_path)
    assert again.exit_code == 0 and again.output == ""  # said once, not at every check


def test_a_check_killed_before_judging_reports_nothing_extra(
        config_path: Path, tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "snap")
    killed = claimwatch(config_path, "check", "--all", "--quiet", "--replay", str(snapshot),
                        env=cli_env(CLAIMWATCH_CRASH_AT="mid-evaluate"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after = run("check", "--all", "--quiet", "--replay", str(snapshot), config=config_path)
    assert after.exit_code == 1
    assert after.output.count("CONTRADICTED qwen3-release") == 1  # new now, not twice
    assert "run #" not in after.output


def test_printed_flags_carry_no_bidi_controls_and_cut_titles(capsys) -> None:
    from monitor.cli_check import _print_flags
    from monitor.pipeline import FlagNews
    from reports.text import BIDI_CONTROLS, TITLE_CHARS

    news = FlagNews(flag_id=1, claim_id="c", claim_text="Claim \u202etxet", status="review",
                    rule="mention", reason="Reason \u2066x\u2069", suggestion="",
                    evidence=({"title": "Qwen4 \u202egpj.exe " + "y" * 5000,
                               "url": "https://e.org/\u202e"},))
    _print_flags([news])
    out = capsys.readouterr().out
    assert not set(out) & BIDI_CONTROLS
    assert "y" * TITLE_CHARS not in out and "gpj.exe" in out
