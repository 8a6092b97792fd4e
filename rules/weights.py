"""Rule ``weights``: what the claim says about open or closed weights still holds.

Role ``closed`` (labs or models named as not publishing weights): a model repo on a
watched hub that is clearly the named model's or lab's own (same generation, or the
named brand in the repo name, on a hub source whose lab is the model's lab) and was
created before the as-of period ended *contradicts* the claim; created later, it asks
for a *review* (the weights were opened since). A repo of a newer generation of a named
model's line ("ERNIE 4.5" for "ERNIE 4.0") asks for a review too. When the sentence
narrows a lab or brand to some of its models ("keep their *frontier* models closed"),
an open repo of that lab asks only for a review: Whisper or Gemma do not make "OpenAI
and Google keep their frontier models closed" false, and a false contradiction costs the
editor more than a review.

Role ``open`` (models named as open-weight): when the newest repos of the model carry
another licence than its first ones, the licence changed: *review*. No sentence is
suggested: the reason ends with what to check.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime
from itertools import islice

from rules.claim import Claim
from rules.engine import (
    EVIDENCE_LIMIT,
    Entry,
    Watch,
    World,
    has_phrase,
    lab_words,
    watch_of,
    words,
)
from rules.lineage import when, where
from rules.verdict import Status, Verdict
from rules.versions import ModelName, is_newer, same_generation

NAME = "weights"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Words by which a sentence says that only some of a lab's models are closed.
_NARROWING = frozenset({"frontier", "flagship", "top", "largest", "best", "strongest", "biggest"})


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    watch = watch_of(claim)
    narrowed = bool(_NARROWING & set(words(claim.text)))
    found = [
        _closed(claim, named, *_closed_repos(world, named, watch, now),
                some_only=narrowed and _lab_or_brand(world, named))
        for named in dict.fromkeys(claim.closed)
    ]
    found += [
        _relicensed(claim, named, _watched(_own_repos(world, named, now), watch))
        for named in dict.fromkeys(claim.open)
    ]
    return [verdict for verdict in found if verdict is not None]


def _lab_or_brand(world: World, named: str) -> bool:
    """Whether ``named`` is a lab or brand rather than one model generation."""
    claimed = world.model_name(named)
    return claimed is None or not claimed.generation


def _watched(entries: list[Entry], watch: Watch) -> list[Entry]:
    return entries if watch is None else [e for e in entries if e.source_id in watch]


def _own_repos(world: World, named: str, now: datetime) -> list[Entry]:
    """The named model's (brand's, lab's) own hub repos, oldest first; shared by claims."""
    key = (NAME, "own", named, now)
    if key not in world.memo:
        claimed = world.model_name(named)
        world.memo[key] = [e for e in _candidates(world, named, now) if _own(e, named, claimed)]
    return world.memo[key]  # type: ignore[return-value]


def _newer_repos(world: World, named: str, now: datetime) -> list[Entry]:
    """Hub repos of newer generations of the named model's line, by its lab."""
    key = (NAME, "newer", named, now)
    if key not in world.memo:
        claimed = world.model_name(named)
        world.memo[key] = [] if claimed is None or not claimed.generation else [
            entry for entry in _candidates(world, named, now)
            if entry.name is not None and is_newer(entry.name, claimed)
            and _lab_matches(entry, claimed.lab)
        ]
    return world.memo[key]  # type: ignore[return-value]


def _closed_repos(
    world: World, named: str, watch: Watch, now: datetime
) -> tuple[list[Entry], list[Entry]]:
    own = _watched(_own_repos(world, named, now), watch)
    return own, ([] if own else _watched(_newer_repos(world, named, now), watch))


