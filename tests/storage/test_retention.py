"""Retention: old runs and findings go; claims, flags, history, deliveries and anything
a flag cites stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storage import sources as source_store
from storage.models import (
    ClaimRevisionRow,
    ClaimRow,
    DeliveryRow,
    FindingRow,
    FlagEventRow,
    FlagRow,
    RunRow,
    RunSourceRow,
    SourceStateRow,
)
from storage.retention import Retention, prune
from tests.conftest import NOW

KEEP = Retention(keep_runs=timedelta(days=180), keep_findings=timedelta(days=400))
OLD = NOW - timedelta(days=500)  # older than both settings
RECENT = NOW - timedelta(days=30)

# source id -> (listing complete?, categories of its polls since OLD, newest last)
SOURCES = {
    "answered": (True, ["ok"]),
    "only-304": (True, ["not-modified"]),
    "failing": (True, ["network"]),
    "first-page": (False, ["ok"]),  # a listing cut at its first page
}

# (case, source, last seen, cited by a flag in status, pruned?)
FINDINGS = [
    ("old, its source answered without it", "answered", OLD, None, True),
    ("seen recently", "answered", RECENT, None, False),
    ("old but cited by an open flag", "answered", OLD, "open", False),
    ("old but cited by a resolved flag", "answered", OLD, "resolved", False),
    ("old, its source only said 304 since", "only-304", OLD, None, False),
    ("old, its source has failed since", "failing", OLD, None, False),
    ("old, its source lists only a first page", "first-page", OLD, None, False),
]


def _fill(store) -> None:
    with store.session() as session:
        source_store.sync_sources(session, [
            source_store.SourceDefinition(id=sid, kind="feed", lab="Lab", region="us",
                                          interval=timedelta(hours=6), params={})
            for sid in SOURCES])
        session.flush()
        for state in session.scalars(select(SourceStateRow)):
            state.complete = SOURCES[state.source_id][0]
        session.add(ClaimRow(id="c1", page="p", section="s", text="t", subject="s",
                             as_of="2026", review_every="never", created_at=OLD,
                             updated_at=OLD))
        session.add(ClaimRevisionRow(claim_id="c1", at=OLD, by="me", action="created"))
        for number, (case, source, seen, cited, _) in enumerate(FINDINGS):
            key = f"k{number}"
            session.add(FindingRow(source_id=source, key=key, kind="post", title=case,
                                   first_seen=OLD, last_seen=seen))
            if cited:
                flag = FlagRow(claim_id="c1", rule="mention", cause=f"cause-{number}",
                               verdict="review", status=cited, reason="r", opened_at=OLD,
                               updated_at=OLD,
                               evidence=[{"source_id": source, "key": key, "title": case}])
                session.add(flag)
                session.add(FlagEventRow(flag=flag, at=OLD, by="me", action="opened"))
        old_run = RunRow(command="check", started_at=OLD, status="done")
        recent_run = RunRow(command="run", started_at=RECENT, status="done")
        session.add_all([old_run, recent_run])
        session.flush()
        # each source's polls since the findings were last seen sit in the recent run
        for source, (_, categories) in SOURCES.items():
            session.add(RunSourceRow(run_id=old_run.id, source_id=source, category="ok",
                                     at=OLD))
            for category in categories:
                session.add(RunSourceRow(run_id=recent_run.id, source_id=source,
                                         category=category, at=RECENT))
        session.add(DeliveryRow(kind="digest", key="2024-W30", recipient="ed@example.org",
                                sent_at=OLD))


def _count(store, model) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _finding_titles(store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(FindingRow.title)))


@pytest.mark.parametrize(("case", "source", "seen", "cited", "pruned"), FINDINGS,
                         ids=[f[0] for f in FINDINGS])
def test_which_findings_go(store, case, source, seen, cited, pruned) -> None:
    _fill(store)
    with store.session() as session:
        prune(session, KEEP, now=NOW)
    assert (case not in _finding_titles(store)) is pruned


@pytest.mark.parametrize(
    ("retention", "runs_left", "run_sources_left"),
    [
        (KEEP, ["run"], 4),  # the old run and its outcomes go, the recent one stays
        (Retention(keep_runs=timedelta(days=10)), ["run"], 4),  # the newest run always stays
        (Retention(keep_runs=timedelta(days=1000)), ["check", "run"], 8),
        (Retention(keep_findings=timedelta(days=400)), ["check", "run"], 8),  # runs: for ever
    ],
)
def test_which_runs_go(store, retention, runs_left, run_sources_left) -> None:
    _fill(store)
    with store.session() as session:
        prune(session, retention, now=NOW)
        commands = sorted(session.scalars(select(RunRow.command)))
    assert commands == runs_left
    assert _count(store, RunSourceRow) == run_sources_left


def test_claims_flags_history_and_deliveries_are_never_touched(store) -> None:
    _fill(store)
    kept = (ClaimRow, ClaimRevisionRow, FlagRow, FlagEventRow, DeliveryRow, SourceStateRow)
    before = {model: _count(store, model) for model in kept}
    with store.session() as session:
        report = prune(session, Retention(timedelta(0), timedelta(0)), now=NOW)
    assert report.findings and report.runs
    assert {model: _count(store, model) for model in kept} == before


def test_a_dry_run_counts_and_deletes_nothing(store) -> None:
    _fill(store)
    with store.session() as session:
        counted = prune(session, KEEP, now=NOW, dry_run=True)
    assert (counted.runs, counted.run_sources, counted.findings) == (1, 4, 1)
    assert _count(store, FindingRow) == len(FINDINGS) and _count(store, RunRow) == 2
    with store.session() as session:
        done = prune(session, KEEP, now=NOW)
    assert done == counted
    assert _count(store, FindingRow) == len(FINDINGS) - 1


def test_no_setting_keeps_everything(store) -> None:
    _fill(store)
    with store.session() as session:
        report = prune(session, Retention(), now=NOW)
    assert report.total == 0 and _count(store, FindingRow) == len(FINDINGS)


def _config_with(folder, store_lines: str):
    from tests.conftest import CONFIG, with_test_store, write_config

    path = write_config(folder)
    text = with_test_store(CONFIG, folder)
    if "[store]" in text:
        text = text.replace("[store]\n", f"[store]\n{store_lines}\n", 1)
    else:
        text += f"\n[store]\n{store_lines}\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_db_prune_command(tmp_path) -> None:
    from monitor.config import load_config
    from storage.db import open_store
    from tests.monitor.test_cli import run

    config = _config_with(tmp_path / "site", 'keep_runs = "180d"\nkeep_findings = "400d"')
    assert load_config(config).keep_runs == timedelta(days=180)
    store = open_store(load_config(config).store_url)
    with store.session() as session:
        session.add(RunRow(command="check", started_at=OLD, status="done"))
        session.add(RunRow(command="check", started_at=RECENT, status="done"))
    dry = run("db", "prune", "--dry-run", config=config)
    assert dry.exit_code == 0 and "would forget 1 run(s)" in dry.output
    assert _count(store, RunRow) == 2
    done = run("db", "prune", config=config)
    assert done.exit_code == 0 and "forgot 1 run(s) with 0 source outcome(s) and 0 finding(s)" \
        in done.output
    assert _count(store, RunRow) == 1
    store.close()


def test_db_prune_without_settings_or_with_a_bad_one_exits_2(tmp_path) -> None:
    from tests.monitor.test_cli import run

    unset = run("db", "prune", config=_config_with(tmp_path / "a", ""))
    assert unset.exit_code == 2 and "keep_runs" in unset.output
    bad = run("db", "prune", config=_config_with(tmp_path / "b", 'keep_runs = "forever"'))
    assert bad.exit_code == 2 and "keep_runs" in bad.output
