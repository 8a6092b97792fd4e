"""Rule ``released``: the model the claim is about (``about``) came out when it says.

The earliest *release* evidence across the watched sources counts (rules/evidence.py):
hub repos of the generation (created time), its releases, and posts whose title
announces it; a post that only mentions the model never dates it. Later fine-tunes and
updates change nothing. Periods compare at the claim's precision ("2025" holds for any
day of 2025). The suggestion is the claim's sentence with the date corrected in place
("April 2026" -> "April 2025") when the sentence carries it.
Evidence earlier than the period contradicts the claim. Evidence only later than the
period contradicts it when a source of that evidence lists completely (so an earlier
item would have been seen); otherwise a person should review.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from operator import attrgetter

from rules.asof import AsOf, Precision
from rules.claim import Claim
from rules.engine import EVIDENCE_LIMIT, Entry, World, generation_id, watch_of, words
from rules.license import license_label
from rules.suggest import find_span
from rules.verdict import Status, Verdict
from rules.versions import same_generation

NAME = "released"

_NOUNS = {
    "model": "repos on the Hugging Face Hub were created",
    "release": "was released",
    "post": "was announced",
}


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    if not claim.about or claim.released is None:
        return []
    earliest = _earliest_evidence(claim, world, now)
    first = earliest[0] if earliest else None
    if first is None or first.time is None or claim.released.contains(first.time):
        return []
    claimed = world.model_name(claim.about)
    family_id = (
        generation_id(claimed) if claimed and claimed.generation else claim.about.strip().lower()
    )
    if first.time < claim.released.start_utc:
        status = Status.CONTRADICTED
    else:
        complete = any(_lists_completely(world, entry.source_id) for entry in earliest)
        status = Status.CONTRADICTED if complete else Status.REVIEW
    license_part = f"{license_label(claim.license)}, " if claim.license else ""
    period = _period(first, claim.released)
    return [
        Verdict(
            claim_id=claim.id,
            rule=NAME,
            status=status,
            cause=f"{NAME}:{family_id}:{claim.released}",
            reason=(
                f"{claim.about} {_NOUNS.get(first.kind, 'first appeared')} {_days(earliest)}"
                f"{_where(first)}; the claim says {claim.released.human()}."
            ),
            suggestion=f"{claim.about} ({license_part}{period.human()})",
            evidence=tuple(entry.evidence() for entry in earliest),
            edits=_date_edits(claim.text, claim.released, period),
        )
    ]


def _date_edits(text: str, claimed: AsOf, found: AsOf) -> tuple[tuple[str, str], ...]:
    """The claimed date as the sentence writes it -> the found one, written alike."""
    for old, new in ((claimed.human(), found.human()), (str(claimed), str(found))):
        if find_span(text, old) >= 0:
            return ((old, new),)
    return ()


def _earliest_evidence(claim: Claim, world: World, now: datetime) -> list[Entry]:
    watch = watch_of(claim)
    streams = [world.posts_naming(words(claim.about or ""), watch, until=now)]
    claimed = world.model_name(claim.about or "")
    if claimed is not None and claimed.generation:
        streams.extend(
            generation.timeline.walk(watch, until=now.timestamp())
            for generation in world.generations(claimed.line)
            if same_generation(generation.name, claimed)
        )
    merged = heapq.merge(*streams, key=attrgetter("stamp"))
    releases = (entry for entry in merged if entry.release)
    return list(islice(_unique(releases), EVIDENCE_LIMIT))


def _unique(entries: Iterable[Entry]) -> Iterator[Entry]:
    """Each entry once: a post can be found both by its parsed name and by its words."""
    seen: set[int] = set()
    for entry in entries:
        if id(entry) not in seen:
            seen.add(id(entry))
            yield entry


def _lists_completely(world: World, source_id: str) -> bool:
    health = world.health.get(source_id)
    return health is not None and health.ok and health.complete


def _days(earliest: list[Entry]) -> str:
    """ "2025-04-28/29": the days of the first burst of evidence of the first kind."""
    first = earliest[0]
    days = sorted(
        {
            entry.time.date()
            for entry in earliest
            if entry.kind == first.kind and entry.time and (entry.stamp - first.stamp) < 7 * 86400
        }
    )
    if len(days) == 1:
        return days[0].isoformat()
    start, end = days[0], days[-1]
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.isoformat()}/{end.day:02d}"
    return f"{start.isoformat()} to {end.isoformat()}"


def _where(first: Entry) -> str:
    if first.kind == "model":
        return ""
    if first.kind == "post":
        return f" ('{first.title}', {first.source_id})"
    return f" ({first.source_id})"


def _period(first: Entry, claimed: AsOf) -> AsOf:
    """The period of the first evidence, as precise as the claim was."""
    day = first.time.date()  # type: ignore[union-attr]
    if claimed.precision is Precision.YEAR:
        return AsOf(date(day.year, 1, 1), Precision.YEAR)
    if claimed.precision is Precision.MONTH:
        return AsOf(day.replace(day=1), Precision.MONTH)
    return AsOf(day, Precision.DAY)
