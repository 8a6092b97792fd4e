"""Rule ``exists``: models the claim names are on the hub.

A name ("Qwen/Qwen3-30B-A3B", matched case-insensitively; without an owner it matches
any owner) missing from the findings is a contradiction only when a source that lists
that owner's repos last polled ok and listed completely. A failed or partial listing
proves nothing, so it gives no verdict; so does an owner no source lists.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from itertools import islice

from rules.claim import Claim
from rules.engine import Watch, World, watch_of
from rules.suggest import find_span
from rules.verdict import Status, Verdict
from rules.versions import same_generation

NAME = "exists"
CANDIDATES = 500  # bounds the cost of a suggestion for an owner with thousands of repos


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    watch = watch_of(claim)
    verdicts: list[Verdict] = []
    for name in dict.fromkeys(n.strip() for n in claim.exists if n.strip()):
        if world.repos(name, watch):
            continue
        owner = name.rpartition("/")[0] if "/" in name else None
        complete = [
            source_id
            for source_id in world.sources_listing(owner, watch)
            if (health := world.health.get(source_id)) and health.ok and health.complete
        ]
        if not complete:
            continue
        close = _close_matches(world, name, owner, watch)
        source_id = complete[0]
        verdicts.append(
            Verdict(
                claim_id=claim.id,
                rule=NAME,
                status=Status.CONTRADICTED,
                cause=f"{NAME}:{name.lower()}",
                reason=(
                    f"{name} is not among the {world.repo_count(source_id)} repos of the "
                    f"complete listing of {source_id}."
                ),
                suggestion=(
                    f"Name an existing model, e.g. {close[0]}."
                    if close
                    else f"Remove {name} or name a model that exists."
                ),
                evidence=tuple(
                    entry.evidence() for match in close for entry in world.repos(match, watch)[:1]
                ),
                edits=_rename(claim.text, name, close[0]) if close else (),
            )
        )
    return verdicts


def _close_matches(world: World, name: str, owner: str | None, watch: Watch) -> list[str]:
    """Repos of the same owner and model generation whose ids look like ``name``."""
    parsed = world.model_name(name)
    if owner is None or parsed is None:
        return []
    candidates: dict[str, str] = {}
    for generation in world.generations(parsed.line):
        if same_generation(generation.name, parsed):
            repos = generation.repos_of(owner)[: CANDIDATES * 4]
            watched = (e for e in repos if watch is None or e.source_id in watch)
            candidates.update((e.key.lower(), e.key) for e in islice(watched, CANDIDATES))
    close = difflib.get_close_matches(name.lower(), candidates, n=3, cutoff=0.8)
    return [candidates[match] for match in close]


def _rename(text: str, name: str, existing: str) -> tuple[tuple[str, str], ...]:
    """The missing repo's name as the sentence writes it -> the close existing one's."""
    old, new = name.rpartition("/")[2], existing.rpartition("/")[2]
    return ((old, new),) if find_span(text, old) >= 0 else ()
