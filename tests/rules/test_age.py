from datetime import timedelta

import pytest

from rules import age
from rules.verdict import Status
from tests.rules.factory import at, claim, run

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("as_of", "review_every", "now", "stale"),
    [
        # a year counts from its last day: 2025-12-31 + 90d = 2026-03-31
        ("2025", 90 * DAY, "2026-03-30T23:59:59", False),
        ("2025", 90 * DAY, "2026-03-31T00:00", True),
        # a month from its last day: 2026-04-30 + 30d = 2026-05-30
        ("2026-04", 30 * DAY, "2026-05-29T23:59:59", False),
        ("2026-04", 30 * DAY, "2026-05-30T00:00", True),
        ("2024-02", 30 * DAY, "2024-03-30T00:00", True),  # leap February ends on the 29th
        ("2024-02", 30 * DAY, "2024-03-29T23:00", False),
        # a day from itself
        ("2026-04-15", DAY, "2026-04-15T23:00", False),
        ("2026-04-15", DAY, "2026-04-16T00:00", True),
        # never: a historical fact does not age
        ("2024-12", None, "2100-01-01", False),
        # verified in the future of now (a typo or a clock skew): not stale
        ("2030", 30 * DAY, "2026-01-01", False),
    ],
)
def test_stale_once_review_interval_passed_since_period_end(as_of, review_every, now, stale):
    verdicts = run(age, claim(as_of, review_every=review_every), [], now)
    assert [v.status for v in verdicts] == ([Status.STALE] if stale else [])


def test_verdict_names_period_and_due_day():
    [verdict] = run(age, claim("2025", review_every=90 * DAY), [], "2026-06-01")
    assert verdict.rule == "age"
    assert verdict.cause == "age:2025"
    assert "2025" in verdict.reason and "2026-03-31" in verdict.reason and "90d" in verdict.reason
    assert verdict.suggestion
    assert verdict.evidence == ()


def test_cause_is_stable_until_reverified():
    old = claim("2025-04", review_every=30 * DAY)
    first = run(age, old, [], "2025-06-15")[0].cause
    later = run(age, old, [], "2025-12-01")[0].cause
    reverified = run(age, claim("2025-10", review_every=30 * DAY), [], "2026-01-15")[0].cause
    assert first == later == "age:2025-04"
    assert reverified == "age:2025-10"


@pytest.mark.parametrize(
    ("as_of", "review_every", "due"),
    [
        ("2025", 90 * DAY, "2026-03-31"),
        ("2026-04", 30 * DAY, "2026-05-30"),
        ("2026-04-15", 7 * DAY, "2026-04-22"),
    ],
)
def test_review_due(as_of, review_every, due):
    assert age.review_due(claim(as_of, review_every=review_every)) == at(due)


def test_review_due_never():
    assert age.review_due(claim("2025", review_every=None)) is None
