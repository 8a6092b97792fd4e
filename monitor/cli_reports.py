"""``claimwatch digest`` and ``claimwatch test-report``: the weekly email, on demand."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from monitor import exitcodes
from monitor.context import AppContext, fail, resolve_dir, utcnow
from monitor.digest import (
    DigestOutcome,
    MailSetupError,
    check_week,
    deliver_digest,
    message_for,
    smtp_settings,
    week_end,
    week_finished,
    write_report,
)
from reports.mail import send
from reports.model import iso_week_bounds
from reports.render import render_alert, render_digest
from reports.samples import sample_alert, sample_digest

_DIR = click.Path(file_okay=False)


@click.command()
@click.option("--week", metavar="YYYY-Www",
              help="The ISO week, e.g. 2026-W48 (default: the week just ended in the "
                   "configured timezone).")
@click.option("--send", "send_it", is_flag=True,
              help="Mail it to each [email] digest_to recipient who has not had it yet.")
@click.option("--dry-run", "dry_run", type=_DIR, metavar="DIR",
              help="Write the email --send would send as an .eml file in DIR; send nothing.")
@click.option("--out", type=_DIR, metavar="DIR", help="Also write the HTML and text into DIR.")
@click.option("--force", is_flag=True,
              help="With --send or --dry-run: also to recipients who already had it.")
@click.pass_obj
def digest(app: AppContext, week: str | None, send_it: bool, dry_run: str | None,
           out: str | None, force: bool) -> None:
    """Render the weekly digest, archive it, and with --send mail it once per recipient.

    Without --send or --dry-run the digest is only rendered into the archive folder
    ([reports] archive_dir) and the paths are printed. A digest that follows missed
    weeks covers everything since the last one delivered. A week that has not ended
    is sent only with --force. Exit 3 when every recipient failed; running it again
    retries only those.
    """
    if send_it and dry_run:
        raise fail("use --send or --dry-run, not both", exitcodes.USAGE)
    if force and not (send_it or dry_run):
        raise fail("--force only means something with --send or --dry-run", exitcodes.USAGE)
    config = app.config
    tz = ZoneInfo(config.schedule.timezone)
    if week is not None:
        try:
            check_week(week, tz)
        except ValueError as exc:
            raise fail(f"--week: {exc}", exitcodes.USAGE) from None
        week = week.strip()
        if send_it and not force and not week_finished(week, utcnow(), tz):
            raise fail(f"--week {week} has not ended (it ends {week_end(week, tz):%Y-%m-%d %H:%M}"
                       f" UTC); what appears before then would be in no digest. Send it then, "
                       "or add --force to send it now (the next digest then starts on the day "
                       "it went out)", exitcodes.USAGE)
    store = app.store
    if (send_it or dry_run) and not config.email.digest_to:
        raise fail(f"nobody to mail: set [email] digest_to in {config.path}", exitcodes.USAGE)
    outcome = deliver_digest(config, store, week=week, now=utcnow(), force=force,
                             send=send_it, dry_run_dir=resolve_dir(dry_run),
                             out_dir=resolve_dir(out))
    _print_digest(outcome)
    if outcome.all_failed:
        raise click.exceptions.Exit(exitcodes.FAILURE)


def _print_digest(outcome: DigestOutcome) -> None:
    click.echo(f"digest {outcome.week}: {outcome.subject}")
    if outcome.window_start is not None and outcome.window_start < iso_week_bounds(
            outcome.week)[0]:
        click.echo(f"  catching up: covers everything since {outcome.window_start}")
    for path in outcome.archived:
        click.echo(f"  wrote {path}")
    for path in outcome.eml:
        click.echo(f"  dry run: wrote {path}")
    if outcome.delivered:
        click.echo(f"  sent to {', '.join(outcome.delivered)}")
    if outcome.skipped:
        click.echo(f"  already delivered to {', '.join(outcome.skipped)} (--force resends)")
    for warning in outcome.warnings:
        click.echo(f"claimwatch: {warning}", err=True)
    for recipient, reason in outcome.failed.items():
        click.echo(f"claimwatch: digest {outcome.week} not sent to {recipient}: {reason}",
                   err=True)


@click.command("test-report")
@click.argument("kind", type=click.Choice(["digest", "alert"]), default="digest")
@click.option("--out", type=_DIR, metavar="DIR",
              help="Where to write the HTML and text (default: test-report/ in the archive "
                   "folder).")
@click.option("--send", "send_it", is_flag=True,
              help="Also mail it to [email] digest_to (digest) or alert_to (alert).")
@click.pass_obj
def test_report(app: AppContext, kind: str, out: str | None, send_it: bool) -> None:
    """Render a made-up digest or alert, to see the email without waiting for news.

    The claims and models in it are invented; nothing is read from or written to the
    store, and a sent test report is not recorded as delivered.
    """
    now = utcnow()
    report = render_digest(sample_digest(now)) if kind == "digest" else render_alert(
        sample_alert(now))
    folder = resolve_dir(out) or app.config.archive_dir / "test-report"
    for path in write_report(report, Path(folder), f"sample-{kind}"):
        click.echo(f"wrote {path}")
    if not send_it:
        return
    config = app.config
    recipients = list(config.email.digest_to if kind == "digest" else config.email.alert_to)
    if not recipients:
        key = "digest_to" if kind == "digest" else "alert_to"
        raise fail(f"nobody to mail: set [email] {key} in {config.path}", exitcodes.USAGE)
    try:
        settings = smtp_settings(config)
    except MailSetupError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
    test = dataclasses.replace(report, subject=f"[test] {report.subject}")
    result = send(message_for(config, test, recipients), settings, recipients)
    if result.delivered:
        click.echo(f"sent to {', '.join(result.delivered)}")
    for recipient, reason in result.failed.items():
        click.echo(f"claimwatch: not sent to {recipient}: {reason}", err=True)
    if not result.delivered:
        raise click.exceptions.Exit(exitcodes.FAILURE)
