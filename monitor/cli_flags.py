"""``claimwatch flags``: review what needs a person, and act on it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import click

from monitor import exitcodes
from monitor.context import AppContext, actor, fail, utcnow
from reports import gather
from reports.model import ATTENTION_STATUSES, ClaimCard, ClaimTally, claim_cards
from reports.render import format_day, status_word
from rules.asof import AsOf
from storage import flags as flag_store
from storage.models import ClaimRow, FlagRow


@click.group()
def flags() -> None:
    """Review flags: list, show, acknowledge, dismiss, snooze."""


def _flag_dict(flag: FlagRow) -> dict:
    return {
        "id": flag.id,
        "claim_id": flag.claim_id,
        "status": flag.status,
        "verdict": flag.verdict,
        "rule": flag.rule,
        "cause": flag.cause,
        "reason": flag.reason,
        "suggestion": flag.suggestion,
        "evidence": flag.evidence,
        "opened_at": flag.opened_at.isoformat(),
        "updated_at": flag.updated_at.isoformat(),
        "snoozed_until": flag.snoozed_until.isoformat() if flag.snoozed_until else None,
    }


@flags.command("list")
@click.option("--status", type=click.Choice(flag_store.STATUSES), help="Only this status.")
@click.option("--claim", "claim_id", help="Only flags of this claim.")
@click.option(
    "--verdict",
    type=click.Choice(["contradicted", "stale", "review"]),
    help="Only flags with this verdict.",
)
@click.option("--rule", help="Only flags raised by this rule (age, superseded, license, ...).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.option("--by-claim", is_flag=True,
              help="One entry per claim needing attention with all its open causes, worst "
              "first (as the digest shows them); claims stale only by age in a short list.")
@click.pass_obj
def list_flags(
    app: AppContext,
    status: str | None,
    claim_id: str | None,
    verdict: str | None,
    rule: str | None,
    as_json: bool,
    by_claim: bool,
) -> None:
    """List flags, oldest first, or claim by claim (--by-claim)."""
    if by_claim:
        if status or verdict or rule:
            raise click.UsageError("--by-claim shows every open cause of each claim; "
                                   "it takes --claim but not --status, --verdict or --rule")
        _list_by_claim(app, claim_id, as_json)
        return
    with app.store.session() as session:
        rows = flag_store.list_flags(
            session, status=status, claim_id=claim_id, verdict=verdict, rule=rule
        )
        for flag in rows:
            if as_json:
                click.echo(json.dumps(_flag_dict(flag)))
            else:
                click.echo(
                    f"#{flag.id:<4} {flag.status:<12} {flag.verdict:<12} "
                    f"{flag.claim_id:<36} {flag.reason}"
                )
    if not rows and not as_json:
        click.echo("no flags" + (f" with status {status}" if status else ""))


def _list_by_claim(app: AppContext, claim_id: str | None, as_json: bool) -> None:
    with app.store.session() as session:
        items = gather.attention_items(session)
    cards = claim_cards([i for i in items if claim_id is None or i.claim_id == claim_id])
    age_only = sorted((c for c in cards if c.age_only),
                      key=lambda c: (c.review_due or date.max, c.claim_id))
    with_evidence = [c for c in cards if not c.age_only]
    if as_json:
        for card in with_evidence + age_only:
            click.echo(json.dumps(_card_dict(card)))
        return
    if not cards:
        click.echo("no claim needs attention")
        return
    for card in with_evidence:
        _echo_card(card)
    if age_only:
        click.echo(f"stale by age only ({len(age_only)}): re-verify, "
                   "`claimwatch claims verify ID --as-of ...`")
    for card in age_only:
        watched = ", ".join(card.watched) or "all sources"
        click.echo(f"  {card.claim_id}  due since {format_day(card.review_due)}  "
                   f"watches {watched}  flag #{', #'.join(map(str, card.flag_ids))}")
        click.echo(f"      {card.claim_text}")
    causes = sum(len(card.causes) for card in cards)
    tally = ClaimTally.of([card.status for card in cards], causes)
    click.echo(f"Claims: {tally.line(ATTENTION_STATUSES)}; {tally.flags_line}.")


def _echo_card(card: ClaimCard) -> None:
    click.echo(f"{status_word(card.status):<13} {card.claim_id}  ({card.section})")
    click.echo(f"  {card.claim_text}")
    for cause in card.causes:
        click.echo(f"  #{cause.flag_id:<4} {status_word(cause.status):<13} {cause.rule}: "
                   f"{cause.reason}")
        if cause.suggestion:
            click.echo(f"        could read: {cause.suggestion}")
        for link in cause.evidence:
            click.echo(f"        - {link.title} ({format_day(link.time)}, {link.source_id})"
                       + (f" {link.url}" if link.url else ""))
    click.echo("")


def _card_dict(card: ClaimCard) -> dict:
    return {
        "claim_id": card.claim_id,
        "status": card.status,
        "text": card.claim_text,
        "section": card.section,
        "age_only": card.age_only,
        "review_due": card.review_due.isoformat() if card.review_due else None,
        "watched": list(card.watched),
        "causes": [
            {"flag_id": c.flag_id, "verdict": c.status, "rule": c.rule, "reason": c.reason,
             "suggestion": c.suggestion, "opened_at": c.opened_at.isoformat(),
             "evidence": [{"title": e.title, "url": e.url, "source_id": e.source_id,
                           "time": e.time.isoformat() if e.time else None}
                          for e in c.evidence]}
            for c in card.causes
        ],
    }


@flags.command("show")
@click.argument("flag_id", type=int)
@click.pass_obj
def show(app: AppContext, flag_id: int) -> None:
    """Show one flag: the claim, the reason, the evidence and the history."""
    with app.store.session() as session:
        flag = _get(session, flag_id)
        claim = session.get(ClaimRow, flag.claim_id)
        click.echo(f"flag #{flag.id}: {flag.verdict} ({flag.status}) by rule {flag.rule}")
        if claim is not None:
            click.echo(f"claim {claim.id} (as of {claim.as_of}, {claim.section}):")
            click.echo(f"  {claim.text}")
        click.echo(f"reason:     {flag.reason}")
        if flag.suggestion:
            click.echo(f"could read: {flag.suggestion}")
        if flag.snoozed_until:
            click.echo(f"snoozed until {flag.snoozed_until:%Y-%m-%d}")
        click.echo("evidence:")
        for item in flag.evidence or []:
            click.echo(
                f"  - {item.get('title')} ({(item.get('time') or '?')[:10]}, "
                f"{item.get('source_id')})"
            )
            if item.get("url"):
                click.echo(f"    {item['url']}")
        click.echo("history:")
        for event in flag.events:
            note = f": {event.note}" if event.note else ""
            click.echo(f"  {event.at:%Y-%m-%d %H:%M} {event.action} by {event.by}{note}")


def _get(session, flag_id: int) -> FlagRow:
    try:
        return flag_store.get_flag(session, flag_id)
    except flag_store.FlagActionError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None


def _act(app: AppContext, action, flag_id: int, **kwargs) -> None:
    with app.store.session() as session:
        try:
            flag = action(session, flag_id, now=utcnow(), **kwargs)
        except flag_store.FlagActionError as exc:
            raise fail(str(exc), exitcodes.USAGE) from None
        click.echo(f"flag #{flag.id} is now {flag.status}")


_BY = click.option("--by", help="Who is acting (default: $CLAIMWATCH_USER or login name).")


@flags.command("ack")
@click.argument("flag_id", type=int)
@_BY
@click.pass_obj
def ack(app: AppContext, flag_id: int, by: str | None) -> None:
    """Acknowledge a flag: seen, being worked on."""
    _act(app, flag_store.acknowledge, flag_id, by=actor(by))


@flags.command("dismiss")
@click.argument("flag_id", type=int)
@click.option("--reason", required=True, help="Why this is a false alarm (kept in history).")
@_BY
@click.pass_obj
def dismiss(app: AppContext, flag_id: int, reason: str, by: str | None) -> None:
    """Dismiss a false alarm; the same cause is never raised again."""
    _act(app, flag_store.dismiss, flag_id, reason=reason, by=actor(by))


@flags.command("snooze")
@click.argument("flag_id", type=int)
@click.option("--until", "until", required=True, help="Date to wake it (YYYY-MM-DD).")
@_BY
@click.pass_obj
def snooze(app: AppContext, flag_id: int, until: str, by: str | None) -> None:
    """Snooze a flag until a date; it opens again then if its cause still holds."""
    try:
        day = AsOf.parse(until)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--until") from None
    wake = datetime.combine(day.start, time.min, tzinfo=UTC)
    _act(app, flag_store.snooze, flag_id, until=wake, by=actor(by))
