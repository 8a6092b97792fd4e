"""One card per claim: digest, alert, dashboard, page notes and ``flags list --by-claim``.

The store is ``tests/reports/cardworld.py``: claims with several open causes, claims
stale only by age, claims never judged, an acknowledged, a snoozed and a retired flag.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from reports import gather
from reports.dashboard import build_dashboard, collect, render_index
from reports.model import (
    ATTENTION_STATUSES,
    CLAIM_STATUSES,
    STATUS_WORDS,
    AttentionItem,
    ClaimTally,
    claim_cards,
)
from reports.render import render_alert, render_digest
from storage import flags as flag_store
from storage import history
from storage.db import Store
from storage.models import ClaimRow, FlagRow
from tests.reports import cardworld
from tests.reports.cardworld import MONDAY, NOW, WEEK

TAG = re.compile(r"<[^>]+>")
# what the fixture's table says each claim should show as
EXPECTED_STATUS = {
    "qwen3-release": "contradicted", "us-frontier": "stale", "robotaxi-fleet": "stale",
    "us-federal-law": "stale", "open-cost": "review", "kimi-k3": "unchecked",
    "deepseek-price": "unchecked", "heygen-volume": "fresh", "glm-release": "fresh",
}


@pytest.fixture
def world(store: Store) -> tuple[Store, dict[tuple[str, str], int]]:
    return store, cardworld.fill(store)


def digest_of(store: Store):
    window = gather.Window(MONDAY, MONDAY + timedelta(days=7))
    with store.session() as session:
        return gather.build_digest(session, WEEK, first_day=MONDAY.date(),
                                   last_day=MONDAY.date() + timedelta(days=6),
                                   window=window, now=NOW)


def plain(page: str) -> str:
    """An HTML page's text on one line, entities decoded."""
    return " ".join(html.unescape(TAG.sub(" ", page)).split())


def one_line(text: str) -> str:
    return " ".join(text.split())


def summary_line(text: str) -> str:
    return " ".join(re.search(r"Claims: [^.]*\.", " ".join(text.split()))[0].split())


# --- the model ------------------------------------------------------------------------

def item(claim_id: str, status: str, rule: str, flag_id: int, days_open: int = 1,
         due: date | None = None) -> AttentionItem:
    return AttentionItem(flag_id=flag_id, claim_id=claim_id, claim_text=f"text {claim_id}",
                         section="s", status=status, rule=rule, reason=f"why {flag_id}",
                         suggestion="", evidence=[], opened_at=NOW - timedelta(days=days_open),
                         review_due=due)


def test_cards_group_causes_worst_first_and_order_claims_by_their_worst_cause() -> None:
    cards = claim_cards([
        item("a", "review", "mention", 1, days_open=9),
        item("b", "stale", "superseded", 2),
        item("a", "contradicted", "released", 3),
        item("b", "review", "baseline", 4, days_open=30),
        item("c", "stale", "age", 5, due=date(2026, 5, 1)),
        item("a", "stale", "age", 6),
    ])
    assert [(c.claim_id, c.status, [x.flag_id for x in c.causes]) for c in cards] == [
        ("a", "contradicted", [3, 6, 1]), ("b", "stale", [2, 4]), ("c", "stale", [5])]
    assert [c.age_only for c in cards] == [False, False, True]
    assert cards[2].review_due == date(2026, 5, 1)


def test_the_tally_counts_claims_and_says_how_many_flags_they_carry() -> None:
    tally = ClaimTally.of(["stale", "contradicted", "stale", "fresh", "unchecked"], 7)
    assert tally.line() == "1 contradicted, 2 stale, 0 to review, 1 unchecked, 1 fresh"
    assert tally.line(ATTENTION_STATUSES) == "1 contradicted, 2 stale, 0 to review"
    assert tally.flags_line == "7 open flags on 3 claims"
    assert ClaimTally.of(["review"], 1).flags_line == "1 open flag on 1 claim"


def test_reports_and_the_store_agree_on_the_statuses_a_claim_can_have() -> None:
    assert CLAIM_STATUSES == history.CLAIM_STATUSES
    assert ATTENTION_STATUSES == history.SEVERITY
    assert set(STATUS_WORDS) == set(CLAIM_STATUSES)


