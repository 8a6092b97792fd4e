"""Loading claims files into the store: idempotent, history kept, removals retired."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from rules.asof import AsOf
from rules.claim import Claim
from storage import claims as claim_store
from storage.models import ClaimRevisionRow, ClaimRow
from tests.conftest import NOW

QWEN = Claim(
    id="qwen3",
    page="p",
    section="Models",
    text="Qwen3 (April 2026)",
    subject="Qwen3",
    as_of=AsOf.parse("2026-04"),
    review_every=timedelta(days=90),
    family="Qwen3",
    license="apache-2.0",
    released=AsOf.parse("2026-04"),
    watch=("hf-qwen",),
)
LAW = Claim(
    id="law",
    page="p",
    section="Policy",
    text="No federal AI law as of May 2026",
    subject="US federal AI law",
    as_of=AsOf.parse("2026-05"),
    review_every=None,
    keywords=("AI Act",),
)


def _sync(store, claims, now=NOW):
    with store.session() as session:
        return claim_store.sync_claims(session, claims, now=now, by="tester")


def _dump(store):
    with store.session() as session:
        rows = session.scalars(select(ClaimRow).order_by(ClaimRow.id)).all()
        revisions = session.scalar(select(func.count()).select_from(ClaimRevisionRow))
        return [
            (r.id, r.as_of, r.text, r.status, r.expectations, r.updated_at) for r in rows
        ], revisions


def test_loading_twice_leaves_the_store_unchanged(store) -> None:
    first = _sync(store, [QWEN, LAW])
    assert sorted(first.created) == ["law", "qwen3"]
    before = _dump(store)
    second = _sync(store, [QWEN, LAW], now=NOW + timedelta(hours=1))
    assert not second.changed and second.unchanged == 2
    assert _dump(store) == before


def test_precision_and_expectations_round_trip(store) -> None:
    _sync(store, [QWEN, LAW])
    with store.session() as session:
        claims = {c.id: c for c in claim_store.active_claims(session)}
    assert claims["qwen3"] == QWEN
    assert claims["law"] == LAW


def test_edit_updates_by_id_and_keeps_history(store) -> None:
    _sync(store, [QWEN])
    edited = replace(QWEN, text="Qwen3 (April 2025)", as_of=AsOf.parse("2025-04"))
    report = _sync(store, [edited], now=NOW + timedelta(days=1))
    assert report.updated == ["qwen3"]
    with store.session() as session:
        row = session.get(ClaimRow, "qwen3")
        assert row.text == "Qwen3 (April 2025)" and row.as_of == "2025-04"
        actions = [(r.action, r.before.get("as_of"), r.after.get("as_of")) for r in row.revisions]
    assert actions == [("created", None, "2026-04"), ("updated", "2026-04", "2025-04")]


def test_removed_claim_is_retired_then_restored(store) -> None:
    _sync(store, [QWEN, LAW])
    report = _sync(store, [QWEN])
    assert report.retired == ["law"]
    with store.session() as session:
        assert session.get(ClaimRow, "law").status == "retired"
        assert [c.id for c in claim_store.active_claims(session)] == ["qwen3"]
    assert _sync(store, [QWEN, LAW]).restored == ["law"]


def test_verified_claim_survives_reloading_an_unchanged_file(store) -> None:
    _sync(store, [QWEN])
    with store.session() as session:
        claim_store.verify_claim(
            session,
            "qwen3",
            as_of=AsOf.parse("2026-11-20"),
            now=NOW,
            by="editor",
            text="Qwen3 (Apache 2.0, April 2025)",
        )
    assert not _sync(store, [QWEN]).changed
    with store.session() as session:
        row = session.get(ClaimRow, "qwen3")
        assert (row.as_of, row.text) == ("2026-11-20", "Qwen3 (Apache 2.0, April 2025)")
        assert row.revisions[-1].action == "verified" and row.revisions[-1].by == "editor"


def test_rewording_a_claim_in_its_file_moves_its_roles(store) -> None:
    """The editor pastes a suggestion into the file's text and leaves the roles: the
    roles follow the edit, so the fixed flag's cause is gone."""
    frontier = Claim(
        id="frontier", page="p", section="s", text="Anthropic's Claude 3.7", subject="Claude",
        as_of=AsOf.parse("2026"), review_every=timedelta(days=60), latest=("Claude 3.7",),
    )
    _sync(store, [frontier])
    _sync(store, [replace(frontier, text="Anthropic's Claude Opus 5")])
    with store.session() as session:
        [claim] = [c for c in claim_store.active_claims(session) if c.id == "frontier"]
    assert claim.latest == ("Claude Opus 5",)
    assert not _sync(store, [replace(frontier, text="Anthropic's Claude Opus 5")]).changed


def test_a_verified_text_pasted_into_the_file_keeps_the_verified_roles(store) -> None:
    fact = replace(QWEN, text="Qwen3 (April 2026)")
    _sync(store, [fact])
    with store.session() as session:
        claim_store.verify_claim(session, "qwen3", as_of=AsOf.parse("2026-11"), now=NOW,
                                 by="editor", text="Qwen3 (April 2025)")
    _sync(store, [replace(fact, text="Qwen3 (April 2025)", as_of=AsOf.parse("2026-11"))])
    with store.session() as session:
        [claim] = [c for c in claim_store.active_claims(session) if c.id == "qwen3"]
    assert claim.released == AsOf.parse("2025-04")
