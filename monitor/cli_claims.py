"""``claimwatch claims``: list, show, load, import and verify claims."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy.orm import Session

from monitor import exitcodes
from monitor.context import AppContext, actor, fail, utcnow
from monitor.problems import ConfigError
from rules.asof import AsOf
from rules.claim import Claim
from rules.engine import evaluate_all
from storage import claims as claim_store
from storage import findings as finding_store
from storage import flags as flag_store
from storage import sources as source_store
from storage.models import ClaimRow


@click.group()
def claims() -> None:
    """Work with the page's claims."""


def _claim_dict(row: ClaimRow) -> dict:
    return {
        "id": row.id,
        "page": row.page,
        "section": row.section,
        "text": row.text,
        "subject": row.subject,
        "as_of": row.as_of,
        "review_every": row.review_every,
        "expectations": row.expectations,
        "status": row.status,
        "file": row.file,
    }


@claims.command("list")
@click.option("--status", type=click.Choice(["active", "retired"]), help="Only this status.")
@click.option("--page", help="Only claims of this page.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_obj
def list_claims(app: AppContext, status: str | None, page: str | None, as_json: bool) -> None:
    """List the claims in the store (run `claims load` or `check` to load the files)."""
    with app.store.session() as session:
        rows = claim_store.list_claims(session, status=status, page=page)
        open_counts: dict[str, int] = {}
        for flag in flag_store.list_flags(session, status="open"):
            open_counts[flag.claim_id] = open_counts.get(flag.claim_id, 0) + 1
        for row in rows:
            if as_json:
                click.echo(
                    json.dumps({**_claim_dict(row), "open_flags": open_counts.get(row.id, 0)})
                )
            else:
                flags_note = f"  [{open_counts[row.id]} open]" if row.id in open_counts else ""
                click.echo(
                    f"{row.id:<40} {row.as_of:<10} {row.status:<8} {row.subject[:30]}{flags_note}"
                )
    if not rows and not as_json:
        click.echo("no claims in the store; `claimwatch claims load` reads the claims files")


@claims.command("show")
@click.argument("claim_id")
@click.pass_obj
def show_claim(app: AppContext, claim_id: str) -> None:
    """Show one claim: its text, expectations, flags and history."""
    with app.store.session() as session:
        row = session.get(ClaimRow, claim_id)
        if row is None:
            raise fail(
                f"no claim {claim_id!r}; `claimwatch claims list` shows them", exitcodes.USAGE
            )
        click.echo(f"{row.id}  ({row.status})\n  page:     {row.page}\n  section:  {row.section}")
        click.echo(f"  text:     {row.text}\n  subject:  {row.subject}")
        click.echo(f"  as of:    {row.as_of}   review every: {row.review_every}")
        for key, value in (row.expectations or {}).items():
            click.echo(f"  {key + ':':<9} {value}")
        flags = flag_store.list_flags(session, claim_id=claim_id)
        click.echo(f"flags ({len(flags)}):")
        for flag in flags:
            click.echo(f"  #{flag.id} {flag.status:<12} {flag.verdict:<12} {flag.reason}")
        click.echo("history:")
        for rev in row.revisions:
            click.echo(
                f"  {rev.at:%Y-%m-%d %H:%M} {rev.action:<9} by {rev.by}"
                + (f"  {rev.after}" if rev.after and rev.action != "created" else "")
            )


@claims.command("load")
@click.option("--by", help="Who is loading (default: $CLAIMWATCH_USER or login name).")
@click.pass_obj
def load(app: AppContext, by: str | None) -> None:
    """Load the claims files into the store (idempotent; removed claims are retired)."""
    from monitor.pipeline import sync_config  # the check's machinery: only this command

    try:
        report = sync_config(app.config, app.store, now=utcnow(), by=actor(by))
    except ConfigError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
    click.echo(
        f"claims: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.retired)} retired, {len(report.restored)} restored, "
        f"{report.unchanged} unchanged"
    )
    for line in getattr(report, "pages", ()):  # what following the [[page]] entries did
        click.echo(line)


@claims.command("import")
@click.argument("page_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft claims file here (default: print it).",
)
@click.option("--page", "page_name", help="Page name for the claims (default: file stem).")
@click.option("--page-date", help="Date for statements without one (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--write-ids", is_flag=True, help="Also write <!-- claim: ID --> after each "
              "statement in PAGE_FILE, so its claims keep their ids when the page is edited.")
@click.pass_obj
def import_claims(
    app: AppContext, page_file: Path, output: Path | None, page_name: str | None,
    page_date: str | None, force: bool, write_ids: bool,
) -> None:
    """Draft a claims file from a Markdown page: one claim per dated or checkable
    statement, with the expectations its words imply and the sources to watch."""
    # the page reader (markdown-it) and the catalog: only for this command
    from monitor.cli_page import optional_catalog, page_drafts, write_page_ids
    from monitor.importer import render_claims_toml

    try:
        when = AsOf.parse(page_date) if page_date else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--page-date") from None
    drafts = page_drafts(page_file, page_name or page_file.stem, when, optional_catalog(app))
    text = render_claims_toml(drafts, page=page_name or page_file.stem)
    if write_ids:
        write_page_ids(page_file, drafts)
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise fail(f"{output} exists; pass --force to overwrite", exitcodes.USAGE)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {text.count('[[claim]]')} draft claims to {output}", err=True)


@claims.command("verify")
@click.argument("claim_id")
@click.option("--as-of", help="The new as-of date (default: today, UTC).")
@click.option("--text", help="New wording of the claim.")
@click.option("--by", help="Who verified it (default: $CLAIMWATCH_USER or login name).")
@click.pass_obj
def verify(
    app: AppContext, claim_id: str, as_of: str | None, text: str | None, by: str | None
) -> None:
    """Mark a claim re-verified: re-date it (and maybe re-word it); resolve its flags."""
    today = utcnow().date()
    try:
        when = AsOf.parse(as_of) if as_of else AsOf.parse(today)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--as-of") from None
    if when.start > today:
        raise click.BadParameter("a claim cannot be verified in the future", param_hint="--as-of")
    who, now = actor(by), utcnow()
    notes: list[str] = []
    with app.store.session() as session:
        try:
            row = claim_store.verify_claim(
                session, claim_id, as_of=when, now=now, by=who, text=text, notes=notes
            )
        except KeyError:
            raise fail(
                f"no claim {claim_id!r}; `claimwatch claims list` shows them", exitcodes.USAGE
            ) from None
        resolved = flag_store.resolve_for_claim(
            session, claim_id, now=now, by=who, note=f"claim verified as of {when}"
        )
        click.echo(f"{claim_id}: verified as of {when}; {len(resolved)} flag(s) resolved")
        for note in notes:
            click.echo(f"  the new text states {note}")
        _echo_still_flagged(session, claim_store.row_to_claim(row), now)
        click.echo(
            f'remember to update {row.file or "the claims file"}: as_of = "{when}"'
            + (" and the new text" + (" and expectations" if notes else "") if text else "")
        )


def _echo_still_flagged(session: Session, claim: Claim, now: datetime) -> None:
    """What the next check would still raise on the verified claim, from what is stored."""
    evaluation = evaluate_all(
        [claim], finding_store.observations(session), source_store.health(session), now
    )
    for verdict in sorted(evaluation.verdicts, key=lambda v: v.status.rank):
        click.echo(f"  still {verdict.status}: {verdict.reason}")
    if not evaluation.verdicts:
        click.echo("  nothing stored contradicts the verified claim")
