"""What the dashboard reads: claim status from open flags, history, weekly series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules.asof import AsOf
from rules.claim import Claim
from rules.verdict import Evidence, Status, Verdict
from sources.finding import Finding
from storage import claims as claim_store
from storage import findings as finding_store
from storage import flags as flag_store
from storage import history
from storage import sources as source_store
from tests.conftest import NOW

WEEKS = history.last_weeks(NOW)  # 2026-W37 .. 2026-W48; NOW is Sunday of W48


def _claim(claim_id: str) -> Claim:
    return Claim(id=claim_id, page="p", section="S", text=f"text of {claim_id}",
                 subject=claim_id, as_of=AsOf.parse("2026-04"), review_every=timedelta(days=90))


def _verdict(claim_id: str, status: Status, cause: str) -> Verdict:
    return Verdict(
        claim_id=claim_id, rule=cause.split(":")[0], status=status, cause=cause,
        reason=f"{status} because {cause}", suggestion="",
        evidence=(Evidence("hf-qwen", "Qwen/Qwen3-8B", "Qwen3-8B",
                           "https://huggingface.co/Qwen/Qwen3-8B", NOW),),
    )


def _setup(store, claim_ids, verdicts, *, now=NOW):
    with store.session() as session:
        claim_store.sync_claims(session, [_claim(c) for c in claim_ids], now=now, by="tester")
        opened = flag_store.reconcile(session, verdicts, claim_ids, now=now, by="tester").opened
        return {flag.cause: flag.id for flag in opened}


@pytest.mark.parametrize(
    ("verdicts", "status"),
    [
        ([], "fresh"),
        (["review"], "review"),
        (["review", "stale"], "stale"),
        (["review", "contradicted", "stale"], "contradicted"),
        (["stale", "stale"], "stale"),
    ],
)
def test_claim_status_is_the_worst_open_verdict(verdicts, status) -> None:
    assert history.claim_status(verdicts) == status


def test_acknowledged_counts_as_open_snoozed_and_dismissed_do_not(store) -> None:
    ids = ["acked", "snoozed", "dismissed", "mixed", "quiet"]
    flags = _setup(store, ids, [
        _verdict("acked", Status.CONTRADICTED, "released:a"),
        _verdict("snoozed", Status.CONTRADICTED, "released:s"),
        _verdict("dismissed", Status.STALE, "age:d"),
        _verdict("mixed", Status.REVIEW, "mention:m"),
        _verdict("mixed", Status.STALE, "age:m"),
    ])
    later = NOW + timedelta(hours=1)
    with store.session() as session:
        flag_store.acknowledge(session, flags["released:a"], now=later, by="ed")
        flag_store.snooze(session, flags["released:s"], until=later + timedelta(days=7),
                          now=later, by="ed")
        flag_store.dismiss(session, flags["age:d"], reason="false alarm", now=later, by="ed")
    with store.session() as session:
        views = {view.id: view for view in history.claims_with_status(session)}
    assert {claim_id: view.status for claim_id, view in views.items()} == {
        "acked": "contradicted", "snoozed": "fresh", "dismissed": "fresh",
        "mixed": "stale", "quiet": "fresh",
    }
    assert [f.verdict for f in views["mixed"].flags] == ["stale", "review"]  # worst first
    assert views["mixed"].reason == "stale because age:m"
    assert views["acked"].flags[0].evidence[0].url == "https://huggingface.co/Qwen/Qwen3-8B"
    assert views["acked"].flags[0].evidence[0].time == NOW


def test_history_merges_revisions_and_flag_events_in_time_order(store) -> None:
    flags = _setup(store, ["c1"], [_verdict("c1", Status.STALE, "age:c1")],
                   now=NOW - timedelta(days=3))
    with store.session() as session:
        flag_store.acknowledge(session, flags["age:c1"], now=NOW - timedelta(days=1), by="ed")
        claim_store.verify_claim(session, "c1", as_of=AsOf.parse("2026-11"), now=NOW, by="ed")
        flag_store.resolve_for_claim(session, "c1", now=NOW, by="ed", note="re-checked")
    with store.session() as session:
        entries = history.claim_history(session, ["c1"])["c1"]
    assert [(e.subject, e.action, e.by) for e in entries] == [
        ("claim", "created", "tester"),
        (f"stale flag #{flags['age:c1']}", "opened", "tester"),
        (f"stale flag #{flags['age:c1']}", "acknowledged", "ed"),
        ("claim", "verified", "ed"),
        (f"stale flag #{flags['age:c1']}", "verified", "ed"),
    ]
    assert "as_of 2026-04 → 2026-11" in entries[3].note


@pytest.mark.parametrize(
    ("actions", "state"),
    [
        ([], None),
        (["opened"], "open"),
        (["opened", "alerted"], "open"),
        (["opened", "acknowledged"], "acknowledged"),
        (["opened", "snoozed"], "snoozed"),
        (["opened", "snoozed", "woke"], "open"),
        (["opened", "resolved", "reopened"], "open"),
        (["opened", "dismissed"], "dismissed"),
        (["opened", "verified"], "resolved"),
    ],
)
def test_state_at_replays_events(actions, state) -> None:
    events = [(NOW + timedelta(hours=i), i, action) for i, action in enumerate(actions)]
    assert history.state_at(events, NOW + timedelta(days=1)) == state
    assert history.state_at(events, NOW) is None  # nothing had happened yet


def test_open_flags_per_week_are_rebuilt_from_events(store) -> None:
    five_weeks_ago = NOW - timedelta(weeks=5)  # in W43
    flags = _setup(store, ["c1", "c2"], [
        _verdict("c1", Status.CONTRADICTED, "released:c1"),
        _verdict("c2", Status.STALE, "age:c2"),
    ], now=five_weeks_ago)
    with store.session() as session:
        flag_store.snooze(session, flags["age:c2"], until=NOW + timedelta(days=30),
                          now=NOW - timedelta(weeks=3), by="ed")  # in W45
        flag_store.acknowledge(session, flags["released:c1"], now=NOW - timedelta(weeks=2),
                               by="ed")
        flag_store.reconcile(session, [], ["c1"], now=NOW - timedelta(weeks=1))  # W47: gone
    with store.session() as session:
        counts = history.open_flags_per_week(session, WEEKS)
    table = {week: (c["contradicted"], c["stale"], c["review"]) for week, c in counts.items()}
    assert table == {
        **{week: (0, 0, 0) for week in WEEKS[:6]},  # W37..W42: nothing yet
        "2026-W43": (1, 1, 0), "2026-W44": (1, 1, 0),
        "2026-W45": (1, 0, 0), "2026-W46": (1, 0, 0),  # snoozed is not open; acked is
        "2026-W47": (0, 0, 0), "2026-W48": (0, 0, 0),
    }


def test_releases_per_week_by_region_dated_by_publication_else_first_sight(store) -> None:
    defs = [
        source_store.SourceDefinition(source_id, "feed", "Lab", region, timedelta(hours=6), {})
        for source_id, region in (("cn", "china"), ("us", "us"), ("eu", "elsewhere"))
    ]
    w46 = datetime(2026, 11, 10, tzinfo=UTC)
    with store.session() as session:
        source_store.sync_sources(session, defs)
        finding_store.upsert_findings(session, "cn", [
            Finding("a", "Qwen9", "model", published=w46),
            Finding("b", "Qwen9 blog post", "post", published=w46),  # a post is not a release
            Finding("c", "Qwen8", "model", published=datetime(2025, 1, 1, tzinfo=UTC)),  # too old
        ], now=NOW)
        finding_store.upsert_findings(session, "us", [
            Finding("d", "v1.2", "release", published=w46),
            Finding("e", "undated", "package"),  # counted in the week first seen: W48
        ], now=NOW)
        finding_store.upsert_findings(session, "eu", [
            Finding("f", "Mistral", "model", published=datetime(2026, 9, 7, tzinfo=UTC)),  # W37
        ], now=NOW)
    with store.session() as session:
        counts = history.releases_per_week(session, WEEKS)
    nonzero = {week: c for week, c in counts.items() if any(c.values())}
    assert nonzero == {
        "2026-W37": {"china": 0, "us": 0, "elsewhere": 1},
        "2026-W46": {"china": 1, "us": 1, "elsewhere": 0},
        "2026-W48": {"china": 0, "us": 1, "elsewhere": 0},
    }
    assert list(counts) == WEEKS


@pytest.mark.parametrize(
    ("now", "first", "last"),
    [
        (NOW, "2026-W37", "2026-W48"),
        (datetime(2026, 1, 5, tzinfo=UTC), "2025-W43", "2026-W02"),  # across the new year
        (datetime(2026, 11, 30, 0, 0, tzinfo=UTC), "2026-W38", "2026-W49"),  # Monday 00:00
    ],
)
def test_last_weeks(now, first, last) -> None:
    weeks = history.last_weeks(now)
    assert len(weeks) == 12 and len(set(weeks)) == 12
    assert (weeks[0], weeks[-1]) == (first, last)
