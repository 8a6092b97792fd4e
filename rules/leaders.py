"""Rule ``leaders``: another lab of the region released in the category the claim ranks.

"Llama 4 and Mistral lead US open-weight models" (role ``leaders``: names, region,
weights). A release by a watched lab of that region that is none of the leaders'
labs asks for a *review*: for ``weights = "open"`` a hub repo (open weights), for
``"any"`` any release evidence. Sources say their lab and region (the config's
``[[source]]`` lab and region, carried on each observation).

Releases count after the as-of period (after 1 July for a year-only as-of, as news
does): what came out before it, the sentence's writer could see. A repo is a leader's
own when its source's lab, its model's lab or line, or its name's words match a named
leader ("Kimi" covers moonshotai/Kimi-K2-Thinking). One verdict per other lab (cause
``leaders:<region>:<lab>``), citing its earliest releases; the proposed edit adds each
other lab's newest model to the sentence's list, and once named they count as leaders.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from rules.claim import Claim, Leaders
from rules.engine import EVIDENCE_LIMIT, Entry, World, has_phrase, lab_words, watch_of, words
from rules.lineage import display_name, when, where
from rules.suggest import find_span
from rules.verdict import Status, Verdict

NAME = "leaders"
SEPARATORS = ("; ", ", ")
REGIONS = {"us": "US", "china": "Chinese", "elsewhere": "non-US, non-Chinese"}


@dataclass(frozen=True)
class _Released:
    """One source's releases in the category, oldest first, and its flagship."""

    lab: str
    entries: list[Entry]
    flagship: Entry | None  # the newest of a versioned line; None: fall back to the newest


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    leaders = claim.leaders
    if leaders is None:
        return []
    since = _since(claim)
    key = (NAME, leaders, now)
    if key not in world.memo:  # the same leaders often appear in several claims of a page
        world.memo[key] = _other_sources(world, leaders, now)
    by_source: dict[str, _Released] = world.memo[key]  # type: ignore[assignment]
    watch = watch_of(claim)
    by_lab: dict[str, list[_Released]] = {}
    for source_id, released in sorted(by_source.items()):
        if watch is None or source_id in watch:
            window = _window(released, since)
            if window is not None:
                by_lab.setdefault(released.lab, []).append(window)
    models = [
        _model(max((r.flagship for r in found if r.flagship), key=_order))
        for found in by_lab.values()
    ]
    edits = _add_to_list(claim.text, leaders, sorted(models))
    return [
        _verdict(claim, leaders, lab, found, since, edits)
        for lab, found in sorted(by_lab.items())
    ]


def _window(released: _Released, since: float) -> _Released | None:
    """The source's releases since ``since``, with the flagship among them."""
    start = bisect_left(released.entries, since, key=_stamp)
    entries = released.entries[start:]
    if not entries:
        return None
    flagship = released.flagship
    if flagship is None or flagship.stamp < since:
        flagship = entries[-1]
    return _Released(released.lab, entries, flagship)


def _other_sources(world: World, leaders: Leaders, now: datetime) -> dict[str, _Released]:
    """The releases up to ``now`` of the region's labs that are no leader's, by source."""
    labs, lines, names = set(), set(), set()
    phrases = []
    for named in leaders.names:
        claimed = world.model_name(named)
        if claimed is not None:
            labs.add(claimed.lab)
            lines.add(claimed.line)
        names.update(words(named))
        phrases.append(words(named))
    by_source: dict[str, list[Entry]] = {}
    for entry in _releases(world, leaders, now.timestamp()):
        if lab_words(entry.observation.lab) & (labs | names):
            continue  # the leaders' own hub organisations
        if entry.name is not None and (entry.name.lab in labs or entry.name.line in lines):
            continue
        if any(has_phrase(entry.words, phrase) for phrase in phrases):
            continue  # a leader's model, wherever it was uploaded
        by_source.setdefault(entry.source_id, []).append(entry)
    return {
        source_id: _Released(entries[0].observation.lab or source_id, entries, _versioned(entries))
        for source_id, entries in by_source.items()
    }


def _order(entry: Entry) -> tuple[float, str]:
    return (entry.stamp, entry.key)


def _versioned(entries: list[Entry]) -> Entry | None:
    """The newest repo of a versioned model line, if any."""
    versioned = [e for e in entries if e.name is not None and e.name.generation]
    return max(versioned, key=_order) if versioned else None


def _model(entry: Entry) -> str:
    """How the sentence would name it: "gpt-oss", "Gemma 3", else the repo's own name."""
    return display_name(entry.name) if entry.name is not None else entry.key.rpartition("/")[2]


def _releases(world: World, leaders: Leaders, until: float) -> list[Entry]:
    entries = world.releases_in(leaders.region, leaders.weights == "open")
    return entries[: bisect_right(entries, until, key=_stamp)]


def _stamp(entry: Entry) -> float:
    return entry.stamp


def _since(claim: Claim) -> float:
    """Releases count after the as-of period (after 1 July for a year-only as-of)."""
    return claim.as_of.news_after.timestamp()


def _verdict(
    claim: Claim,
    leaders: Leaders,
    lab: str,
    found: list[_Released],
    since: float,
    edits: tuple[tuple[str, str], ...],
) -> Verdict:
    earliest = list(islice(heapq.merge(*(r.entries for r in found), key=_order), EVIDENCE_LIMIT))
    first = earliest[0]
    newest = max((r.entries[-1] for r in found), key=_order)
    model = _model(max((r.flagship for r in found if r.flagship), key=_order))
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
        evidence=tuple(entry.evidence() for entry in earliest),
        edits=edits,
    )


def _add_to_list(
    text: str, leaders: Leaders, models: list[str]
) -> tuple[tuple[str, str], ...]:
    """Add ``models`` to the sentence's list of leaders, after the last one it names:
    "Llama 4; Mistral" -> "Llama 4; Mistral; gpt-oss", "A, B and C" -> "A, B, C and D"."""
    placed = sorted(
        (start, text[start : start + len(name)])
        for name in leaders.names
        if (start := find_span(text, name)) >= 0
    )
    if not placed or not models:
        return ()
    added = list(dict.fromkeys(models))
    start, last = placed[-1]
    if len(placed) > 1:
        before_start, before = placed[-2]
        between = text[before_start + len(before) : start]
        if between == " and ":
            old = text[before_start : start + len(last)]
            return ((old, f"{before}, {', '.join([last, *added[:-1]])} and {added[-1]}"),)
    separator = next((s for s in SEPARATORS if s in text), ", ")
    return ((last, separator.join([last, *added])),)
