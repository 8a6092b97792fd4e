"""Rule ``leaders``: another lab of the region released in the category the claim ranks.

"Llama 4 and Mistral lead US open-weight models" (role ``leaders``: names, region,
weights). A release by a watched lab of that region that is none of the leaders'
labs asks for a *review*: for ``weights = "open"`` a hub repo (open weights), for
``"any"`` any release evidence. Sources say their lab and region (the config's
``[[source]]`` lab and region, carried on each observation).

Releases count from the earliest release of a named leader model (the leaders were
leading from then on), or from the start of the as-of period when no leader is dated.
One verdict per other lab (cause ``leaders:<region>:<lab>``), citing its earliest
releases; the proposed edit adds that lab's newest model to the sentence's list.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from itertools import islice

from rules.claim import Claim, Leaders
from rules.engine import EVIDENCE_LIMIT, Entry, World, watch_of, words
from rules.lineage import display_name, when, where
from rules.suggest import find_span
from rules.verdict import Status, Verdict
from rules.versions import same_generation

NAME = "leaders"
SEPARATORS = ("; ", ", ")
REGIONS = {"us": "US", "china": "Chinese", "elsewhere": "non-US, non-Chinese"}


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    leaders = claim.leaders
    if leaders is None:
        return []
    since = _since(claim, leaders, world, now)
    by_lab: dict[str, list[Entry]] = {}
    for entry in _releases(world, claim, leaders, since, now.timestamp()):
        if not _is_leader(entry, leaders, world):
            by_lab.setdefault(entry.observation.lab or entry.source_id, []).append(entry)
    models = [_model(_flagship(entries)) for _, entries in sorted(by_lab.items())]
    edits = _add_to_list(claim.text, leaders, models)
    return [
        _verdict(claim, leaders, lab, entries, since, edits)
        for lab, entries in sorted(by_lab.items())
    ]


def _order(entry: Entry) -> tuple[float, str]:
    return (entry.stamp, entry.key)


def _flagship(entries: list[Entry]) -> Entry:
    """The lab's newest repo of a versioned model line, else its newest repo."""
    versioned = [e for e in entries if e.name is not None and e.name.generation]
    return max(versioned or entries, key=_order)


def _model(entry: Entry) -> str:
    return display_name(entry.name) if entry.name is not None else entry.key


def _releases(
    world: World, claim: Claim, leaders: Leaders, since: float, until: float
) -> list[Entry]:
    watch = watch_of(claim)
    found = []
    for source_id, entries in sorted(world.by_source.items()):
        if watch is not None and source_id not in watch:
            continue
        for entry in entries:
            if entry.observation.region != leaders.region or not since <= entry.stamp <= until:
                continue
            if entry.kind == "model" or (leaders.weights == "any" and entry.release):
                found.append(entry)
    return sorted(found, key=lambda e: (e.stamp, e.key))


def _since(claim: Claim, leaders: Leaders, world: World, now: datetime) -> float:
    """The earliest release of a named leader model, else the as-of period's start."""
    dated = math.inf
    for named in leaders.names:
        claimed = world.model_name(named)
        if claimed is None or not claimed.generation:
            continue
        for generation in world.generations(claimed.line):
            if same_generation(generation.name, claimed):
                first = next(
                    (e for e in generation.timeline.walk(None, until=now.timestamp())
                     if e.release),
                    None,
                )
                if first is not None:
                    dated = min(dated, first.stamp)
    return dated if math.isfinite(dated) else claim.as_of.start_utc.timestamp()


def _is_leader(entry: Entry, leaders: Leaders, world: World) -> bool:
    lab_words = set(words(entry.observation.lab))
    for named in leaders.names:
        claimed = world.model_name(named)
        if claimed is not None and (
            (entry.name is not None and entry.name.line == claimed.line)
            or claimed.lab in lab_words
            or (entry.name is not None and entry.name.lab == claimed.lab)
        ):
            return True
        if set(words(named)) & lab_words:
            return True
    return False


def _verdict(
    claim: Claim,
    leaders: Leaders,
    lab: str,
    entries: list[Entry],
    since: float,
    edits: tuple[tuple[str, str], ...],
) -> Verdict:
    first = entries[0]
    newest = max(entries, key=_order)
    model = _model(_flagship(entries))
    named = ", ".join(leaders.names)
    kind = "open weights" if leaders.weights == "open" else "a model"
    start = datetime.fromtimestamp(since, UTC).date().isoformat()
    region = REGIONS.get(leaders.region, leaders.region)
    return Verdict(
        claim_id=claim.id,
        rule=NAME,
        status=Status.REVIEW,
        cause=f"{NAME}:{leaders.region}:{lab.strip().lower()}",
        reason=(
            f"{lab}, a watched {region} lab not among the named leaders ({named}), "
            f"released {kind} since {start}: {where(first)} ({when(first)})"
            + (f", newest {newest.key} ({when(newest)})" if newest is not first else "")
            + "; re-check who leads."
        ),
        suggestion=f"Name {model} ({lab}) among the leaders, or dismiss if they still lead.",
        evidence=tuple(entry.evidence() for entry in islice(entries, EVIDENCE_LIMIT)),
        edits=edits,
    )


def _add_to_list(
    text: str, leaders: Leaders, models: list[str]
) -> tuple[tuple[str, str], ...]:
    """Append ``models`` after the last leader the sentence names, with its separator."""
    placed = [(find_span(text, name), name) for name in leaders.names]
    placed = [(start, name) for start, name in placed if start >= 0]
    if not placed:
        return ()
    start, name = max(placed)
    span = text[start : start + len(name)]
    separator = next((s for s in SEPARATORS if s in text), ", ")
    return ((span, separator.join([span, *dict.fromkeys(models)])),)