# --- the digest ----------------------------------------------------------------------

def test_the_digest_shows_each_claim_once_with_all_its_causes(world) -> None:
    store, flags = world
    report = render_digest(digest_of(store))

    for body in (one_line(report.text), plain(report.html)):
        for claim_id in ("qwen3-release", "us-frontier", "open-cost", "robotaxi-fleet",
                         "us-federal-law"):
            assert len(re.findall(rf"\b{claim_id}\b", body)) == 1, claim_id
        for claim_id in ("heygen-volume", "glm-release", "kimi-k3", "deepseek-price", "gone"):
            assert claim_id not in body
        # the qwen3 card: contradicted first, then the review, both reasons and links
        card = body[body.index("qwen3-release"):body.index("us-frontier")]
        assert card.index("first published Qwen3 repos") < card.index('"Qwen3.5" appeared')
        assert f"flag #{flags[('qwen3-release', 'released')]}" in card
        assert f"flag #{flags[('qwen3-release', 'mention')]}" in card
        assert "Qwen3 (released April 2025 under Apache 2.0)" in card  # the suggestion
        assert "Qwen3: Think Deeper, Act Faster" in card  # the evidence
        assert "2 causes" in card
        # us-frontier is stale by age too, but a source also overtook it: a card
        frontier = body[body.index("us-frontier"):]
        assert frontier.index("GPT-4o has been followed by GPT-5") < frontier.index(
            "review fell due on 2025-05-30")


def test_claims_stale_only_by_age_are_a_compact_list_after_the_cards(world) -> None:
    store, flags = world
    digest = digest_of(store)
    assert [c.claim_id for c in digest.age_only] == ["robotaxi-fleet", "us-federal-law"]
    text = render_digest(digest).text
    listed = text[text.index("Stale by age only (2)"):text.index("NEW RELEASES")]
    assert text.index("To review (1)") < text.index("Stale by age only (2)")
    assert ('  * robotaxi-fleet: "1,000+ robotaxis operating in China as of 2025"\n'
            f"    due since 2026-06-29; watches feed-av; flag #{flags[('robotaxi-fleet', 'age')]}"
            ) in listed
    assert "us-federal-law" in listed and "due since 2026-08-29; watches all sources" in listed
    assert "Why:" not in listed  # a line, not a card
    assert "https://huggingface.co/Qwen/Qwen3-8B" in text
    html = plain(render_digest(digest).html)
    assert "Stale by age only (2)" in html and "2026-06-29 feed-av" in html


def test_the_digest_counts_claims_by_their_worst_cause(world) -> None:
    store, _ = world
    digest = digest_of(store)
    assert digest.tally.counts == {status: list(EXPECTED_STATUS.values()).count(status)
                                   for status in CLAIM_STATUSES}
    assert digest.tally.open_flags == 7 and digest.tally.flagged_claims == 5
    report = render_digest(digest)
    assert report.subject.startswith(f"claimwatch {WEEK}: 1 contradicted, 3 stale,")
    expected = ("Claims: 1 contradicted, 3 stale, 1 to review, 2 unchecked, 2 fresh; "
                "7 open flags on 5 claims.")
    assert summary_line(report.text) == expected
    assert summary_line(plain(report.html)) == expected


def test_the_digest_and_the_dashboard_count_the_same_claims_in_the_same_words(
    world, tmp_path: Path
) -> None:
    store, _ = world
    digest = digest_of(store)
    dashboard = collect(store, NOW)

    assert digest.tally == dashboard.tally
    assert {c.id: c.status for c in dashboard.claims} == EXPECTED_STATUS
    index = plain(render_index(dashboard))
    assert summary_line(index) == summary_line(render_digest(digest).text)
    written = build_dashboard(store, tmp_path / "site", now=NOW, page=None)
    assert written.tally == digest.tally
    # each count box: the number and the same word
    boxes = re.findall(r'<li class="status-(\w+)"><span class="n">(\d+)</span>([\w ]+)</li>',
                       render_index(dashboard))
    assert [(s, int(n), w) for s, n, w in boxes] == [
        (s, digest.tally.counts[s], STATUS_WORDS[s]) for s in CLAIM_STATUSES]


