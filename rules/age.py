"""Rule ``age``: a claim not re-verified within its review interval is stale.

The interval counts from the end of the as-of period ("2026-04" from 2026-04-30), except
that a year-only as-of counts from 1 July of its year ("2025" from 2025-07-01): counted
from 31 December, a claim "as of 2026" written in March would stay silent until 2027
whatever its interval. A claim with ``review_every`` None (a historical fact) never ages.
The verdict invents no new text: it says what to re-check, and the sources to read.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from rules.claim import Claim
from rules.duration import format_duration
from rules.verdict import Status, Verdict

if TYPE_CHECKING:
    from rules.engine import Entry, World

NAME = "age"
NEWEST = 3


def review_due(claim: Claim) -> datetime | None:
    """When the claim must be re-verified, or None if it never ages."""
    if claim.review_every is None:
        return None
    return datetime.combine(claim.as_of.counts_from, time.min, tzinfo=UTC) + claim.review_every


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    due = review_due(claim)
    if due is None or now < due:
        return []
    interval = format_duration(claim.review_every) if claim.review_every else ""
    return [
        Verdict(
            claim_id=claim.id,
            rule=NAME,
            status=Status.STALE,
            cause=f"{NAME}:{claim.as_of}",
            reason=(
                f"The claim was last verified as of {claim.as_of.human()} and its {interval} "
                f"review fell due on {due:%Y-%m-%d}."
            ),
            suggestion=_what_to_check(claim, world),
            evidence=tuple(entry.evidence() for entry in _newest(claim, world)),
        )
    ]


def _newest(claim: Claim, world: World) -> list[Entry]:
    """The newest items of the claim's watched sources (none when it watches none)."""
    return world.newest(frozenset(claim.watch), NEWEST) if claim.watch else []


def _what_to_check(claim: Claim, world: World) -> str:
    """No invented text: what to re-check, and where the newest news is."""
    check = f"Re-check '{claim.subject or claim.text}' and verify it with a new as-of date"
    newest = _newest(claim, world)
    if not newest:
        return check + "."
    items = "; ".join(f"'{e.title}' ({e.source_id}, {e.time:%Y-%m-%d})" for e in newest)
    return f"{check}; newest in its watched sources: {items}."
