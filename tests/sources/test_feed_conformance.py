"""The feed kind against feedparser's own test corpus (the subset copied into
tests/data/feedparser-tests, see its README): bench/bench_feed_conformance.py's figures
must not fall, and every disagreement must be one kept on purpose, with its reason."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_feed_conformance.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_feed_conformance", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


conformance = _load_bench()


@pytest.fixture(scope="module")
def report():
    return conformance.run(conformance.COPIED_CORPUS, repeat=1)


def test_the_copied_subset_is_what_the_readme_says(report):
    assert report.corpus == conformance.COPIED_CORPUS
    assert report.files == 577
    assert (conformance.COPIED_CORPUS / "LICENSE").is_file()


# class -> files agreeing with the Expect lines (all of the checkable ones but kept)
BY_EXPECT = {"titles": 143, "links": 17, "dates": 14}
# class -> files agreeing with feedparser on the same bytes
BY_FEEDPARSER = {"titles": 168, "links": 27, "dates": 17, "entries": 569, "errors": 30}


@pytest.mark.parametrize(("kind", "agree"), sorted(BY_EXPECT.items()))
def test_figures_by_the_expect_lines_hold(report, kind, agree):
    tally = report.by_expect[kind]
    assert tally.agree >= agree, tally.disagreements
    assert [d for d in tally.disagreements if not conformance.kept_reason(d)] == []


@pytest.mark.parametrize(("kind", "agree"), sorted(BY_FEEDPARSER.items()))
def test_figures_against_feedparser_hold(report, kind, agree):
    tally = report.by_feedparser[kind]
    assert tally.agree >= agree, tally.disagreements
    assert [d for d in tally.disagreements if not conformance.kept_reason(d)] == []


def test_titles_by_the_expect_lines_reach_the_target(report):
    tally = report.by_expect["titles"]
    assert tally.agree + tally.disagree >= 143
    assert tally.agree >= 140


@pytest.mark.parametrize(("expect", "checks", "unreadable"), [
    ("not bozo and entries[0]['title'] == 'A <b>'", [("titles", ["entries", 0, "title"], "A <b>")],
     set()),
    ("entries[1].link == 'http://x/'", [("links", ["entries", 1, "link"], "http://x/")], set()),
    ("entries[0]['updated_parsed'] == (2003, 12, 31, 10, 14, 55, 2, 365, 0)",
     [("dates", ["entries", 0, "updated_parsed"], (2003, 12, 31, 10, 14, 55, 2, 365, 0))],
     set()),
    ("entries[0]['title'] == 'a' + 'b'", [], {"titles"}),  # not a literal: not checkable
    ("__import__('os').system('false') or entries[0]['title'] == 'x'", [], set()),
    ("feed['title'] == 'x'", [], set()),  # the feed's own title: not a finding
])
def test_expect_lines_are_read_as_data(expect, checks, unreadable):
    assert conformance.checks(expect) == (checks, unreadable)
