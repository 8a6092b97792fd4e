"""Claims follow their page: edits revise, removals retire, new statements ask to confirm."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.page.follow import Known, Seen, match_statements
from monitor.pipeline import sync_config
from storage import claims as claim_store
from storage import flags as flag_store
from storage.db import Store
from tests.conftest import CONFIG, write_config

NOW = datetime(2026, 6, 1, tzinfo=UTC)
PAGE = """\
# Models

Qwen3 leads Chinese open-weight models as of May 2026.

Llama 4 leads US open-weight models as of May 2026.

DeepSeek-V3 (December 2024) set records for an open model.

More than 1,000 robotaxis ran in China as of 2025.
"""


def _site(tmp_path: Path, page: str = PAGE, claims: str = "") -> Path:
    config = CONFIG + '\n[[page]]\nname = "models"\nsource = "page.md"\n'
    path = write_config(tmp_path, config, claims)
    (tmp_path / "page.md").write_text(page, encoding="utf-8")
    return path


def _sync(config_path: Path, store: Store):
    return sync_config(load_config(config_path), store, now=NOW, by="tester")


def _active(store: Store) -> dict[str, str]:
    with store.session() as session:
        return {row.id: row.text for row in claim_store.list_claims(session, status="active")
                if not row.id.startswith("page.")}


def _page_flags(store: Store) -> list[str]:
    with store.session() as session:
        return [f"{f.status}:{f.cause}" for f in flag_store.list_flags(session,
                                                                       claim_id="page.models")]


def test_a_followed_page_drafts_its_claims_then_asks_to_confirm_new_ones(tmp_path, store):
    config = _site(tmp_path)
    report = _sync(config, store)
    texts = sorted(_active(store).values())
    assert "Qwen3 leads Chinese open-weight models as of May 2026." in texts
    assert "DeepSeek-V3 (December 2024)" in texts
    assert len(report.created) == len(texts) + 1  # and the page's own claim
    assert _page_flags(store) == []  # the first reading is reviewed as a whole
    with store.session() as session:  # the page's own claim is never judged
        assert "page.models" not in {c.id for c in claim_store.active_claims(session)}
        own = claim_store.claims_by_id(session, ["page.models"])["page.models"]
        assert own.text == "Models"  # the title: the dashboard marks its flags there
    (tmp_path / "page.md").write_text(PAGE + "\nGemma 3 is Google's newest open model.\n")
    report = _sync(config, store)
    assert len(report.created) == 1
    assert _page_flags(store) == [f"open:new:{report.created[0]}"]
    with store.session() as session:
        (flag,) = flag_store.list_flags(session, claim_id="page.models")
        flag_store.acknowledge(session, flag.id, now=NOW, by="editor")
    _sync(config, store)
    assert _page_flags(store) == [f"resolved:new:{report.created[0]}"]  # confirmed


def test_an_edited_statement_revises_its_claim_keeping_its_id(tmp_path, store):
    config = _site(tmp_path)
    _sync(config, store)
    before = {text: claim_id for claim_id, text in _active(store).items()}
    qwen_id = before["Qwen3 leads Chinese open-weight models as of May 2026."]
    (tmp_path / "page.md").write_text(PAGE.replace("Qwen3 leads Chinese open-weight models "
                                                   "as of May 2026", "Qwen3.5 leads Chinese "
                                                   "open-weight models as of November 2026"))
    report = _sync(config, store)
    assert report.updated == [qwen_id]
    with store.session() as session:
        row = claim_store.claims_by_id(session, [qwen_id])[qwen_id]
        assert (row.as_of, row.expectations["latest"]) == ("2026-11", ["Qwen3.5"])
    assert report.retired == [] and report.created == []


def test_a_removed_statement_retires_its_claim_and_resolves_its_flags(tmp_path, store):
    config = _site(tmp_path)
    _sync(config, store)
    robotaxi = next(i for i, t in _active(store).items() if "robotaxis" in t)
    with store.session() as session:
        from rules.verdict import Status, Verdict
        flag_store.reconcile(session, [Verdict(robotaxi, "age", Status.STALE, "age:x", "old")],
                             [robotaxi], now=NOW)
    (tmp_path / "page.md").write_text(PAGE.replace(
        "More than 1,000 robotaxis ran in China as of 2025.\n", ""))
    report = _sync(config, store)
    assert report.retired == [robotaxi]
    with store.session() as session:
        (flag,) = flag_store.list_flags(session, claim_id=robotaxi)
        assert flag.status == "resolved"
        assert flag.events[-1].note == "removed from the page"


def test_a_page_that_lost_more_than_half_retires_nothing_until_confirmed(tmp_path, store):
    config = _site(tmp_path)
    _sync(config, store)
    count = len(_active(store))
    (tmp_path / "page.md").write_text("# Models\n\nQwen3 leads Chinese open-weight models as "
                                      "of May 2026.\n")
    report = _sync(config, store)
    assert report.retired == [] and len(_active(store)) == count
    lost = [line for line in _page_flags(store) if line.startswith("open:lost:")]
    assert len(lost) == 1
    with store.session() as session:
        flag = next(f for f in flag_store.list_flags(session, claim_id="page.models")
                    if f.cause.startswith("lost:"))
        flag_store.acknowledge(session, flag.id, now=NOW, by="editor")
    report = _sync(config, store)
    assert len(report.retired) == count - 1
    assert not [line for line in _page_flags(store) if line.startswith(("open:lost:",
                                                                         "acknowledged:lost"))]


def test_an_unreadable_page_keeps_its_claims_and_says_why(tmp_path, store):
    config = _site(tmp_path)
    _sync(config, store)
    count = len(_active(store))
    (tmp_path / "page.md").write_text("<!doctype html><html><body>oops</body></html>")
    report = _sync(config, store)
    assert report.retired == [] and len(_active(store)) == count
    assert "open:unreadable" in _page_flags(store)
    assert any("HTML" in line for line in report.pages)


def test_a_claims_file_entry_pins_expectations_while_the_page_gives_the_text(tmp_path, store):
    pinned = """\
