"""The import benchmark's labelled pages keep meeting the issue's targets."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
LABELS = sorted((BENCH / "import").glob("*.labels.toml"))


def _bench():
    spec = importlib.util.spec_from_file_location("bench_import", BENCH / "bench_import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_at_least_three_labelled_pages():
    assert len(LABELS) >= 3


@pytest.mark.parametrize("labels", LABELS, ids=lambda path: path.name)
def test_a_labelled_page_meets_the_targets(labels):
    counts = _bench().score_page(labels, verbose=False)
    assert counts["found"] >= 0.95 * counts["statements"]
    assert counts["inferred_right"] >= 0.85 * counts["labelled"]
    assert counts["wrong"] <= 0.05 * max(counts["inferred"], 1)
