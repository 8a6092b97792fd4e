"""Rule ``superseded``: a claim naming the latest of a family is overtaken by a newer one.

A finding of the same model line with a later generation (date-suffixed updates such as
"-2507" are not later) makes the claim stale when it appeared after the as-of period,
and contradicted when it was already out before the period ended. Evidence is the
earliest findings of the newer generation.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice

from rules.claim import Claim
from rules.engine import EVIDENCE_LIMIT, Entry, World, generation_id, watch_of
from rules.verdict import Status, Verdict
from rules.versions import ModelName, format_generation, is_newer, same_generation

NAME = "superseded"


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    claimed = world.model_name(claim.family) if claim.family else None
    if claimed is None or not claimed.generation:
        return []
    newer = _newer_generations(claimed, claim, world, now)
    if not newer:
        return []
    newest_name, newest_entries = newer[0]
    suggestion = f"{format_generation(newest_name)} (out since {newest_entries[0].time:%B %Y})"
    cutoff = claim.as_of.end_utc.timestamp()
    already_out = [(name, entries) for name, entries in newer if entries[0].stamp < cutoff]
    if already_out:
        name, entries = already_out[0]
        status = Status.CONTRADICTED
        cause = f"{NAME}:{generation_id(claimed)}:before:{claim.as_of}"
        reason = (
            f"{format_generation(name)} was already out on {entries[0].time:%Y-%m-%d} "
            f"({entries[0].source_id}), before the claim's as-of {claim.as_of.human()} ended; "
            f"the claim names {claim.family} as the latest."
        )
    else:
        name, entries = newest_name, newest_entries
        status = Status.STALE
        cause = f"{NAME}:{generation_id(claimed)}"
        reason = (
            f"{format_generation(name)} appeared on {entries[0].time:%Y-%m-%d} "
            f"({entries[0].source_id}), after the claim's as-of {claim.as_of.human()}; "
            f"the claim names {claim.family} as the latest."
        )
    return [
        Verdict(
            claim_id=claim.id,
            rule=NAME,
            status=status,
            cause=cause,
            reason=reason,
            suggestion=suggestion,
            evidence=tuple(entry.evidence() for entry in entries),
        )
    ]


def _newer_generations(
    claimed: ModelName, claim: Claim, world: World, now: datetime
) -> list[tuple[ModelName, list[Entry]]]:
    """Generations newer than the claimed one that the watched sources saw up to ``now``,
    newest first, each with its earliest findings."""
    watch = watch_of(claim)
    until = now.timestamp()
    found: list[tuple[ModelName, list[Entry]]] = []
    for generation in reversed(world.generations(claimed.line)):
        if not is_newer(generation.name, claimed):
            continue
        earliest = list(islice(generation.timeline.walk(watch, until=until), EVIDENCE_LIMIT))
        if not earliest:
            continue
        if found and same_generation(found[-1][0], generation.name):
            merged = sorted(found[-1][1] + earliest, key=lambda e: e.stamp)[:EVIDENCE_LIMIT]
            found[-1] = (found[-1][0], merged)
        else:
            found.append((generation.name, earliest))
    return found
