"""``claimwatch fetch`` and ``claimwatch check``: the jobs cron runs."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor import exitcodes
from monitor.context import AppContext, actor, fail, is_terminal, resolve_dir, utcnow
from monitor.pipeline import (
    CheckReport,
    FetchReport,
    FlagNews,
    SourceOutcome,
    fetch_sources,
    finish_fetch,
    run_check,
    select_sources,
    sync_config,
)
from monitor.problems import ConfigError
from reports.text import shown, shown_title
from storage.lock import LockBusy, lease

if TYPE_CHECKING:
    from monitor.alerts import AlertOutcome

_REPLAY = click.option(
    "--replay",
    type=click.Path(exists=True, file_okay=False),
    help="Answer fetches from a recorded snapshot folder, not the network.",
)
_RECORD = click.option(
    "--record",
    type=click.Path(file_okay=False),
    help="Record every HTTP exchange into this folder.",
)
_WAIT = click.option(
    "--wait",
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another worker on the same store.",
)


def _progress(done: int, total: int, outcome: SourceOutcome) -> None:
    news = (
        f"{outcome.findings} findings, {outcome.new} new" if not outcome.failed else outcome.message
    )
    click.echo(f"[{done}/{total}] {outcome.source_id}: {outcome.category} — {news}", err=True)


def _failures(report: FetchReport) -> None:
    for outcome in report.sources:
        if outcome.failed:
            click.echo(
                f"source {outcome.source_id} failed ({outcome.category}): {outcome.message}",
                err=True,
            )


@click.command()
@click.option("--source", "only", multiple=True, metavar="ID", help="Poll only this source.")
@click.option("--all", "everything", is_flag=True, help="Poll every source, due or not.")
@_REPLAY
@_RECORD
@_WAIT
@click.pass_obj
def fetch(
    app: AppContext,
    only: tuple[str, ...],
    everything: bool,
    replay: str | None,
    record: str | None,
    wait: float,
) -> None:
    """Poll due sources and store their findings (no rules, no flags)."""
    config, store = app.config, app.store
    try:
        with lease(store, wait=wait):
            sync_config(config, store, now=utcnow(), by=actor())
            chosen = select_sources(config, store, now=utcnow(), everything=everything, only=only)
            report = fetch_sources(
                config,
                store,
                chosen,
                command="fetch",
                clock=utcnow,
                replay_dir=resolve_dir(replay),
                record_dir=resolve_dir(record),
                progress=_progress if is_terminal() else None,
            )
            finish_fetch(store, report, now=utcnow())
    except (ConfigError, KeyError) as exc:
        raise fail(
            str(exc) if isinstance(exc, ConfigError) else exc.args[0], exitcodes.USAGE
        ) from None
    except LockBusy as exc:
        raise fail(str(exc), exitcodes.FAILURE) from None
    _failures(report)
    if is_terminal() or not report.sources:
        click.echo(f"fetched {len(report.sources)} source(s): {report.new_findings} new findings")
    if report.all_failed:
        raise click.exceptions.Exit(exitcodes.FAILURE)


@click.command()
@click.option("--all", "everything", is_flag=True, help="Poll every source, due or not.")
@click.option("--source", "only", multiple=True, metavar="ID", help="Poll only this source.")
@_REPLAY
@_RECORD
@click.option("--quiet", "-q", is_flag=True, help="Print only new flags (for cron).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="Also list names the rules did not know.")
@click.option("--by", help="Who runs the check (default: $CLAIMWATCH_USER or login name).")
@click.option("--no-alerts", is_flag=True, help="Do not mail the alert for new flags.")
@click.option(
    "--alerts-dry-run",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write the alert email as an .eml file in DIR instead of sending it.",
)
@_WAIT
@click.pass_obj
def check(
    app: AppContext,
    everything: bool,
    only: tuple[str, ...],
    replay: str | None,
    record: str | None,
    quiet: bool,
    as_json: bool,
    verbose: bool,
    by: str | None,
    no_alerts: bool,
    alerts_dry_run: str | None,
    wait: float,
) -> None:
    """Fetch due sources, judge every claim, raise and clear flags, mail the alert.

    Flags whose verdict is in [email] alert_on go out as one alert email to alert_to
    (never twice; a failed send is retried by the next check and does not change the
    exit code). Exit 0 when nothing is new, 1 when new flags were raised, 3 when every
    source failed or the store is unusable or busy.
    """
    config, store = app.config, app.store
    try:
        with lease(store, wait=wait):
            report = run_check(
                config,
                store,
                everything=everything,
                only=only,
                replay_dir=resolve_dir(replay),
                record_dir=resolve_dir(record),
                progress=_progress if is_terminal() and not quiet else None,
                by=actor(by),
                clock=utcnow,
            )
            alert = None if no_alerts else _send_alerts(app, resolve_dir(alerts_dry_run))
    except ConfigError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
    except KeyError as exc:
        raise fail(exc.args[0], exitcodes.USAGE) from None
    except LockBusy as exc:
        raise fail(str(exc), exitcodes.FAILURE) from None
    if as_json:
        click.echo(json.dumps(_as_json(report), indent=2, default=str))
    else:
        _print_report(report, quiet=quiet, verbose=verbose)
    if alert is not None:
        _print_alert(alert, quiet=quiet or as_json)
    if report.all_failed:
        raise click.exceptions.Exit(exitcodes.FAILURE)
    if report.news:
        raise click.exceptions.Exit(exitcodes.NEWS)


def _send_alerts(app: AppContext, dry_run_dir: Path | None) -> AlertOutcome | None:
    """The alert mail; any trouble is reported, never raised: the check itself is done."""
    from monitor.alerts import send_alerts  # the reports package: only when alerts are on

    try:
        return send_alerts(app.config, app.store, now=utcnow(), dry_run_dir=dry_run_dir)
    except Exception as exc:  # noqa: BLE001 - a side job must not turn a check into a crash
        click.echo(f"claimwatch: alert not sent: {type(exc).__name__}: {exc}", err=True)
        return None


def _print_alert(alert: AlertOutcome, *, quiet: bool) -> None:
    if not alert.flag_ids:
        return
    if not quiet:
        for path in alert.eml:
            click.echo(f"alert for {len(alert.flag_ids)} flag(s) written to {path}")
        if alert.delivered:
            click.echo(f"alert for {len(alert.flag_ids)} flag(s) sent to "
                       f"{', '.join(alert.delivered)}")
    for warning in alert.warnings:
        click.echo(f"claimwatch: {warning}", err=True)
    for recipient, reason in alert.failed.items():
        click.echo(f"claimwatch: alert not sent to {recipient}: {reason}", err=True)


def _as_json(report: CheckReport) -> dict:
    return {
        "run_id": report.run_id,
        "claims_evaluated": report.claims_evaluated,
        "sources": [asdict(s) for s in report.sources],
        "new_flags": [asdict(f) for f in report.opened],
        "flags_from_interrupted_runs": [asdict(f) for f in report.missed],
        "interrupted_runs": report.interrupted_runs,
        "resolved_flags": report.resolved,
        "unchanged_flags": report.unchanged,
        "unknown_names": report.unknown_names,
    }


def _print_report(report: CheckReport, *, quiet: bool, verbose: bool) -> None:
    if report.missed:
        runs = ", ".join(f"#{run_id}" for run_id in report.interrupted_runs)
        click.echo(f"flags opened by an interrupted check (run {runs}), not shown until now:")
        _print_flags(report.missed)
        if report.opened:
            click.echo("flags opened by this check:")
    _print_flags(report.opened)
    _print_summary(report, quiet=quiet, verbose=verbose)


def _print_flags(flags: list[FlagNews]) -> None:
    for news in flags:
        click.echo(f"NEW #{news.flag_id} {news.status.upper()} {news.claim_id}")
        click.echo(f"    claim:  {shown(news.claim_text)}")
        click.echo(f"    why:    {shown(news.reason)}")
        if news.suggestion:
            click.echo(f"    could read: {shown(news.suggestion)}")
        for item in news.evidence[:3]:
            title, url = shown_title(item.get("title")), shown(item.get("url"))
            click.echo(f"    evidence: {title} {url}".rstrip())


def _print_summary(report: CheckReport, *, quiet: bool, verbose: bool) -> None:
    if quiet:
        if report.all_failed:
            _failures(report)
        return
    failed = [s for s in report.sources if s.failed]
    click.echo(
        f"checked {report.claims_evaluated} claims against {len(report.sources)} "
        f"source(s): {report.new_findings} new findings, {len(report.opened)} new flags, "
        f"{report.resolved} resolved, {report.unchanged} still open; "
        f"{len(failed)} source(s) failed"
    )
    for outcome in failed:
        click.echo(f"  failed {outcome.source_id} ({outcome.category}): {outcome.message}")
    if verbose and report.unknown_names:
        click.echo(f"names the rules did not understand ({len(report.unknown_names)}):")
        for name in report.unknown_names:
            click.echo(f"  {name}")
