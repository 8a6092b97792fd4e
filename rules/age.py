"""Rule ``age``: a claim not re-verified within its review interval is stale.

The interval counts from the end of the as-of period: "2025" from 2025-12-31, "2026-04"
from 2026-04-30. A claim with ``review_every`` None (a historical fact) never ages.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from rules.claim import Claim
from rules.duration import format_duration
from rules.verdict import Status, Verdict

if TYPE_CHECKING:
    from rules.engine import World

NAME = "age"


def review_due(claim: Claim) -> datetime | None:
    """When the claim must be re-verified, or None if it never ages."""
    if claim.review_every is None:
        return None
    return datetime.combine(claim.as_of.end, time.min, tzinfo=UTC) + claim.review_every


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
            suggestion="Re-verify the claim against current sources and give it a new as-of date.",
        )
    ]
