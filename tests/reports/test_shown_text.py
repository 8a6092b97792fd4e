"""Text that is shown: bidirectional controls neutralised, titles capped (issue 14,
item 13). A feed title with U+202E (right-to-left override) would otherwise reorder
what an editor reads ("gpj.exe" shown as "exe.jpg"); a 5,000-character title would
fill the email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reports.model import Alert, AttentionItem, Digest, EvidenceLink, ReleaseRow
from reports.render import render_alert, render_digest
from reports.text import BIDI_CONTROLS, TITLE_CHARS, shown, shown_title

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
RLO = "\u202e"
SPOOF = f"Qwen4 {RLO}gpj.exe release"
LONG = "Qwen " + "x" * 5000


def _item() -> AttentionItem:
    return AttentionItem(
        flag_id=1, claim_id="c", claim_text=f"Claim {RLO}txet", section=f"S{RLO}",
        status="contradicted", rule="released", reason=f"Reason {RLO}", suggestion="",
        evidence=[EvidenceLink(SPOOF, "https://example.org/a", NOW, "hf-qwen"),
                  EvidenceLink(LONG, "https://example.org/b", NOW, "hf-qwen")],
        opened_at=NOW - timedelta(days=1))


def _digest() -> Digest:
    releases = [ReleaseRow("china", f"Lab{RLO}", SPOOF, "model", NOW, None, None),
                ReleaseRow("china", "Lab", LONG, "model", NOW, None, None)]
    return Digest.for_week("2026-W48", NOW, attention=[_item()], releases=releases,
                           due_soon=[], sources=[])


RENDERED = {
    "digest html": lambda: render_digest(_digest()).html,
    "digest text": lambda: render_digest(_digest()).text,
    "alert html": lambda: render_alert(Alert(NOW, [_item()])).html,
    "alert text": lambda: render_alert(Alert(NOW, [_item()])).text,
}


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_no_bidi_control_reaches_a_report(name: str) -> None:
    out = RENDERED[name]()
    assert not set(out) & BIDI_CONTROLS, name
    assert "gpj.exe" in out  # the text itself is kept, in its stored order


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_a_huge_title_is_cut_in_reports(name: str) -> None:
    out = RENDERED[name]()
    assert "x" * 5000 not in out
    assert "x" * (TITLE_CHARS - 10) + "…" in out  # cut, and it says so


def test_shown_removes_every_bidi_control() -> None:
    hostile = "".join(sorted(BIDI_CONTROLS)) + "plain"
    assert shown(hostile) == "plain"
    assert shown(None) == "" and shown("naïve – 通义千问") == "naïve – 通义千问"


def test_shown_title_caps_at_the_limit_and_says_so() -> None:
    assert shown_title("a" * TITLE_CHARS) == "a" * TITLE_CHARS
    cut = shown_title("a" * (TITLE_CHARS + 1))
    assert len(cut) == TITLE_CHARS and cut.endswith("…")


def test_the_store_keeps_the_whole_title(store) -> None:
    from sources.finding import Finding
    from storage import findings as finding_store
    from storage.models import FindingRow, SourceRow

    with store.session() as session:
        session.add(SourceRow(id="s", kind="feed", lab="L", region="us", interval_seconds=60,
                              params={}, active=True))
        session.flush()
        finding_store.upsert_findings(session.connection(), "s",
                                      [Finding(key="k", title=LONG + RLO, kind="post")], now=NOW)
    with store.session() as session:
        assert session.get(FindingRow, 1).title == LONG + RLO
