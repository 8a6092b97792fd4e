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
    assert released["suggestion"] == "Qwen3 (released April 2025 under Apache 2.0)"
    assert flags[("faq-qwen3-72b-and-30b", "exists")]["status"] == "contradicted"
    assert ("qwen3-license", "license") not in flags  # Apache 2.0 is right
    # a historical fact is never superseded; a comparison's baseline is reviewed
    assert ("deepseek-v3-release", "superseded") not in flags
    assert flags[("api-price-vs-gpt4o", "baseline")]["status"] == "review"
    # a research post naming GPT-5.2 is a mention: review, never a date
    gpt = flags[("d20-gpt4o-frontier", "superseded")]
    assert gpt["status"] == "review" and "no watched source shows its release" in gpt["reason"]
    # several stale subjects: one sentence with every edit
    frontier = flags[("us-frontier-thesis", "superseded")]
    assert frontier["suggestion"] == (
        "The US stays ahead in closed frontier models (GPT-5.2, Claude Opus 5, Gemini 3)"
    )
    # open weights by other US labs (gpt-oss, Gemma 3n) predate the page: no news
    assert ("full-llama4-mistral", "leaders") not in flags
    assert flags[("full-china-closed-models", "weights")]["status"] == "contradicted"
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


DEMO_CONTRADICTED = {
    # claim id -> cause: each checked against the snapshot (README "The demo's contradicted flags")
    ("d20-claude37-frontier", "superseded:claude:3.7:before:2026"),
    ("full-claude37-frontier", "superseded:claude:3.7:before:2026-05"),
    ("us-frontier-thesis", "superseded:claude:3.7:before:2026-05"),
    ("d20-gemini2-frontier", "superseded:gemini:2:before:2026"),
    ("full-gemini2-pro-frontier", "superseded:gemini:2:before:2026-05"),
    ("us-frontier-thesis", "superseded:gemini:2:before:2026-05"),
    ("d20-deepseek-v3-leads-open", "superseded:deepseek-v:3:before:2026"),
    ("d20-ernie4-turbo", "superseded:ernie:4:before:2026"),
    ("full-china-closed-models", "superseded:ernie:4:before:2026-05"),
    ("full-china-closed-models", "weights:closed:kimi:open"),
    ("faq-qwen3-72b-and-30b", "exists:qwen/qwen3-72b"),
    ("qwen3-release", "released:qwen:3:2026-04"),
}


def _open_flags(config: Path) -> set[tuple[str, str, str]]:
    from monitor.config import load_config
    from storage import flags as flag_store
    from storage.db import open_store

    store = open_store(load_config(config).store_url)
    with store.session() as session:
        found = {
            (f.claim_id, f.cause, f.verdict)
            for f in flag_store.list_flags(session)
            if f.status == "open"
        }
    store.close()
    return found


def test_the_demo_contradicts_only_what_the_readme_justifies(example: Path) -> None:
    run("check", "--all", "--no-alerts", "--replay", str(SNAPSHOT), config=example)
    contradicted = {(c, cause) for c, cause, v in _open_flags(example) if v == "contradicted"}
    assert contradicted == DEMO_CONTRADICTED
    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    for claim_id, _ in DEMO_CONTRADICTED:
        assert f"`{claim_id}`" in readme, f"README must justify {claim_id}"


def test_each_demo_suggestion_applied_through_verify_sticks(example: Path) -> None:
    """Paste each suggested sentence through `claims verify --text`, check again: the
    cause it fixed does not come back, and the edit raises nothing new on that claim."""
    first = run(
        "check", "--all", "--json", "--no-alerts", "--replay", str(SNAPSHOT), config=example
    )
    report = json.loads(first.stdout)
    before = _open_flags(example)
    listed = run("claims", "list", "--json", config=example).output.splitlines()
    claims = {row["id"]: row for row in map(json.loads, listed)}
    sentences = {
        f["claim_id"]: f["suggestion"]
        for f in report["new_flags"]
        if f["rule"] in ("superseded", "released", "leaders", "exists") and f["suggestion"]
    }
    assert len(sentences) >= 10
    for claim_id, sentence in sentences.items():
        claim = claims[claim_id]
        assert sentence != claim["text"]
        verified = run(
            "claims", "verify", claim_id, "--text", sentence, "--as-of", claim["as_of"],
            config=example,
        )
        assert verified.exit_code == 0, verified.output
        assert "the new text states" in verified.output
    run("check", "--all", "--no-alerts", "--replay", str(SNAPSHOT), config=example)
    after = _open_flags(example)
    for claim_id in sentences:
        fixed = {(c, cause) for c, cause, _ in before if c == claim_id}
        still = {(c, cause) for c, cause, _ in after if c == claim_id}
        edited = ("superseded", "released", "leaders", "exists")
        kept = {pair for pair in still if not pair[1].startswith(edited)}
        assert still == kept, f"{claim_id}: an applied suggestion came back: {still - kept}"
        assert still <= fixed, f"{claim_id}: the edit raised something new: {still - fixed}"
