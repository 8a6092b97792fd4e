"""Start-up: each command imports only what it uses, and the lazy command list stays true.

Every command runs in a fresh interpreter (as cron starts it) and reports the modules
it ended with. What may load where:
- ``--help`` and ``init``: click and the command list, nothing of the store, the
  sources or reports;
- commands that read the store (``status``, ``sources list``, ``flags list``, ``claims
  list``): SQLAlchemy and the config, but no renderer (Jinja2, markdown-it), no
  migrations (Alembic, Mako), no scheduler (APScheduler) and no HTTP client (httpx);
- ``check``: also httpx and the sources (feedparser only for an ill-formed feed), still
  no Alembic or APScheduler, and markdown-it only for a config with pages; ``reports.*``
  beyond ``reports.text``
  only when alerts are on (the pending-alert query lives in ``reports.gather``), and
  Jinja2 only when an alert is actually rendered. Pygments is not listed for ``check``:
  httpx's ``httpx._main`` tries it (and rich) at import when it is installed, as it is
  beside pytest.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import monitor
import storage.db
from monitor.cli import COMMANDS, cli
from sources.replay import save_exchange
from sources.response import HttpResponse
from storage.db import alembic_head_revision, head_revision
from tests.conftest import write_config

RENDERING = {"jinja2", "markdown_it"}
MIGRATING = {"alembic", "mako"}
SCHEDULING = {"apscheduler"}
HEAVY_FOR_HELP = RENDERING | MIGRATING | SCHEDULING | {
    "pygments", "sqlalchemy", "pydantic", "httpx", "feedparser", "fastfeedparser", "lxml",
    "storage", "sources", "rules", "reports",
}
FALLBACK_PARSERS = {"feedparser", "fastfeedparser"}  # only for ill-formed feeds
HEAVY_FOR_READING = RENDERING | MIGRATING | SCHEDULING | FALLBACK_PARSERS | {"httpx"}
HEAVY_FOR_CHECK = RENDERING | MIGRATING | SCHEDULING | FALLBACK_PARSERS

PROBE = """\
import json, sys
out = sys.argv.pop(1)
sys.argv[0] = "claimwatch"
from monitor.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as file:
    json.dump({"code": code, "modules": sorted(sys.modules)}, file)
"""

FEED_URL = "https://qwenlm.github.io/blog/index.xml"

CONFIG = f"""\
[schedule]
timezone = "Europe/London"

[claims]
files = ["claims.toml"]

[email]
smtp_host = "127.0.0.1"
from = "claimwatch@example.org"
alert_to = ["editors@example.org"]

