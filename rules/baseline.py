"""Rule ``baseline``: a model the claim compares against (role ``baseline``) was followed.

"Cheaper than GPT-4o", "at GPT-4o level": a newer generation of the baseline's line does
not make the comparison false, it makes it dated, so the verdict is always *review*,
never contradicted: "the comparison's baseline GPT-4o has been followed by GPT-5
(2025-08-07, ...)". The newer generation is dated by release evidence only; one seen
only in mentions is named without a date. The cause names the baseline only, so the
flag is raised once however many generations follow. No sentence is proposed: putting
the newer model in the baseline's place ("Qwen3-32B equals GPT-5.2") would assert a
comparison nobody has measured, so the reason says what to check; once the editor
re-words the comparison (``claims verify --text``) the flag resolves, and ``flags
dismiss`` keeps a deliberate old baseline.
"""

from __future__ import annotations

from datetime import datetime

from rules.claim import Claim
from rules.engine import World, generation_id, watch_of
from rules.lineage import Successor, read_role_name, successors, when, where
from rules.verdict import Status, Verdict

NAME = "baseline"


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    verdicts = []
    for named in dict.fromkeys(claim.baseline):
        claimed = read_role_name(named, world)
        if claimed is None or not claimed.generation:
            continue
        found = successors(claimed, world, watch_of(claim), now)
        if not found:
            continue
        released = [s for s in found if s.is_released]
        newest = released[0] if released else found[0]
        verdicts.append(
            Verdict(
                claim_id=claim.id,
                rule=NAME,
                status=Status.REVIEW,
                cause=f"{NAME}:{generation_id(claimed)}",
                reason=f"The comparison's baseline {named} has been followed by "
                + _followed_by(newest)
                + f"; check whether the comparison still matters against "
                f"{newest.suggested_name}, or date the baseline.",
                evidence=tuple(entry.evidence() for entry in newest.evidence()),
            )
        )
    return verdicts


def _followed_by(newest: Successor) -> str:
    first = newest.first
    if newest.is_released:
        return f"{newest.label} (released {when(first)}, {where(first)})"
    return (
        f"{newest.label} (named in {where(first)}, {when(first)}; "
        "no watched source shows its release)"
    )
