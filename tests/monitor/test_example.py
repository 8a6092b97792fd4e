"""The bundled example end to end: its snapshot covers every source, the demo's story holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.monitor.test_cli import run

SNAPSHOT = EXAMPLE / "snapshot"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for name in ("claimwatch.toml", "claims.toml", "page.md"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "claimwatch.toml"


def test_fetch_replay_stores_findings_for_every_example_source(example: Path) -> None:
    result = run("fetch", "--all", "--replay", str(SNAPSHOT), config=example)
    assert result.exit_code == 0, result.output
    rows = [
        json.loads(line)
        for line in run("sources", "list", "--json", config=example).output.splitlines()
    ]
    assert len(rows) == 22
    assert {r["status"] for r in rows} == {"ok"}, [r for r in rows if r["status"] != "ok"]
    from monitor.config import load_config
    from storage import findings as finding_store
    from storage.db import open_store

    store = open_store(load_config(example).store_url)
    with store.session() as session:
        by_source = {o.source_id for o in finding_store.observations(session)}
    store.close()
    assert by_source == {r["id"] for r in rows}


def test_second_fetch_is_not_modified_and_adds_nothing(example: Path) -> None:
    run("fetch", "--all", "--replay", str(SNAPSHOT), config=example)
    again = run("fetch", "--all", "--replay", str(SNAPSHOT), config=example)
    assert again.exit_code == 0
    statuses = {
        json.loads(line)["status"]
        for line in run("sources", "list", "--json", config=example).output.splitlines()
    }
    assert "not-modified" in statuses  # replayed ETags answer like a warm real run


def test_loading_the_example_claims_twice_leaves_the_store_unchanged(example: Path) -> None:
    first = run("claims", "load", config=example)
    assert "58 new" in first.output
    dump = run("claims", "list", "--json", config=example).output
    second = run("claims", "load", config=example)
    assert "0 new, 0 updated, 0 retired, 0 restored, 58 unchanged" in second.output
    assert run("claims", "list", "--json", config=example).output == dump


def test_the_demo_story(example: Path) -> None:
    result = run(
        "check", "--all", "--json", "--no-alerts", "--replay", str(SNAPSHOT), config=example
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    flags = {(f["claim_id"], f["rule"]): f for f in report["new_flags"]}
    released = flags[("qwen3-release", "released")]
    assert released["status"] == "contradicted" and "2025-04-28" in released["reason"]
    assert "April 2025" in released["suggestion"]
    assert flags[("deepseek-v3-release", "superseded")]["status"] == "stale"
    assert flags[("faq-qwen3-72b-and-30b", "exists")]["status"] == "contradicted"
    assert ("qwen3-license", "license") not in flags  # Apache 2.0 is right
    again = run(
        "check", "--all", "--quiet", "--no-alerts", "--replay", str(SNAPSHOT), config=example
    )
    assert again.exit_code == 0 and again.output == ""


def test_sources_test_prints_findings_and_touches_nothing(example: Path) -> None:
    result = run("sources", "test", "hf-qwen", "--replay", str(SNAPSHOT), config=example)
    assert result.exit_code == 0, result.output
    assert "hf-qwen: ok" in result.output and "Qwen/Qwen3-30B-A3B" in result.output
    assert not (example.parent / "claimwatch.sqlite").exists()  # no store was even opened
    missing = run("sources", "test", "nope", config=example)
    assert missing.exit_code == 2 and "no source 'nope'" in missing.output


def test_check_verbose_lists_names_the_rules_did_not_know(example: Path) -> None:
    result = run(
        "check", "--all", "--verbose", "--no-alerts", "--replay", str(SNAPSHOT), config=example
    )
    assert "names the rules did not understand" in result.output
