"""Findings: pages kept pickled while they are only passed on, read like a list."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest

from sources.finding import Finding, Findings
from sources.outcome import Category
from sources.poll import SourceResult


def _page(prefix: str, count: int) -> list[Finding]:
    return [Finding(key=f"{prefix}{n}", title=f"Post {n}", kind="post",
                    published=datetime(2026, 4, 1, tzinfo=UTC) + timedelta(days=n),
                    attributes={"summary": "x" * n, "tags": ["a", "b"]})
            for n in range(count)]


def test_pages_packed_and_plain_read_as_one_list_in_order() -> None:
    first, second, third = _page("a", 3), _page("b", 2), _page("c", 4)
    findings = Findings()
    findings.extend(Findings.packed(first))
    findings.extend(second)
    findings.extend(Findings.packed(third))
    assert len(findings) == 9 and findings.still_pickled  # counted without unpickling
    assert repr(findings) == "Findings(<9 findings, pickled>)" and findings.still_pickled
    assert findings == first + second + third
    assert not findings.still_pickled  # read once, kept as objects
    assert findings[0] == first[0] and findings[-1] == third[-1]
    assert findings[1:3] == first[1:3]
    assert [f.key for f in findings] == [f.key for f in first + second + third]


def test_packed_findings_cross_a_process_boundary_as_bytes_and_arrive_whole() -> None:
    page = _page("k", 40)
    packed = Findings.packed(page)
    wire = pickle.dumps(packed)
    again = pickle.loads(wire)
    assert again.still_pickled and len(again) == 40
    assert list(again) == page
    with pytest.raises(TypeError):
        hash(again)


def test_empty_and_falsy() -> None:
    assert not Findings() and not Findings.packed([]) and len(Findings.packed([])) == 0
    assert list(Findings.packed([])) == [] and Findings() == []


def test_a_source_result_takes_a_plain_list() -> None:
    page = _page("k", 2)
    result = SourceResult("s", Category.OK, findings=page)
    assert isinstance(result.findings, Findings) and result.findings == page
    assert SourceResult("s", Category.OK) == SourceResult("s", Category.OK, findings=[])