def _candidates(world: World, named: str, now: datetime) -> list[Entry]:
    """Hub repos that may be the named model's, brand's, lab's or line's, oldest first:
    found through the engine's indexes, not by reading every repo."""
    key = (NAME, "candidates", named, now)
    if key in world.memo:
        return world.memo[key]  # type: ignore[return-value]
    found: dict[int, Entry] = {}
    claimed = world.model_name(named)
    if claimed is not None and claimed.generation:
        for generation in world.generations(claimed.line):
            found.update((id(e), e) for e in generation.models)
    phrase = words(named)
    for entry in world.mentions(phrase, None, after=_EPOCH, until=now):
        found[id(entry)] = entry
    for entries in world.by_source.values():
        if entries and phrase and set(phrase) <= lab_words(entries[0].observation.lab):
            found.update((id(e), e) for e in entries)
    repos = [
        e for e in found.values()
        if e.kind == "model" and e.time is not None and e.stamp <= now.timestamp()
    ]
    world.memo[key] = sorted(repos, key=lambda e: (e.stamp, e.key))
    return world.memo[key]  # type: ignore[return-value]


def _own(entry: Entry, named: str, claimed: ModelName | None) -> bool:
    """Whether the repo is the named model's (or brand's, or lab's) own open weights."""
    source_lab = lab_words(entry.observation.lab)
    if claimed is not None and claimed.generation:
        return (
            entry.name is not None
            and same_generation(entry.name, claimed)
            and _lab_matches(entry, claimed.lab)
        )
    phrase = words(named)
    if set(phrase) <= source_lab:
        return True  # the named lab publishes on its own hub organisation
    return has_phrase(entry.words, phrase) and (
        entry.name is None or _lab_matches(entry, entry.name.lab)
    )


def _lab_matches(entry: Entry, lab_id: str) -> bool:
    """The hub source speaks for the model's lab ("moonshot" for "Moonshot AI")."""
    source_lab = lab_words(entry.observation.lab)
    return not source_lab or lab_id in source_lab or bool(set(lab_id.split("-")) & source_lab)


def _closed(
    claim: Claim, named: str, own: list[Entry], newer: list[Entry], *, some_only: bool
) -> Verdict | None:
    if own:
        cutoff = claim.as_of.end_utc.timestamp()  # ``own`` is oldest first
        early = own[: bisect_left(own, cutoff, key=lambda e: e.stamp)]
        shown = early or own
        status = Status.CONTRADICTED if early and not some_only else Status.REVIEW
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
            f"{where(shown[0])} ({when(shown[0])}); "
            + (
                "check that the models the sentence means are not among them."
                if some_only
                else f"move {named} out of the closed models, or say which {named} models "
                "stay closed."
            ),
            shown,
        )
    if not newer:
        return None
    lab = newer[0].observation.lab or newer[0].source_id
    return _verdict(
        claim,
        Status.REVIEW,
        f"{NAME}:closed:{named.lower()}:line",
        f"{named} is named as closed, and {lab} has since published open weights of its "
        f"line: {where(newer[0])} ({when(newer[0])}); check whether the page should still "
        "list it among closed models.",
        newer,
    )


def _relicensed(claim: Claim, named: str, repos: list[Entry]) -> Verdict | None:
    own = [entry for entry in repos if isinstance(_license(entry), str)]
    if len(own) < 2 or _license(own[0]) == _license(own[-1]):
        return None
    first, last = own[0], own[-1]
    return _verdict(
        claim,
        Status.REVIEW,
        f"{NAME}:open:{named.lower()}:{_license(last)}",
        f"{named} is named as open-weight; its first repo {first.key} ({when(first)}) says "
        f"'{_license(first)}', its newest {last.key} ({when(last)}) says '{_license(last)}'; "
        "check the licence of the newest weights.",
        [last, first],
    )


def _license(entry: Entry) -> str | None:
    value = entry.observation.finding.attributes.get("license")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _verdict(
    claim: Claim, status: Status, cause: str, reason: str, entries: list[Entry]
) -> Verdict:
    # No suggestion: no sentence can be written for the editor here (which models stay
    # closed is theirs to say), so the reason ends with what to check.
    return Verdict(
        claim_id=claim.id,
        rule=NAME,
        status=status,
        cause=cause,
        reason=reason,
        evidence=tuple(entry.evidence() for entry in islice(entries, EVIDENCE_LIMIT)),
    )
