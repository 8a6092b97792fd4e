"""Rule ``superseded``: a model the claim names as the latest (role ``latest``) is overtaken.

One verdict per named model that a later generation of its line followed (date-suffixed
updates such as "-2507" are not later), dated by release evidence only, the earliest
across the watched sources:

- released before the as-of period began: *contradicted* (the sentence was already
  wrong when written), compared at the claim's precision, so a release in June 2026
  does not contradict a claim "as of 2026";
- released within or after the period: *stale*;
- only mentioned ("GPT-5.2 derives a new result"), never released in a watched source:
  *review*, with no date.

Historical facts (``review_every`` "never") are never superseded. Each verdict proposes
the edit "old name -> the newest generation's name" (named by its newest release, or
by its mentions when none is released: a mention may name, never date); the engine
makes all edits of a claim in one sentence (rules/suggest.py).
"""

from __future__ import annotations

from datetime import datetime

from rules.claim import Claim
from rules.engine import World, generation_id, watch_of
from rules.lineage import Successor, read_role_name, successors, when, where
from rules.verdict import Status, Verdict
from rules.versions import ModelName

NAME = "superseded"


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    if claim.review_every is None:
        return []
    verdicts = []
    for named in dict.fromkeys(claim.latest):
        claimed = read_role_name(named, world)
        if claimed is None or not claimed.generation:
            continue
        found = successors(claimed, world, watch_of(claim), now)
        if found:
            verdicts.append(_verdict(claim, named, claimed, found))
    return verdicts


def _verdict(claim: Claim, named: str, claimed: ModelName, found: list[Successor]) -> Verdict:
    released = [s for s in found if s.is_released]
    newest = released[0] if released else found[0]
    overtaken = f"the claim names {named} as the latest"
    if not released:
        first = newest.first
        status, cause = Status.REVIEW, f"{NAME}:{generation_id(claimed)}:mentioned"
        reason = (
            f"{newest.label} is named in {where(first)} ({when(first)}), but no watched "
            f"source shows its release; {overtaken}."
        )
        evidence = newest.evidence()
    else:
        early = [s for s in released if claim.as_of.compare(s.first.time) < 0]
        if early:
            first_out = min(early, key=lambda s: s.first.stamp)
            status = Status.CONTRADICTED
            cause = f"{NAME}:{generation_id(claimed)}:before:{claim.as_of}"
            reason = (
                f"{first_out.label} was already released on {when(first_out.first)} "
                f"({where(first_out.first)}), before the claim's as-of "
                f"{claim.as_of.human()}; {overtaken}{_newest_clause(first_out, newest)}."
            )
            evidence = first_out.evidence()
        else:
            first = newest.first
            inside = claim.as_of.compare(first.time) == 0
            status, cause = Status.STALE, f"{NAME}:{generation_id(claimed)}"
            reason = (
                f"{newest.label} was released on {when(first)} ({where(first)}), "
                f"{'within' if inside else 'after'} the claim's as-of {claim.as_of.human()}"
                f"; {overtaken}{_newest_clause(newest, newest)}."
            )
            evidence = newest.evidence()
    named_next = found[0]  # the newest generation known, released or only mentioned
    if released and named_next is not newest:
        first = named_next.first
        reason = reason[:-1] + (
            f"; {named_next.label} is named in {where(first)} ({when(first)}), but no "
            "watched source shows its release."
        )
    return Verdict(
        claim_id=claim.id,
        rule=NAME,
        status=status,
        cause=cause,
        reason=reason,
        suggestion=f"{named_next.suggested_name} in place of {named}",
        evidence=tuple(entry.evidence() for entry in evidence),
        edits=((named, named_next.suggested_name),),
    )


def _newest_clause(reported: Successor, newest: Successor) -> str:
    """ "; the newest is Claude Opus 5 (2026-07-24)", unless the reason already names it."""
    if newest.newest is None:
        return ""
    if reported is newest and newest.suggested_name == newest.label:
        return ""
    return f"; the newest is {newest.suggested_name} ({when(newest.newest)})"
