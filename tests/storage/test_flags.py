"""Flags: raised once per cause, resolved when the cause goes, and people's actions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rules.verdict import Evidence, Status, Verdict
from storage import flags as flag_store
from storage.models import ClaimRow
from tests.conftest import NOW


def _claims(store, *ids):
    with store.session() as session:
        for claim_id in ids:
            session.add(
                ClaimRow(
                    id=claim_id,
                    page="p",
                    section="s",
                    text=f"text of {claim_id}",
                    subject="x",
                    as_of="2026-04",
                    review_every="90d",
                    expectations={},
                    file="",
                    file_digest="",
                    status="active",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )


def _verdict(claim_id="c1", cause="released:qwen:3", status=Status.CONTRADICTED, reason="r"):
    return Verdict(
        claim_id=claim_id,
        rule=cause.split(":")[0],
        status=status,
        cause=cause,
        reason=reason,
        suggestion="s",
        evidence=(
            Evidence(
                "hf-qwen",
                "Qwen/Qwen3-8B",
                "Qwen/Qwen3-8B",
                "https://huggingface.co/Qwen/Qwen3-8B",
                NOW,
            ),
        ),
    )


def _reconcile(store, verdicts, claims=("c1",), now=NOW):
    with store.session() as session:
        report = flag_store.reconcile(session, verdicts, claims, now=now)
        return [f.id for f in report.opened], [f.id for f in report.resolved], report.unchanged


def _flag(store, flag_id):
    with store.session() as session:
        flag = flag_store.get_flag(session, flag_id)
        return flag.status, [e.action for e in flag.events]


def test_same_cause_twice_opens_once(store) -> None:
    _claims(store, "c1")
    opened, _, _ = _reconcile(store, [_verdict()])
    assert len(opened) == 1
    assert _reconcile(
        store, [_verdict(reason="more evidence now")], now=NOW + timedelta(hours=1)
    ) == ([], [], 1)
    assert _flag(store, opened[0]) == ("open", ["opened"])


def test_cause_gone_resolves_and_returning_cause_reopens(store) -> None:
    _claims(store, "c1")
    [flag_id], _, _ = _reconcile(store, [_verdict()])
    assert _reconcile(store, [])[1] == [flag_id]
    assert _flag(store, flag_id) == ("resolved", ["opened", "resolved"])
    assert _reconcile(store, [_verdict()])[0] == [flag_id]
    assert _flag(store, flag_id)[0] == "open"


def test_dismissed_cause_is_never_raised_again(store) -> None:
    _claims(store, "c1")
    [flag_id], _, _ = _reconcile(store, [_verdict()])
    with store.session() as session:
        flag_store.dismiss(session, flag_id, reason="hub mirror, not the lab", now=NOW, by="ed")
    assert _reconcile(store, [_verdict()]) == ([], [], 1)
    status, actions = _flag(store, flag_id)
    assert status == "dismissed" and actions == ["opened", "dismissed"]


def test_other_claims_flags_are_left_alone(store) -> None:
    _claims(store, "c1", "c2")
    [flag_id], _, _ = _reconcile(store, [_verdict("c2")], claims=("c1", "c2"))
    assert _reconcile(store, [], claims=("c1",)) == ([], [], 0)  # c2 not evaluated
    assert _flag(store, flag_id)[0] == "open"


def test_snooze_wakes_when_its_date_passes_and_cause_holds(store) -> None:
    _claims(store, "c1")
    [flag_id], _, _ = _reconcile(store, [_verdict()])
    with store.session() as session:
        flag_store.snooze(session, flag_id, until=NOW + timedelta(days=7), now=NOW, by="ed")
    assert _reconcile(store, [_verdict()], now=NOW + timedelta(days=1)) == ([], [], 1)
    assert _reconcile(store, [_verdict()], now=NOW + timedelta(days=8))[0] == [flag_id]
    assert _flag(store, flag_id) == ("open", ["opened", "snoozed", "woke"])


def test_ack_and_actions_record_who_and_refuse_nonsense(store) -> None:
    _claims(store, "c1")
    [flag_id], _, _ = _reconcile(store, [_verdict()])
    with store.session() as session:
        flag = flag_store.acknowledge(session, flag_id, now=NOW, by="ana")
        assert flag.events[-1].by == "ana"
    with store.session() as session, pytest.raises(flag_store.FlagActionError, match="say why"):
        flag_store.dismiss(session, flag_id, reason=" ", now=NOW, by="ana")
    with store.session() as session, pytest.raises(flag_store.FlagActionError, match="future"):
        flag_store.snooze(session, flag_id, until=NOW - timedelta(days=1), now=NOW, by="ana")
    with store.session() as session, pytest.raises(flag_store.FlagActionError, match="no flag"):
        flag_store.acknowledge(session, 999, now=NOW, by="ana")


def test_verify_resolves_the_claims_flags(store) -> None:
    _claims(store, "c1")
    opened, _, _ = _reconcile(
        store, [_verdict(), _verdict(cause="age:2026-04", status=Status.STALE)]
    )
    with store.session() as session:
        resolved = flag_store.resolve_for_claim(session, "c1", now=NOW, by="ed", note="verified")
    assert sorted(f.id for f in resolved) == sorted(opened)
    assert _flag(store, opened[0]) == ("resolved", ["opened", "verified"])