[[source]]
id = "blog-qwen"
kind = "feed"
lab = "Alibaba Qwen"
region = "china"
url = "{FEED_URL}"
"""

QUIET_CLAIMS = """\
[[claim]]
id = "cac-rules"
page = "test-page"
section = "Policy"
text = "China's generative AI rules date from 2023."
subject = "CAC generative AI rules"
as_of = "2023"
review_every = "never"
"""

CONTRADICTED_CLAIMS = """\
[[claim]]
id = "qwen3-release"
page = "test-page"
section = "Models"
text = "Qwen3 came out in April 2026."
subject = "Qwen3"
as_of = "2026-04"
review_every = "never"
family = "Qwen3"
released = "2026-04"
watch = ["blog-qwen"]
"""


def loaded_by(tmp_path: Path, *args: str) -> set[str]:
    """The top-level packages and our modules a fresh ``claimwatch ARGS`` ended with."""
    out = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "CLAIMWATCH_USER": "tester", "CLAIMWATCH_CONFIG": ""},
    )
    assert out.exists(), done.stderr
    report = json.loads(out.read_text())
    assert report["code"] in (0, 1, None), done.stderr
    return {name.split(".")[0] for name in report["modules"]} | set(report["modules"])


def existing_store(tmp_path: Path, claims: str) -> Path:
    """A config whose store exists, as cron finds it (creating one runs the migrations)."""
    config = write_config(tmp_path / "site", CONFIG, claims)
    loaded = CliRunner().invoke(cli, ["--config", str(config), "claims", "load"])
    assert loaded.exit_code == 0, loaded.output
    return config


def snapshot(folder: Path) -> Path:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Qwen</title>'
        b"<item><title>Qwen3: Think Deeper, Act Faster</title>"
        b"<link>https://qwenlm.github.io/blog/qwen3/</link>"
        b"<pubDate>Tue, 29 Apr 2025 04:00:00 +0800</pubDate></item></channel></rss>"
    )
    response = HttpResponse(FEED_URL, 200, {"content-type": "application/rss+xml"}, feed)
    save_exchange(folder, FEED_URL, response)
    return folder


# --- the command list -------------------------------------------------------------


def _top_level_commands() -> dict[int, click.Command]:
    """Every command defined in monitor/cli_*.py that no group of ours holds."""
    found: dict[int, click.Command] = {}
    for info in pkgutil.iter_modules(monitor.__path__):
        if info.name.startswith("cli_"):
            module = importlib.import_module(f"monitor.{info.name}")
            found.update({id(v): v for v in vars(module).values()
                          if isinstance(v, click.Command)})
    held = {id(sub) for command in found.values() if isinstance(command, click.Group)
            for sub in command.commands.values()}
    return {key: command for key, command in found.items() if key not in held}


def test_command_list_names_every_command_with_its_own_summary() -> None:
    listed = {}
    for name, entry in COMMANDS.items():
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        assert command.name == name
        summary = click.Command(name, help=entry.summary).get_short_help_str(1000)
        assert summary == command.get_short_help_str(1000)
        listed[id(command)] = command
    assert set(listed) == set(_top_level_commands())


def test_help_lists_the_commands_as_an_eager_group_would() -> None:
    eager = click.Group(
        "claimwatch", params=cli.params, help=cli.help, epilog=cli.epilog,
        context_settings=cli.context_settings,
    )
    for name, entry in COMMANDS.items():
        eager.add_command(getattr(importlib.import_module(entry.module), entry.attribute), name)
    for width in (60, 80, 120):
        lazy_help = cli.make_context("claimwatch", [], max_content_width=width,
                                     terminal_width=width, resilient_parsing=True).get_help()
        eager_help = eager.make_context("claimwatch", [], max_content_width=width,
                                        terminal_width=width, resilient_parsing=True).get_help()
        assert lazy_help == eager_help


# --- what each command imports ------------------------------------------------------


@pytest.mark.parametrize("args", [("--help",), ("init", "{tmp}/new")], ids=" ".join)
def test_help_and_init_import_no_store_source_or_report(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    loaded = loaded_by(tmp_path, *(arg.format(tmp=tmp_path) for arg in args))
    assert "click" in loaded and "monitor.cli" in loaded
    assert loaded & HEAVY_FOR_HELP == set()


@pytest.mark.parametrize("args", [("status",), ("sources", "list"), ("flags", "list"),
                                  ("claims", "list")], ids=" ".join)
def test_reading_commands_import_no_renderer_migrator_scheduler_or_http(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    config = existing_store(tmp_path, QUIET_CLAIMS)
    loaded = loaded_by(tmp_path, "--config", str(config), *args)
    assert "sqlalchemy.orm" in loaded
    assert loaded & HEAVY_FOR_READING == set()


def test_check_without_alerts_imports_no_report(tmp_path: Path) -> None:
    config = existing_store(tmp_path, CONTRADICTED_CLAIMS)
    replay = snapshot(tmp_path / "snap")
    loaded = loaded_by(tmp_path, "--config", str(config), "check", "--all", "--no-alerts",
                       "--replay", str(replay))
    assert "httpx" in loaded and "storage.flags" in loaded
    # reports.text (terminal-safe titles) prints the report; nothing renders or mails
    assert loaded & (HEAVY_FOR_CHECK | {"reports.gather", "reports.render", "reports.mail"}) \
        == set()


def test_check_with_nothing_to_alert_renders_nothing(tmp_path: Path) -> None:
    config = existing_store(tmp_path, QUIET_CLAIMS)
    replay = snapshot(tmp_path / "snap")
    loaded = loaded_by(tmp_path, "--config", str(config), "check", "--all", "--replay",
                       str(replay), "--alerts-dry-run", str(tmp_path / "outbox"))
    assert "reports.gather" in loaded  # the pending alerts were looked for
    assert loaded & HEAVY_FOR_CHECK == set()
    assert not (tmp_path / "outbox").exists()


def test_check_that_renders_an_alert_loads_jinja2_then(tmp_path: Path) -> None:
    config = existing_store(tmp_path, CONTRADICTED_CLAIMS)
    replay = snapshot(tmp_path / "snap")
    loaded = loaded_by(tmp_path, "--config", str(config), "check", "--all", "--replay",
                       str(replay), "--alerts-dry-run", str(tmp_path / "outbox"))
    assert list((tmp_path / "outbox").glob("*.eml"))
    assert "jinja2" in loaded
    assert loaded & (MIGRATING | SCHEDULING) == set()


def test_head_revision_read_from_the_migration_files_is_alembics() -> None:
    assert head_revision() == alembic_head_revision()


def test_head_revision_leaves_an_unreadable_history_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, revision, down in (("a.py", "a", "None"), ("b.py", "b", '"a"'), ("c.py", "c", '"a"')):
        (versions / name).write_text(f'revision = "{revision}"\ndown_revision = {down}\n')
    monkeypatch.setattr(storage.db, "MIGRATIONS", tmp_path)
    monkeypatch.setattr(storage.db, "alembic_head_revision", lambda: "asked alembic")
    assert head_revision() == "asked alembic"  # two heads: b and c
    (versions / "c.py").write_text('revision = "c"\ndown_revision = "b"\n')
    assert head_revision() == "c"


# --- install: PostgreSQL's driver is an extra -------------------------------------


def test_a_postgresql_store_without_its_driver_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    config = write_config(tmp_path / "site", CONFIG.replace(
        "[schedule]", '[store]\nurl = "postgresql+psycopg://cw:secret@127.0.0.1:1/cw"\n\n[schedule]'
    ), QUIET_CLAIMS, test_store=False)
    result = CliRunner().invoke(cli, ["--config", str(config), "status"])
    assert result.exit_code == 3
    assert "pip install 'claimwatch[postgres]'" in result.output
    assert "secret" not in result.output


def test_the_driver_is_an_extra_and_the_licence_an_spdx_expression() -> None:
    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml")
                            .read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.startswith("psycopg")]
    assert any(d.startswith("psycopg[binary]")
               for d in project["optional-dependencies"]["postgres"])
    assert project["license"] == "MIT"
    for name in project["license-files"]:
        assert (Path(__file__).resolve().parents[2] / name).is_file()
