"""The command line: help everywhere, exit codes, and the editor's review loop."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from sources.replay import save_exchange
from sources.response import HttpResponse
from tests.conftest import CONFIG, write_config


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):  # the top-level group loads commands lazily
        command = group.get_command(context, name)
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


ALL_COMMANDS = list(_commands(cli))


def run(*args: str, config: Path | None = None, env: dict | None = None):
    argv = (["--config", str(config)] if config else []) + list(args)
    return CliRunner().invoke(
        cli, argv, env={"CLAIMWATCH_USER": "tester", **(env or {})}, catch_exceptions=False
    )


@pytest.mark.parametrize("path", [p for p, _ in ALL_COMMANDS], ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    command = dict(ALL_COMMANDS)[path]
    assert command.help and len(command.help.strip()) > 15, f"{path} needs a help text"
    assert "Usage:" in result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [
        " ".join(p)
        for p, c in ALL_COMMANDS
        if not isinstance(c, click.Group) and f"claimwatch {' '.join(p)}" not in readme
    ]
    assert missing == []


def test_top_level_help_documents_exit_codes() -> None:
    output = run("--help").output
    for code in ("0", "1", "2", "3"):
        assert f"  {code}  " in output


def test_init_then_config_check(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    checked = run("config", "check", config=tmp_path / "new" / "claimwatch.toml")
    assert checked.exit_code == 0 and "ok — 2 sources, 1 claims" in checked.output
    again = run("init", str(tmp_path / "new"))
    assert again.exit_code == 2 and "already exist" in again.output


def test_config_check_lists_three_mistakes_and_exits_2(tmp_path: Path) -> None:
    bad = CONFIG.replace('region = "china"\nauthor', 'region = "moon"\nauthor')
    bad = bad.replace('interval = "12h"', 'interval = "soon"')
    bad += '[[source]]\nid = "x"\nkind = "rss"\nlab = "L"\nregion = "us"\n'
    path = write_config(tmp_path, bad)
    result = run("config", "check", config=path)
    assert result.exit_code == 2
    assert "3 mistakes found" in result.output
    assert "[[source]] #1 (id 'hf-qwen')" in result.output and "region" in result.output
    assert "[[source]] #2 (id 'blog-qwen')" in result.output and "'soon'" in result.output
    assert (
        "[[source]] #3 (id 'x')" in result.output and "unknown source kind 'rss'" in result.output
    )
    assert str(path) in result.output


def test_bad_claims_file_stops_before_the_store_changes(config_path: Path) -> None:
    assert run("claims", "load", config=config_path).exit_code == 0
    claims_file = config_path.parent / "claims.toml"
    claims_file.write_text(claims_file.read_text().replace('"2026-04"', '"someday"'))
    result = run("claims", "load", config=config_path)
    assert result.exit_code == 2 and "'someday' is not a date" in result.output
    listed = run("claims", "list", "--json", config=config_path)
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert {r["id"]: r["as_of"] for r in rows} == {"qwen3-release": "2026-04", "cac-rules": "2023"}


def test_claims_load_twice_and_list_and_show(config_path: Path) -> None:
    first = run("claims", "load", config=config_path)
    assert "2 new" in first.output
    second = run("claims", "load", config=config_path)
    assert "0 new, 0 updated, 0 retired, 0 restored, 2 unchanged" in second.output
    shown = run("claims", "show", "qwen3-release", config=config_path)
    assert "as of:    2026-04" in shown.output and "created" in shown.output
    assert run("claims", "show", "nope", config=config_path).exit_code == 2


def test_missing_config_is_exit_2_with_a_hint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["claims", "list"], env={"CLAIMWATCH_CONFIG": ""})
    assert result.exit_code == 2 and "claimwatch init" in result.output


def _snapshot(folder: Path) -> Path:
    """A hand-written replay snapshot: the Qwen hub listing and blog feed."""
    listing = [
        {
            "id": "Qwen/Qwen3-8B",
            "createdAt": "2025-04-28T15:00:00.000Z",
            "lastModified": "2025-07-26T03:00:00.000Z",
            "tags": ["license:apache-2.0"],
            "pipeline_tag": "text-generation",
            "downloads": 5,
        },
        {
            "id": "Qwen/Qwen3-30B-A3B",
            "createdAt": "2025-04-29T01:00:00.000Z",
            "tags": ["license:apache-2.0"],
            "downloads": 7,
        },
    ]
    save_exchange(
        folder,
        "https://huggingface.co/api/models?author=Qwen&sort=createdAt"
        "&direction=-1&limit=100&full=true",
        HttpResponse(
            "https://huggingface.co/api/models",
            200,
            {"content-type": "application/json", "etag": '"v1"'},
            json.dumps(listing).encode(),
        ),
    )
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Qwen</title>'
        b"<item><title>Qwen3: Think Deeper, Act Faster</title>"
        b"<link>https://qwenlm.github.io/blog/qwen3/</link>"
        b"<pubDate>Tue, 29 Apr 2025 04:00:00 +0800</pubDate></item></channel></rss>"
    )
    save_exchange(
        folder,
        "https://qwenlm.github.io/blog/index.xml",
        HttpResponse(
            "https://qwenlm.github.io/blog/index.xml",
            200,
            {"content-type": "application/rss+xml"},
            feed,
        ),
    )
    return folder


def test_check_flags_dismiss_and_quiet_cron_loop(config_path: Path, tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "snap")
    first = run("check", "--all", "--replay", str(snapshot), config=config_path)
    assert first.exit_code == 1, first.output
    assert "NEW #" in first.output and "CONTRADICTED qwen3-release" in first.output
    assert "2025-04" in first.output  # the evidence's date is in the reason

    again = run("check", "--all", "--quiet", "--replay", str(snapshot), config=config_path)
    assert again.exit_code == 0 and again.output == ""  # cron mails nothing

    flags = [
        json.loads(line)
        for line in run(
            "flags", "list", "--status", "open", "--json", config=config_path
        ).output.splitlines()
    ]
    released = next(f for f in flags if f["rule"] == "released")
    shown = run("flags", "show", str(released["id"]), config=config_path)
    assert "Qwen/Qwen3-8B" in shown.output and "opened by tester" in shown.output
    dismissed = run("flags", "dismiss", str(released["id"]), "--reason", "test", config=config_path)
    assert dismissed.exit_code == 0 and "dismissed" in dismissed.output
    third = run("check", "--all", "--quiet", "--replay", str(snapshot), config=config_path)
    assert third.exit_code == 0 and third.output == ""
    assert run("flags", "ack", str(released["id"]), config=config_path).exit_code == 2


def test_check_json_and_verify(config_path: Path, tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "snap")
    result = run("check", "--all", "--json", "--replay", str(snapshot), config=config_path)
    report = json.loads(result.stdout)
    assert {s["source_id"]: s["category"] for s in report["sources"]} == {
        "hf-qwen": "ok",
        "blog-qwen": "ok",
    }
    assert any(f["claim_id"] == "qwen3-release" for f in report["new_flags"])
    verified = run(
        "claims",
        "verify",
        "qwen3-release",
        "--as-of",
        "2026-11",
        "--text",
        "Qwen3 came out under Apache 2.0 in April 2025.",
        config=config_path,
    )
    assert verified.exit_code == 0 and "flag(s) resolved" in verified.output
    open_flags = run(
        "flags", "list", "--status", "open", "--claim", "qwen3-release", config=config_path
    )
    assert open_flags.output.strip() == "no flags with status open"


def test_every_source_failing_is_exit_3(config_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("check", "--all", "--replay", str(empty), config=config_path)
    assert result.exit_code == 3
    assert "not in the snapshot" in result.output


def test_a_busy_store_is_exit_3(config_path: Path) -> None:
    from monitor.config import load_config
    from storage.db import open_store
    from storage.lock import lease

    store = open_store(load_config(config_path).store_url)
    with lease(store, holder="cron-elsewhere", wait=0):
        result = run("check", "--wait", "0.2", config=config_path)
    store.close()
    assert result.exit_code == 3 and "another claimwatch is working" in result.output


def test_claims_import_writes_a_loadable_draft(tmp_path: Path) -> None:
    page = Path(__file__).resolve().parents[1] / "data" / "pages" / "ev-makers.md"
    out = tmp_path / "draft.toml"
    result = run("claims", "import", str(page), "-o", str(out), "--page-date", "2026-05")
    assert result.exit_code == 0, result.output
    from monitor.claimsfile import load_claims

    drafts = load_claims([out])
    assert len(drafts) >= 5 and all(c.page == "ev-makers" for c in drafts)
    assert run("claims", "import", str(page), "-o", str(out)).exit_code == 2  # no overwrite


def test_claims_import_of_a_page_with_nothing_checkable_writes_nothing(tmp_path: Path) -> None:
    page = tmp_path / "prose.md"
    page.write_text("# Notes\n\nSome thoughts on the weather.\n", encoding="utf-8")
    out = tmp_path / "draft.toml"
    result = run("claims", "import", str(page), "-o", str(out))
    assert result.exit_code == 2 and "no dated or checkable statement" in result.output
    assert not out.exists()