[[claim]]
id = "qwen-lead"
page = "models"
text = "Qwen3 leads Chinese open-weight models as of May 2026."
as_of = "2026-05"
review_every = "30d"
latest = ["Qwen3"]
keywords = ["Qwen4"]
"""
    config = _site(tmp_path, PAGE.replace("May 2026.\n\nLlama", "May 2026. <!-- claim: "
                                          "qwen-lead -->\n\nLlama"), pinned)
    _sync(config, store)
    page = (tmp_path / "page.md").read_text()
    (tmp_path / "page.md").write_text(page.replace("Qwen3 leads Chinese open-weight models as "
                                                   "of May 2026", "Qwen3.5 is now ahead, as of "
                                                   "July 2026"))
    _sync(config, store)
    with store.session() as session:
        row = claim_store.claims_by_id(session, ["qwen-lead"])["qwen-lead"]
        assert row.text == "Qwen3.5 is now ahead, as of July 2026."
        assert (row.as_of, row.review_every, row.expectations["keywords"]) == (
            "2026-07", "30d", ["Qwen4"])


@pytest.mark.parametrize(
    ("seen", "known", "matched", "new", "removed"),
    [
        ([Seen("Qwen3 leads as of May 2026.")], [Known("a", "Qwen3 leads as of May 2026.")],
         {0: "a"}, [], []),
        ([Seen("Qwen3.5 leads as of July 2026.")], [Known("a", "Qwen3 leads as of May 2026.")],
         {0: "a"}, [], []),
        ([Seen("Something else entirely about robotaxis.")],
         [Known("a", "Qwen3 leads as of May 2026.")], {}, [0], ["a"]),
        ([Seen("Totally rewritten.", "a")], [Known("a", "Qwen3 leads as of May 2026.")],
         {0: "a"}, [], []),
    ],
)
def test_statements_match_by_id_then_text_then_similarity(seen, known, matched, new, removed):
    result = match_statements(seen, known)
    assert (result.matched, result.new, result.removed) == (matched, new, removed)


def test_several_pages_are_followed_each_with_its_own_claims(tmp_path, store):
    config = CONFIG + ('\n[[page]]\nname = "models"\nsource = "page.md"\n'
                       '\n[[page]]\nname = "rules"\nsource = "rules.md"\n')
    path = write_config(tmp_path, config, "")
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "rules.md").write_text("The EU AI Act entered into force in August 2024.\n",
                                       encoding="utf-8")
    _sync(path, store)
    with store.session() as session:
        rules = claim_store.list_claims(session, status="active", page="rules")
        models = claim_store.list_claims(session, status="active", page="models")
    assert [row.text for row in rules if row.id != "page.rules"] == [
        "The EU AI Act entered into force in August 2024."]
    assert len(models) > 3
    (tmp_path / "rules.md").write_text("The EU AI Act entered into force in August 2024.\n\n"
                                       "Its bans apply from February 2025.\n", encoding="utf-8")
    report = _sync(path, store)
    assert len(report.created) == 1 and report.retired == [] and report.updated == []


def test_a_statement_moved_to_another_section_keeps_its_claim(tmp_path, store):
    config = _site(tmp_path)
    _sync(config, store)
    before = dict(_active(store))
    moved = PAGE.replace("Llama 4 leads US open-weight models as of May 2026.\n\n", "") + (
        "\n## Elsewhere\n\nLlama 4 leads US open-weight models as of May 2026.\n")
    (tmp_path / "page.md").write_text(moved, encoding="utf-8")
    report = _sync(config, store)
    assert dict(_active(store)) == before
    assert report.created == [] and report.retired == []
    (llama,) = [i for i, t in before.items() if t.startswith("Llama 4")]
    with store.session() as session:
        assert claim_store.claims_by_id(session, [llama])[llama].section == "Elsewhere"


def test_a_page_at_a_url_is_read_and_a_failing_url_keeps_the_claims(tmp_path, store):
    import http.server
    import threading

    answers = {"/page.md": (200, "text/markdown", PAGE), "/html": (200, "text/html", "<p>x")}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            status, kind, body = answers.get(self.path, (404, "text/plain", "gone"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        config_text = CONFIG + f'\n[[page]]\nname = "models"\nsource = "{base}/page.md"\n'
        path = write_config(tmp_path, config_text, "")
        _sync(path, store)
        count = len(_active(store))
        assert count > 3
        answers["/page.md"] = (500, "text/plain", "down")
        report = _sync(path, store)
        assert report.retired == [] and len(_active(store)) == count
        assert any("answered 500" in line for line in report.pages)
        answers["/page.md"] = answers["/html"]
        report = _sync(path, store)
        assert report.retired == [] and any("HTML" in line for line in report.pages)
    finally:
        server.shutdown()


def test_following_the_example_page_keeps_every_hand_written_claim(tmp_path, store):
    example = Path(__file__).resolve().parents[2] / "examples" / "china-us-ai"
    for name in ("claimwatch.toml", "claims.toml", "page.md"):
        (tmp_path / name).write_text((example / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    with (tmp_path / "claimwatch.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[page]]\nname = "china-us-ai"\nsource = "page.md"\n')
    hand = tomllib.loads((example / "claims.toml").read_text(encoding="utf-8"))["claim"]
    report = _sync(tmp_path / "claimwatch.toml", store)
    created = set(report.created)
    assert {claim["id"] for claim in hand} <= created  # none was taken for removed
    assert report.retired == [] and _page_flags(store) == []
    again = _sync(tmp_path / "claimwatch.toml", store)
    assert (again.created, again.updated, again.retired) == ([], [], [])


def test_the_pages_own_claim_counts_as_judged_by_following_the_page(tmp_path, store):
    from storage.history import judged

    _sync(_site(tmp_path), store)
    with store.session() as session:
        assert judged(claim_store.claims_by_id(session, ["page.models"])["page.models"])