# --- unchecked -----------------------------------------------------------------------

def test_a_claim_never_judged_is_unchecked_until_a_check_judges_it(world) -> None:
    store, _ = world
    views = {c.id: c for c in collect(store, NOW).claims}
    assert views["kimi-k3"].status == "unchecked"  # added after the check
    assert views["deepseek-price"].status == "unchecked"  # edited after the check
    assert views["glm-release"].status == "fresh"
    assert "Not judged yet" in views["kimi-k3"].reason
    index = render_index(collect(store, NOW))
    article = re.search(r'<article class="claim status-unchecked" id="claim-kimi-k3">', index)
    assert article and '<h2 id="unchecked">Unchecked (2)</h2>' in index

    with store.session() as session:  # the next check judges every active claim
        flag_store.reconcile(session, [], ["kimi-k3", "deepseek-price"], now=NOW)
    views = {c.id: c for c in collect(store, NOW).claims}
    assert views["kimi-k3"].status == views["deepseek-price"].status == "fresh"
    assert digest_of(store).tally.counts["unchecked"] == 0

    with store.session() as session:  # an edit after that makes it unchecked again
        session.get(ClaimRow, "kimi-k3").updated_at = NOW + timedelta(hours=1)
    assert {c.id: c.status for c in collect(store, NOW).claims}["kimi-k3"] == "unchecked"


def test_a_flagged_claim_keeps_its_flags_status_even_when_edited_since(world) -> None:
    store, _ = world
    with store.session() as session:
        session.get(ClaimRow, "open-cost").updated_at = NOW
    assert {c.id: c.status for c in collect(store, NOW).claims}["open-cost"] == "review"


# --- the dashboard -------------------------------------------------------------------

PAGE = """\
# China AI vs US AI

| Dimension | Today |
|---|---|
| Open models | Qwen3 (released April 2026 under Apache 2.0) |
| Frontier | US frontier models: GPT-4o, Claude 3.7, Gemini 2.0 |

Robotaxis: 1,000+ robotaxis operating in China as of 2025.
"""


def test_page_notes_show_every_open_cause_with_its_reason(world, tmp_path: Path) -> None:
    store, flags = world
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    build_dashboard(store, tmp_path / "site", now=NOW, page=page)
    html = (tmp_path / "site" / "page.html").read_text(encoding="utf-8")

    notes = html[html.index('<ol class="footnotes">'):html.index('<h3 id="not-found">')]
    qwen = notes[notes.index("<strong>qwen3-release</strong>"):notes.index('<li id="claim-2"')]
    assert "first published Qwen3 repos on 2025-04-28" in qwen
    assert "&#34;Qwen3.5&#34; appeared in a post" in qwen  # the second cause's reason
    assert f"flag #{flags[('qwen3-release', 'mention')]}" in qwen
    assert "https://qwenlm.github.io/blog/qwen3.5/" in qwen  # and its evidence
    frontier = notes[notes.index("<strong>us-frontier</strong>"):]
    assert "followed by GPT-5" in frontier and "review fell due on 2025-05-30" in frontier
    # a claim not found on the page lists every cause's reason as well
    missing = html[html.index('<h3 id="not-found">'):]
    assert "to review: The comparison&#39;s baseline GPT-4o" in missing
    # the highlight's tooltip names both causes too
    mark = re.search(r'<mark class="claim status-contradicted" title="([^"]*)"', html)[1]
    assert "contradicted: The claim dates Qwen3" in mark and "to review: The watched" in mark


def test_the_dashboard_lists_age_only_claims_in_a_table_not_as_cards(world) -> None:
    store, _ = world
    index = render_index(collect(store, NOW))
    assert '<article class="claim status-stale" id="claim-robotaxi-fleet">' not in index
    assert '<article class="claim status-stale" id="claim-us-frontier">' in index
    table = index[index.index('<h2 id="stale-by-age">'):]
    table = table[:table.index("</table>")]
    row = re.search(r'<tr id="claim-robotaxi-fleet">(.*?)</tr>', table, re.S)[1]
    assert "1,000+ robotaxis" in row and "2026-06-29" in row and "feed-av" in row
    assert 'id="claim-us-federal-law"' in table and "all sources" in table


