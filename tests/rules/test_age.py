from datetime import timedelta

import pytest

from rules import age
from rules.verdict import Status
from tests.rules.factory import at, claim, post, run

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("as_of", "review_every", "now", "stale"),
    [
        # a year counts from 1 July, not its last day: 2025-07-01 + 90d = 2025-09-29
        ("2025", 90 * DAY, "2025-09-28T23:59:59", False),
        ("2025", 90 * DAY, "2025-09-29T00:00", True),
        # so a claim "as of 2026" is not silent until 2027
        ("2026", 60 * DAY, "2026-08-30T00:00", True),
        ("2026", 60 * DAY, "2026-06-30T00:00", False),
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
def test_stale_once_review_interval_passed_since_counting_start(as_of, review_every, now, stale):
    verdicts = run(age, claim(as_of, review_every=review_every), [], now)
    assert [v.status for v in verdicts] == ([Status.STALE] if stale else [])


def test_verdict_names_period_and_due_day():
    [verdict] = run(age, claim("2025", review_every=90 * DAY), [], "2026-06-01")
    assert verdict.rule == "age"
    assert verdict.cause == "age:2025"
    assert "2025" in verdict.reason and "2025-09-29" in verdict.reason and "90d" in verdict.reason
    assert verdict.suggestion == "Re-check 'Qwen3' and verify it with a new as-of date."
    assert verdict.evidence == ()


def test_age_suggestion_lists_the_watched_sources_newest_items_and_invents_nothing():
    findings = [
        post("Old news", "2025-01-01", source="blog"),
        post("Newest news", "2026-05-01", source="blog"),
        post("Unwatched news", "2026-05-20", source="other"),
    ]
    watched = claim("2025", review_every=90 * DAY, watch=("blog",), text="Qwen3 leads")
    [verdict] = run(age, watched, findings, "2026-06-01")
    assert verdict.suggestion.startswith("Re-check 'Qwen3' and verify it with a new as-of date")
    assert "'Newest news' (blog, 2026-05-01)" in verdict.suggestion
    assert "Unwatched" not in verdict.suggestion and "Qwen3 leads" not in verdict.suggestion
    assert [e.title for e in verdict.evidence] == ["Newest news", "Old news"]


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
        ("2025", 90 * DAY, "2025-09-29"),
        ("2026-04", 30 * DAY, "2026-05-30"),
        ("2026-04-15", 7 * DAY, "2026-04-22"),
    ],
)
def test_review_due(as_of, review_every, due):
    assert age.review_due(claim(as_of, review_every=review_every)) == at(due)


def test_review_due_never():
    assert age.review_due(claim("2025", review_every=None)) is None
