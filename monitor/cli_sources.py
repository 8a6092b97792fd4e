"""``claimwatch sources``: the configured sources, their health, and a dry fetch."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from monitor import exitcodes
from monitor.context import AppContext, fail, resolve_dir
from monitor.problems import ConfigError
from storage import sources as source_store


@click.group()
def sources() -> None:
    """The configured sources."""


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def list_sources(app: AppContext, as_json: bool) -> None:
    """Every source: status, last success, failures, next due."""
    config = app.config
    with app.store.session() as session:
        states = source_store.states(session)
    for source in config.sources:
        state = states.get(source.id)
        row = {
            "id": source.id,
            "kind": source.kind,
            "lab": source.lab,
            "region": source.region,
            "status": (state.last_category if state and state.last_category else "never polled"),
            "last_success": state.last_success.isoformat()
            if state and state.last_success
            else None,
            "failures": state.consecutive_failures if state else 0,
            "last_error": state.last_error if state else None,
            "next_due": state.next_due.isoformat() if state and state.next_due else None,
            "complete": bool(state.complete) if state else None,
            "warnings": list(state.warnings or []) if state else [],
        }
        if as_json:
            click.echo(json.dumps(row))
            continue
        click.echo(
            f"{source.id:<28} {source.kind:<12} {row['status']:<14} "
            f"ok {_when(state.last_success if state else None):<16} "
            f"fail {row['failures']:<3} next {_when(state.next_due if state else None)}"
        )
        if row["last_error"] and row["failures"]:
            click.echo(f"    {row['last_error']}")
        for warning in row["warnings"]:
            click.echo(f"    warning: {warning}")


@sources.command("test")
@click.argument("source_id")
@click.option(
    "--replay",
    type=click.Path(exists=True, file_okay=False),
    help="Answer from a recorded snapshot instead of the network.",
)
@click.option("--limit", default=20, show_default=True, help="Findings to print.")
@click.pass_obj
def test_source(app: AppContext, source_id: str, replay: str | None, limit: int) -> None:
    """Fetch one source once and print what it finds; the store is not touched."""
    from monitor.pipeline import fetch_settings  # httpx and the check: only to fetch
    from sources.http import Fetcher
    from sources.poll import SourceJob, poll_source
    from sources.registry import KINDS

    try:
        source = app.config.source(source_id)
    except KeyError as exc:
        raise fail(str(exc.args[0]), exitcodes.USAGE) from None

    async def once():
        async with Fetcher(fetch_settings(app.config), replay_dir=resolve_dir(replay)) as fetcher:
            return await poll_source(
                fetcher, SourceJob(source.id, KINDS[source.kind], source.params)
            )

    result = asyncio.run(once())
    click.echo(
        f"{source.id}: {result.category} — {len(result.findings)} findings, "
        f"{result.requests} request(s), {result.bytes_received} bytes"
        + (f"; {result.message}" if result.message else "")
    )
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
    for finding in result.findings[:limit]:
        when = finding.published or finding.updated
        click.echo(f"  {when:%Y-%m-%d}" if when else "  ????-??-??", nl=False)
        click.echo(f"  {finding.key}  {finding.title[:80]}")
    if result.category.is_failure:
        raise click.exceptions.Exit(exitcodes.FAILURE)


@sources.command("suggest")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--write", is_flag=True, help="Append the missing sources to the config file.")
@click.pass_obj
def suggest(app: AppContext, path: Path, write: bool) -> None:
    """Print the catalog sources a page (PAGE.md) or claims file (CLAIMS.toml) needs
    that the config lacks; --write appends them to the config."""
    # the catalog and the page reader: only for this command
    from monitor.catalog import shipped_catalog
    from monitor.cli_page import suggest_drafts
    from monitor.config import find_config, load_config
    from monitor.starter import needed_sources, render_sources

    config = None
    try:
        config = load_config(find_config(app.config_path))
    except ConfigError:
        if write:
            raise fail("--write needs a config; `claimwatch init` writes one",
                       exitcodes.USAGE) from None
    catalog = config.catalog if config else shipped_catalog()
    known = {source.id for source in config.sources} if config else set()
    entries = needed_sources(suggest_drafts(path, catalog), catalog, known)
    if not entries:
        click.echo("the config already has every source the claims need", err=True)
        return
    text = render_sources(entries)
    if not write:
        click.echo(text.lstrip("\n"), nl=False)
        return
    with config.path.open("a", encoding="utf-8") as handle:
        handle.write("\n# added by `claimwatch sources suggest --write`\n" + text)
    click.echo(f"added {len(entries)} source(s) to {config.path}: "
               + ", ".join(entry["id"] for entry in entries))
