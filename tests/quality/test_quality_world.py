"""The quality benchmark: its world loads, every claim is labelled, the scorer scores."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from monitor.cli import cli

BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality"
WORLD = BENCH / "world"
ROLES = ("latest", "baseline", "about", "leaders", "closed", "open")
FACTS = ("released", "license", "exists", "keywords")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


score = _load("quality_score", BENCH / "score.py")
make_world = _load("quality_make_world", WORLD / "make_world.py")


def _claims() -> list[dict]:
    return tomllib.loads((WORLD / "claims.toml").read_text(encoding="utf-8"))["claim"]


def _labels() -> dict:
    return tomllib.loads((BENCH / "expected.toml").read_text(encoding="utf-8"))


def test_the_world_passes_config_check() -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(WORLD / "claimwatch.toml"), "config", "check"],
        env={"CLAIMWATCH_CONFIG": None},
    )
    assert result.exit_code == 0, result.output
    assert f"{len(_claims())} claims" in result.output


def test_every_claim_has_exactly_one_label_with_a_reason() -> None:
    labels = _labels()["claim"]
    ids = [claim["id"] for claim in _claims()]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    assert sorted(labels) == sorted(ids)
    for claim_id, label in labels.items():
        assert label["verdict"] in score.VERDICTS, claim_id
        assert label["reason"].strip(), claim_id


def test_the_world_covers_every_role_precision_and_verdict() -> None:
    claims, labels = _claims(), _labels()["claim"]
    for key in ROLES + FACTS:
        assert any(claim.get(key) for claim in claims), f"no claim uses {key}"
    assert any(len(claim.get("latest", [])) > 1 for claim in claims)
    assert any(len(claim.get("latest", [])) == 1 for claim in claims)
    assert any(claim["review_every"] == "never" for claim in claims)
    precisions = {len(str(claim["as_of"]).split("-")) for claim in claims}
    assert precisions == {1, 2, 3}  # year, month and day
    verdicts = [label["verdict"] for label in labels.values()]
    assert set(verdicts) == set(score.VERDICTS)
    assert verdicts.count("fresh") * 3 >= len(verdicts)  # "nothing to do" is a verdict too


def _files(folder: Path) -> list[Path]:
    return sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())


def test_the_snapshot_is_what_make_world_writes(tmp_path: Path) -> None:
    written = make_world.write_snapshot(tmp_path)
    committed = _files(WORLD / "snapshot")
    fresh = _files(tmp_path)
    assert written == 20 and fresh == committed
    for relative in fresh:
        assert (tmp_path / relative).read_bytes() == (WORLD / "snapshot" / relative).read_bytes()


def _flag(claim: str, verdict: str, cause: str = "c") -> object:
    return score.Flag(1, claim, verdict, "rule", cause, "why", "")


def test_a_claims_verdict_is_its_worst_open_flag() -> None:
    assert score.verdict_of([]) == "fresh"
    assert score.verdict_of([_flag("a", "review"), _flag("a", "stale")]) == "stale"
    assert score.verdict_of([_flag("a", "contradicted"), _flag("a", "stale")]) == "contradicted"


def test_agreement_counts_recall_precision_and_exact_verdicts() -> None:
    expected = {
        "a": {"verdict": "fresh"},
        "b": {"verdict": "stale"},
        "c": {"verdict": "review"},
        "d": {"verdict": "contradicted"},
    }
    flags = [_flag("a", "review"), _flag("b", "stale"), _flag("c", "contradicted")]
    figures = score.agreement(expected, flags, "2025-12-01T09:00:00Z")
    assert figures.recall == pytest.approx(2 / 3)  # b and c of b, c, d
    assert figures.precision == pytest.approx(2 / 3)  # b and c of a, b, c
    assert figures.exact_agreement == pytest.approx(1 / 4)  # only b
    assert figures.confusion["contradicted"]["fresh"] == 1
    assert figures.confusion["review"]["contradicted"] == 1
    assert [item["claim"] for item in figures.disagreements] == ["a", "c", "d"]


def test_silence_scores_nothing() -> None:
    figures = score.agreement({"a": {"verdict": "stale"}}, [], "2025-12-01T09:00:00Z")
    assert figures.recall == 0 and figures.precision == 0 and figures.flagged == 0


@pytest.mark.parametrize(
    ("original", "expected"),
    [("2025", "2025"), ("2025-03", "2025-12"), ("2025-03-20", "2025-12-01")],
)
def test_a_suggestion_is_verified_as_of_now_at_the_claims_precision(
    original: str, expected: str
) -> None:
    assert score.as_of_like(original, datetime(2025, 12, 1, 9, tzinfo=UTC)) == expected


def test_the_scorer_runs_on_the_world_and_reports_figures_in_range() -> None:
    figures = score.score()
    labels = _labels()["claim"]
    assert figures.claims == len(labels)
    assert figures.expected_flagged == sum(v["verdict"] != "fresh" for v in labels.values())
    for value in (figures.recall, figures.precision, figures.exact_agreement,
                  figures.suggestions_resolved_share):
        assert 0.0 <= value <= 1.0
    assert sum(sum(row.values()) for row in figures.confusion.values()) == len(labels)
    assert 0 <= figures.suggestions_resolved <= figures.suggestions_applied
    text = score.render(figures)
    assert "recall" in text and "target >= 0.95" in text