# --- the alert -----------------------------------------------------------------------

def test_the_alert_shows_the_claim_once_with_all_causes_and_marks_the_new_one(world) -> None:
    store, flags = world
    with store.session() as session:
        new = [session.get(FlagRow, flags[("qwen3-release", "released")])]
        alert = gather.build_alert(session, new, now=NOW)
    assert [(c.claim_id, len(c.causes)) for c in alert.cards] == [("qwen3-release", 2)]
    assert alert.headline == "1 claim contradicted"
    text = render_alert(alert).text
    assert text.count("qwen3-release") == 1
    assert f"flag #{flags[('qwen3-release', 'released')]}, open since 2026-11-24, new" in text
    assert f"flag #{flags[('qwen3-release', 'mention')]}, open since 2026-11-24\n" in text
    html = plain(render_alert(alert).html)
    assert html.count("qwen3-release") == 1 and html.count("· new") == 1


def test_an_alert_whose_causes_are_all_new_marks_none() -> None:
    from reports.model import Alert

    alert = Alert(NOW, [item("a", "contradicted", "released", 1),
                        item("a", "review", "mention", 2)], frozenset({1, 2}))
    assert alert.new_marks is None and ", new" not in render_alert(alert).text


# --- flags list --by-claim -----------------------------------------------------------

def _cli(store: Store, tmp_path: Path, *args: str):
    config = tmp_path / "claimwatch.toml"
    config.write_text(f'[store]\nurl = {json.dumps(store.url)}\n', encoding="utf-8")
    (tmp_path / "claims.toml").write_text("", encoding="utf-8")
    return CliRunner().invoke(cli, ["--config", str(config), "flags", "list", *args],
                              catch_exceptions=False)


def test_flags_list_by_claim_prints_each_claim_once(world, tmp_path: Path) -> None:
    store, flags = world
    result = _cli(store, tmp_path, "--by-claim")
    assert result.exit_code == 0, result.output
    out = result.output
    for claim_id in ("qwen3-release", "us-frontier", "open-cost", "robotaxi-fleet",
                     "us-federal-law"):
        assert len(re.findall(rf"\b{claim_id}\b", out)) == 1, claim_id
    assert out.index("qwen3-release") < out.index("us-frontier") < out.index("open-cost")
    qwen = out[out.index("qwen3-release"):out.index("us-frontier")]
    released, mention = flags[("qwen3-release", "released")], flags[("qwen3-release", "mention")]
    assert qwen.index(f"#{released}") < qwen.index(f"#{mention}")
    assert "could read: Qwen3 (released April 2025 under Apache 2.0)" in qwen
    age = out[out.index("stale by age only (2)"):]
    assert "robotaxi-fleet  due since 2026-06-29  watches feed-av" in age
    assert out.rstrip().endswith(
        "Claims: 1 contradicted, 3 stale, 1 to review; 7 open flags on 5 claims.")


def test_flags_list_by_claim_as_json_and_for_one_claim(world, tmp_path: Path) -> None:
    store, flags = world
    lines = _cli(store, tmp_path, "--by-claim", "--json").output.splitlines()
    cards = [json.loads(line) for line in lines]
    assert [c["claim_id"] for c in cards] == [
        "qwen3-release", "us-frontier", "open-cost", "robotaxi-fleet", "us-federal-law"]
    assert [c["verdict"] for c in cards[0]["causes"]] == ["contradicted", "review"]
    assert cards[3]["age_only"] and cards[3]["review_due"] == "2026-06-29"
    assert not cards[1]["age_only"] and [c["rule"] for c in cards[1]["causes"]] == [
        "superseded", "age"]
    one = _cli(store, tmp_path, "--by-claim", "--claim", "us-frontier").output
    assert "us-frontier" in one and "qwen3-release" not in one
    assert one.rstrip().endswith("0 to review; 2 open flags on 1 claim.")
    refused = CliRunner().invoke(cli, ["--config", str(tmp_path / "claimwatch.toml"), "flags",
                                       "list", "--by-claim", "--verdict", "stale"])
    assert refused.exit_code == 2 and "--by-claim" in refused.output
