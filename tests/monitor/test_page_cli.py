"""From a page to a running monitor: `claims import`, `init --from-page`, `sources suggest`."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from reports.pagemark import ClaimMark, mark_page
from tests.conftest import use_test_store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "china-us-ai"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), env={"CLAIMWATCH_USER": "tester"},
                              catch_exceptions=False)


def test_config_check_accepts_the_imported_draft_unchanged(tmp_path: Path):
    for name in ("claimwatch.toml", "page.md"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    config = str(tmp_path / "claimwatch.toml")
    imported = run("--config", config, "claims", "import", str(tmp_path / "page.md"),
                   "-o", str(tmp_path / "claims.toml"), "--page", "china-us-ai")
    assert imported.exit_code == 0, imported.output
    checked = run("--config", config, "config", "check")
    assert checked.exit_code == 0, checked.output
    assert "ok" in checked.output


def test_init_from_page_then_an_offline_check_shows_flags(tmp_path: Path):
    site = tmp_path / "site"
    result = run("init", "--from-page", str(EXAMPLE / "page.md"), "--dir", str(site))
    assert result.exit_code == 0, result.output
    config = str(use_test_store(site / "claimwatch.toml"))
    assert run("--config", config, "config", "check").exit_code == 0
    checked = run("--config", config, "check", "--all", "--replay", str(EXAMPLE / "snapshot"),
                  "--no-alerts")
    assert checked.exit_code == 1, checked.output  # new flags
    assert "0 source(s) failed" in checked.output
    contradicted = run("--config", config, "flags", "list", "--verdict", "contradicted")
    assert "Qwen/Qwen3-72B" in contradicted.output  # the page names a model that never shipped


def test_the_editors_fix_on_the_page_resolves_the_flag_at_the_next_check(tmp_path: Path):
    shutil.copy(EXAMPLE / "page.md", tmp_path / "page.md")
    site = tmp_path / "site"
    run("init", "--from-page", str(tmp_path / "page.md"), "--dir", str(site))
    config = str(use_test_store(site / "claimwatch.toml"))
    replay = str(EXAMPLE / "snapshot")
    run("--config", config, "check", "--all", "--replay", replay, "--no-alerts")
    assert "Qwen/Qwen3-72B" in run("--config", config, "flags", "list", "--status",
                                   "open").output
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    (tmp_path / "page.md").write_text(page.replace("Qwen3-72B and", "Qwen3-32B and"),
                                      encoding="utf-8")
    run("--config", config, "check", "--all", "--replay", replay, "--no-alerts")
    still_open = run("--config", config, "flags", "list", "--status", "open").output
    assert "Qwen3-72B" not in still_open
    resolved = run("--config", config, "flags", "list", "--status", "resolved").output
    assert "Qwen/Qwen3-72B" in resolved


def test_init_from_page_without_follow_writes_every_draft(tmp_path: Path):
    result = run("init", "--from-page", str(EXAMPLE / "page.md"), "--dir", str(tmp_path),
                 "--no-follow")
    assert result.exit_code == 0
    assert (tmp_path / "claims.toml").read_text(encoding="utf-8").count("[[claim]]") >= 30
    assert "[[page]]" not in (tmp_path / "claimwatch.toml").read_text(encoding="utf-8")
    assert run("--config", str(tmp_path / "claimwatch.toml"), "config", "check").exit_code == 0


def test_init_from_page_never_overwrites(tmp_path: Path):
    (tmp_path / "claims.toml").write_text("keep me", encoding="utf-8")
    result = run("init", "--from-page", str(EXAMPLE / "page.md"), "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert (tmp_path / "claims.toml").read_text(encoding="utf-8") == "keep me"


def test_sources_suggest_prints_and_writes_what_the_config_lacks(tmp_path: Path):
    (tmp_path / "claims.toml").write_text("", encoding="utf-8")
    config = tmp_path / "claimwatch.toml"
    config.write_text('[claims]\nfiles = ["claims.toml"]\n', encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("Claude 3.7 is the newest Claude as of May 2026.\n", encoding="utf-8")
    printed = run("--config", str(config), "sources", "suggest", str(page))
    assert printed.exit_code == 0
    assert 'id = "news-anthropic"' in printed.output
    written = run("--config", str(config), "sources", "suggest", str(page), "--write")
    assert "added 1 source(s)" in written.output
    assert run("--config", str(config), "config", "check").exit_code == 0
    again = run("--config", str(config), "sources", "suggest", str(page))
    assert "already has every source" in again.output


def test_sources_suggest_reads_a_claims_file_too(tmp_path: Path):
    claims = tmp_path / "mine.toml"
    claims.write_text('[[claim]]\ntext = "Llama 4 leads US open models"\n', encoding="utf-8")
    result = run("--config", str(tmp_path / "none.toml"), "sources", "suggest", str(claims))
    assert 'id = "hf-meta-llama"' in result.output


def test_importing_html_or_binary_ends_in_a_message_not_a_traceback(tmp_path: Path):
    html = tmp_path / "page.md"
    html.write_text("<!doctype html><html><body>Qwen3</body></html>", encoding="utf-8")
    result = run("claims", "import", str(html))
    assert result.exit_code == 2 and "HTML document" in result.output
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    result = run("claims", "import", str(binary))
    assert result.exit_code == 2 and "not a UTF-8 text file" in result.output


def test_write_ids_marks_the_page_and_a_second_import_keeps_every_id(tmp_path: Path):
    page = tmp_path / "page.md"
    shutil.copy(EXAMPLE / "page.md", page)
    first = run("claims", "import", str(page), "--write-ids", "-o", str(tmp_path / "a.toml"))
    assert first.exit_code == 0
    marked = page.read_text(encoding="utf-8")
    ids = tomllib.loads((tmp_path / "a.toml").read_text(encoding="utf-8"))["claim"]
    assert marked.count("<!-- claim: ") == len(ids)
    rewritten = marked.replace("Qwen3-72B and the", "Qwen3-32B and the").replace(
        "The US stays ahead in closed frontier models", "The US keeps its lead in closed models")
    page.write_text(rewritten, encoding="utf-8")
    run("claims", "import", str(page), "-o", str(tmp_path / "b.toml"))
    again = tomllib.loads((tmp_path / "b.toml").read_text(encoding="utf-8"))["claim"]
    assert [c["id"] for c in again] == [c["id"] for c in ids]  # edited ones too
    marks = [ClaimMark(c["id"], c["text"], "fresh", "") for c in again]
    assert mark_page(rewritten, marks).missing == ()  # the comments never hide a claim
    assert "claim:" not in str(mark_page(rewritten, marks).html)


def test_check_prints_the_new_statement_the_page_gained(tmp_path: Path):
    shutil.copy(EXAMPLE / "page.md", tmp_path / "page.md")
    site = tmp_path / "site"
    run("init", "--from-page", str(tmp_path / "page.md"), "--dir", str(site))
    config = str(use_test_store(site / "claimwatch.toml"))
    replay = str(EXAMPLE / "snapshot")
    run("--config", config, "check", "--all", "--replay", replay, "--no-alerts")
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    added = "Gemma 3 is Google's newest open-weight model as of May 2026."
    (tmp_path / "page.md").write_text(page + f"\n{added}\n", encoding="utf-8")
    checked = run("--config", config, "check", "--all", "--replay", replay, "--no-alerts")
    assert checked.exit_code == 1, checked.output  # news: the page grew a statement
    assert "please confirm" in checked.output
    assert "Gemma 3" in checked.output
    again = run("--config", config, "check", "--all", "--replay", replay, "--no-alerts")
    assert "please confirm" not in again.output  # said once, like any flag
