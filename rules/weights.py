"""Rule ``weights``: what the claim says about open or closed weights still holds.

Role ``closed`` (labs or models named as not publishing weights): a model repo on a
watched hub that is clearly the named model's or lab's own (same generation, or the
named brand in the repo name, on a hub source whose lab is the model's lab) and was
created before the as-of period ended *contradicts* the claim; created later, it asks
for a *review* (the weights were opened since). A repo of a newer generation of a named
model's line ("ERNIE 4.5" for "ERNIE 4.0") asks for a review too.

Role ``open`` (models named as open-weight): when the newest repos of the model carry
another licence than its first ones, the licence changed: *review*.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice

from rules.claim import Claim
from rules.engine import EVIDENCE_LIMIT, Entry, Watch, World, has_phrase, watch_of, words
from rules.lineage import when, where
from rules.verdict import Status, Verdict
from rules.versions import ModelName, is_newer, same_generation

NAME = "weights"


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    if not claim.closed and not claim.open:
        return []
    repos = _repos(world, watch_of(claim), now.timestamp())
    found = [_closed(claim, named, repos, world) for named in dict.fromkeys(claim.closed)]
    found += [_relicensed(claim, named, repos, world) for named in dict.fromkeys(claim.open)]
    return [verdict for verdict in found if verdict is not None]


def _repos(world: World, watch: Watch, until: float) -> list[Entry]:
    found = [
        entry
        for source_id, entries in world.by_source.items()
        if watch is None or source_id in watch
        for entry in entries
        if entry.kind == "model" and entry.time is not None and entry.stamp <= until
    ]
    return sorted(found, key=lambda e: (e.stamp, e.key))


def _own(entry: Entry, named: str, claimed: ModelName | None) -> bool:
    """Whether the repo is the named model's (or brand's, or lab's) own open weights."""
    lab_words = set(words(entry.observation.lab))
    if claimed is not None and claimed.generation:
        return (
            entry.name is not None
            and same_generation(entry.name, claimed)
            and _lab_matches(entry, claimed.lab)
        )
    phrase = words(named)
    if set(phrase) <= lab_words:
        return True  # the named lab publishes on its own hub organisation
    return has_phrase(words(entry.key.replace("/", " ")), phrase) and (
        entry.name is None or _lab_matches(entry, entry.name.lab)
    )


def _lab_matches(entry: Entry, lab_id: str) -> bool:
    """The hub source speaks for the model's lab ("moonshot" for "Moonshot AI")."""
    lab_words = set(words(entry.observation.lab))
    return not lab_words or lab_id in lab_words or bool(set(lab_id.split("-")) & lab_words)


def _closed(claim: Claim, named: str, repos: list[Entry], world: World) -> Verdict | None:
    claimed = world.model_name(named)
    own = [entry for entry in repos if _own(entry, named, claimed)]
    if own:
        early = [e for e in own if claim.as_of.compare(e.time) <= 0]  # type: ignore[arg-type]
        shown = early or own
        status = Status.CONTRADICTED if early else Status.REVIEW
        lab = shown[0].observation.lab or shown[0].source_id
        timing = (
            f"by the end of the claim's as-of {claim.as_of.human()}"
            if early
            else f"after the claim's as-of {claim.as_of.human()}"
        )
        return _verdict(
            claim,
            status,
            f"{NAME}:closed:{named.lower()}:{'open' if early else 'opened'}",
            f"{named} is named as closed, but {lab} published its weights {timing}: "
            f"{where(shown[0])} ({when(shown[0])}).",
            f"Move {named} out of the closed models, or say which {named} models stay closed.",
            shown,
        )
    if claimed is None or not claimed.generation:
        return None
    newer = [
        entry for entry in repos
        if entry.name is not None and is_newer(entry.name, claimed)
        and _lab_matches(entry, claimed.lab)
    ]
    if not newer:
        return None
    lab = newer[0].observation.lab or newer[0].source_id
    return _verdict(
        claim,
        Status.REVIEW,
        f"{NAME}:closed:{named.lower()}:line",
        f"{named} is named as closed, and {lab} has since published open weights of its "
        f"line: {where(newer[0])} ({when(newer[0])}).",
        f"Check whether the page should still list the {named} line among closed models.",
        newer,
    )


def _relicensed(claim: Claim, named: str, repos: list[Entry], world: World) -> Verdict | None:
    claimed = world.model_name(named)
    own = [
        entry for entry in repos
        if _own(entry, named, claimed) and isinstance(_license(entry), str)
    ]
    if len(own) < 2 or _license(own[0]) == _license(own[-1]):
        return None
    first, last = own[0], own[-1]
    return _verdict(
        claim,
        Status.REVIEW,
        f"{NAME}:open:{named.lower()}:{_license(last)}",
        f"{named} is named as open-weight; its first repo {first.key} ({when(first)}) says "
        f"'{_license(first)}', its newest {last.key} ({when(last)}) says '{_license(last)}'.",
        f"Check the licence of the newest {named} weights.",
        [last, first],
    )


def _license(entry: Entry) -> str | None:
    value = entry.observation.finding.attributes.get("license")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _verdict(
    claim: Claim,
    status: Status,
    cause: str,
    reason: str,
    suggestion: str,
    entries: list[Entry],
) -> Verdict:
    return Verdict(
        claim_id=claim.id,
        rule=NAME,
        status=status,
        cause=cause,
        reason=reason,
        suggestion=suggestion,
        evidence=tuple(entry.evidence() for entry in islice(entries, EVIDENCE_LIMIT)),
    )
