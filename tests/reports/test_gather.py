"""The store's answers for the digest and the alert, from rows put in by storage calls."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reports import gather
from rules.verdict import Evidence, Status, Verdict
from sources.finding import Finding
from sources.outcome import Category
from sources.poll import SourceResult
from storage import findings as finding_store
from storage import flags as flag_store
from storage import runs as run_store
from storage import sources as source_store
from storage.models import ClaimRow

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday of 2026-W48
WEEK = gather.Window(T0, T0 + timedelta(days=7))


def _claim(session, claim_id, *, as_of="2026-04", review_every="90d", status="active",
           text=None):
    session.add(ClaimRow(
        id=claim_id, page="p", section=f"section of {claim_id}",
        text=text or f"text of {claim_id}", subject="x", as_of=as_of,
        review_every=review_every, expectations={}, file="", file_digest="", status=status,
        created_at=T0, updated_at=T0))


def _verdict(claim_id, status, cause=None):
    return Verdict(
        claim_id=claim_id, rule="released", status=status, cause=cause or f"{status}:{claim_id}",
        reason=f"why {claim_id}", suggestion=f"better {claim_id}",
        evidence=(Evidence("hf-qwen", "Qwen/Qwen3-8B", "Qwen/Qwen3-8B",
                           "https://huggingface.co/Qwen/Qwen3-8B",
                           datetime(2025, 4, 28, 15, tzinfo=UTC)),),
    )


def _sources(session, *rows):
    source_store.sync_sources(session, [
        source_store.SourceDefinition(id=i, kind="feed", lab=lab, region=region,
                                      interval=timedelta(hours=6), params={})
        for i, lab, region in rows
    ])


# --- attention -----------------------------------------------------------------------

def test_attention_lists_open_and_acknowledged_flags_with_their_claims(store):
    with store.session() as session:
        for claim_id in ("open-c", "ack-c", "snoozed-c", "dismissed-c", "stale-c", "review-c"):
            _claim(session, claim_id)
        _claim(session, "retired-c", status="retired")
    verdicts = [_verdict("review-c", Status.REVIEW), _verdict("stale-c", Status.STALE),
                _verdict("open-c", Status.CONTRADICTED), _verdict("ack-c", Status.CONTRADICTED),
                _verdict("snoozed-c", Status.CONTRADICTED),
                _verdict("dismissed-c", Status.CONTRADICTED),
                _verdict("retired-c", Status.CONTRADICTED)]
    with store.session() as session:
        ids = {f.claim_id: f.id for f in flag_store.reconcile(
            session, verdicts, [v.claim_id for v in verdicts], now=T0).opened}
        flag_store.acknowledge(session, ids["ack-c"], now=T0, by="ed")
        flag_store.snooze(session, ids["snoozed-c"], until=T0 + timedelta(days=30), now=T0,
                          by="ed")
        flag_store.dismiss(session, ids["dismissed-c"], reason="wrong", now=T0, by="ed")

    with store.session() as session:
        items = gather.attention_items(session)

    assert sorted(i.claim_id for i in items) == ["ack-c", "open-c", "review-c", "stale-c"]
    item = next(i for i in items if i.claim_id == "open-c")
    assert (item.status, item.claim_text, item.section) == (
        "contradicted", "text of open-c", "section of open-c")
    assert (item.reason, item.suggestion) == ("why open-c", "better open-c")
    assert [(e.title, e.url, e.time, e.source_id) for e in item.evidence] == [
        ("Qwen/Qwen3-8B", "https://huggingface.co/Qwen/Qwen3-8B",
         datetime(2025, 4, 28, 15, tzinfo=UTC), "hf-qwen")]


def test_alert_candidates_are_open_unalerted_flags_of_the_chosen_verdicts(store):
    with store.session() as session:
        for claim_id in ("a", "b", "c", "d"):
            _claim(session, claim_id)
    verdicts = [_verdict("a", Status.CONTRADICTED), _verdict("b", Status.STALE),
                _verdict("c", Status.CONTRADICTED), _verdict("d", Status.REVIEW)]
    with store.session() as session:
        opened = flag_store.reconcile(session, verdicts, "abcd", now=T0).opened
        flag_store.mark_alerted(session, [f for f in opened if f.claim_id == "c"], now=T0)

    with store.session() as session:
        only_contradicted = gather.alert_candidates(session, ["contradicted"])
        with_stale = gather.alert_candidates(session, ["contradicted", "stale"])
        alert = gather.build_alert(session, with_stale, now=T0)

    assert [f.claim_id for f in only_contradicted] == ["a"]
    assert [f.claim_id for f in with_stale] == ["a", "b"]
    assert [(i.claim_id, i.status) for i in alert.items] == [("a", "contradicted"),
                                                             ("b", "stale")]
    assert alert.headline == "1 claim contradicted, 1 stale"


# --- releases ------------------------------------------------------------------------

def _finding(key, published, *, license=None, kind="post"):
    return Finding(key=key, title=f"title {key}", kind=kind, url=f"https://example.org/{key}",
                   published=published, attributes={"license": license} if license else {})


def test_new_releases_are_first_seen_in_the_window_and_recent(store):
    with store.session() as session:
        _sources(session, ("hf-qwen", "Alibaba Qwen", "china"), ("blog-x", "OpenAI", "us"))
    before, during, after = T0 - timedelta(hours=1), T0 + timedelta(days=2), T0 + timedelta(7)
    with store.session() as session:
        finding_store.upsert_findings(session, "blog-x", [
            _finding("seen-before", T0 - timedelta(days=2))], now=before)
        finding_store.upsert_findings(session, "hf-qwen", [
            _finding("qwen-new", T0 + timedelta(days=1), license="apache-2.0", kind="model"),
            _finding("back-catalogue", T0 - timedelta(days=400), kind="model"),
            _finding("late-but-recent", T0 - timedelta(days=10), kind="model"),
        ], now=during)
        finding_store.upsert_findings(session, "blog-x", [
            _finding("seen-before", T0 - timedelta(days=2)),  # seen again: not new
            _finding("undated", None),
        ], now=during)
        finding_store.upsert_findings(session, "blog-x", [
            _finding("next-week", T0 + timedelta(days=7))], now=after)

    with store.session() as session:
        rows = gather.new_releases(session, WEEK)

    assert {r.title: (r.region, r.lab, r.kind, r.license) for r in rows} == {
        "title qwen-new": ("china", "Alibaba Qwen", "model", "apache-2.0"),
        "title late-but-recent": ("china", "Alibaba Qwen", "model", None),
        "title undated": ("us", "OpenAI", "post", None),
    }
    times = {r.title: r.time for r in rows}
    assert times["title qwen-new"] == T0 + timedelta(days=1)  # published when known
    assert times["title undated"] == during  # else when first seen
    assert next(r for r in rows if r.title == "title qwen-new").url == (
        "https://example.org/qwen-new")


# --- due for review ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("as_of", "review_every", "due"),
    [
        ("2026-04-15", "90d", date(2026, 7, 14)),
        ("2026-04", "90d", date(2026, 7, 29)),  # a month ends on its last day
        ("2025", "180d", date(2026, 6, 29)),
        ("2026-02-28", "1d12h", date(2026, 3, 1)),  # part days round down
        ("2026-04", "never", None),
        ("someday", "90d", None),
    ],
)
def test_review_due(as_of, review_every, due):
    assert gather.review_due(as_of, review_every) == due


def test_due_soon_takes_reviews_in_the_two_weeks_from_the_day_given(store):
    sunday = date(2026, 11, 29)
    with store.session() as session:
        _claim(session, "due-on-the-day", as_of="2026-08-31", review_every="90d")  # 11-29
        _claim(session, "due-in-14-days", as_of="2026-09-14", review_every="90d")  # 12-13
        _claim(session, "due-in-15-days", as_of="2026-09-15", review_every="90d")  # 12-14
        _claim(session, "overdue", as_of="2026-08-30", review_every="90d")  # 11-28
        _claim(session, "never", as_of="2026-11", review_every="never")
        _claim(session, "retired", as_of="2026-09-01", review_every="90d", status="retired")

    with store.session() as session:
        due = gather.due_soon(session, sunday)

    assert [(d.claim_id, d.due) for d in due] == [
        ("due-in-14-days", date(2026, 12, 13)), ("due-on-the-day", sunday)]


# --- source health -------------------------------------------------------------------

def _poll(store, run_id, source_id, category, at, message=""):
    result = SourceResult(source_id, category, message=message)
    with store.session() as session:
        source_store.record_result(session, result, now=at, interval=timedelta(hours=6))
        run_store.record_source(session, run_id, result, None, now=at)


def test_source_health_failing_recovered_and_healthy(store):
    with store.session() as session:
        _sources(session, ("down", "DeepSeek", "china"), ("back", "Meta", "us"),
                 ("fine", "OpenAI", "us"), ("healed-last-week", "Mistral", "elsewhere"),
                 ("never-polled", "Google", "us"))
        run_id = run_store.start_run(session, "check", now=T0).id
    _poll(store, run_id, "healed-last-week", Category.TIMEOUT, T0 - timedelta(days=3), "slow")
    _poll(store, run_id, "healed-last-week", Category.OK, T0 - timedelta(days=2))
    for day in (1, 2, 3):
        _poll(store, run_id, "down", Category.HTTP_5XX, T0 + timedelta(days=day), "503 busy")
        _poll(store, run_id, "fine", Category.OK, T0 + timedelta(days=day))
    _poll(store, run_id, "back", Category.PARSE, T0 + timedelta(days=1), "not XML")
    _poll(store, run_id, "back", Category.NOT_MODIFIED, T0 + timedelta(days=2))

    with store.session() as session:
        health = {row.source_id: row for row in gather.source_health(session, WEEK)}

    down = health["down"]
    assert (down.category, down.message, down.consecutive_failures) == ("http-5xx", "503 busy", 3)
    assert down.failing and not down.recovered and down.last_success is None
    assert health["back"].recovered and not health["back"].failing
    assert health["back"].last_success == T0 + timedelta(days=2)
    assert not health["fine"].recovered and not health["fine"].failing
    assert not health["healed-last-week"].recovered  # its failure was before the window
    assert health["never-polled"].category == "not polled yet"
    assert not health["never-polled"].failing


def test_window_refuses_naive_or_reversed_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        gather.Window(datetime(2026, 11, 23), datetime(2026, 11, 30))
    with pytest.raises(ValueError, match="before it starts"):
        gather.Window(T0, T0)
