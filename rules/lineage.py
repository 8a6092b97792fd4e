"""What followed a model generation: its newer generations, dated by release evidence only.

Shared by the rules that read the ``latest`` and ``baseline`` roles. A newer generation
is dated by its earliest *release* across the watched sources (rules/evidence.py); a
generation seen only in mentions is reported as mentioned, never dated.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from rules.engine import EVIDENCE_LIMIT, Entry, Generation, Watch, World, words
from rules.evidence import RELEASE_KINDS, announces
from rules.versions import ModelName, format_generation, is_newer

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Successor:
    """A newer generation: its earliest releases, its newest release, or its mentions."""

    generation: ModelName
    releases: tuple[Entry, ...]  # earliest release evidence first
    newest: Entry | None  # the newest release: it names the generation in suggestions
    mentions: tuple[Entry, ...]  # earliest mentions, kept when no release is known

    @property
    def is_released(self) -> bool:
        return bool(self.releases)

    @property
    def first(self) -> Entry:
        return self.releases[0] if self.releases else self.mentions[0]

    @property
    def label(self) -> str:
        """The generation as people write it: "Claude 5", "GPT-5.2"."""
        return format_generation(self.generation)

    @property
    def suggested_name(self) -> str:
        """The name to write in the claim's place: the newest release's, "Claude Opus 5"."""
        return display_name(self.newest.name if self.newest and self.newest.name
                            else self.generation)

    def evidence(self) -> tuple[Entry, ...]:
        return self.releases or self.mentions


def successors(claimed: ModelName, world: World, watch: Watch, now: datetime) -> list[Successor]:
    """Generations newer than ``claimed`` seen by the watched sources up to ``now``,
    newest first."""
    if not claimed.lab:
        return unknown_line_successors(claimed, world, watch, now)
    until = now.timestamp()
    found: list[Successor] = []
    for generation in reversed(world.generations(claimed.line)):
        if not is_newer(generation.name, claimed):
            continue
        releases, mentions = _earliest(generation.timeline.walk(watch, until=until))
        if releases or mentions:
            newest = _newest_release(generation, watch, until) if releases else None
            found.append(Successor(generation.name, releases, newest, () if releases else mentions))
    return found


def _earliest(entries: Iterator[Entry]) -> tuple[tuple[Entry, ...], tuple[Entry, ...]]:
    """The first releases and the first mentions, stopping once enough releases are seen."""
    releases: list[Entry] = []
    mentions: list[Entry] = []
    for entry in entries:
        if entry.release:
            releases.append(entry)
            if len(releases) == EVIDENCE_LIMIT:
                break
        elif len(mentions) < EVIDENCE_LIMIT:
            mentions.append(entry)
    return tuple(releases), tuple(mentions)


# A name the parser does not know, read as brand + version: "Tern 2", "Vega-3.1".
_BRAND_VERSION = re.compile(r"^(?P<brand>[^\W\d_][\w]*)[\s-]?(?P<ver>\d{1,2}(?:\.\d{1,2})?)$")


def read_role_name(named: str, world: World) -> ModelName | None:
    """A role's model name: as the parser reads it, else as an unknown line's brand and
    version ("Tern 2" -> line "Tern", generation (2,)), so new labs' lines are followed."""
    known = world.model_name(named)
    if known is not None:
        return known
    match = _BRAND_VERSION.match(named.strip())
    if match is None:
        return None
    generation = tuple(int(part) for part in match["ver"].split("."))
    return ModelName(named, match["brand"], "", generation)


def unknown_line_successors(
    claimed: ModelName, world: World, watch: Watch, now: datetime
) -> list[Successor]:
    """``successors`` for a line the parser does not know: findings whose title or repo
    id writes the brand with a later version, read from the engine's word index."""
    brand = claimed.line
    version = _version_after(brand)
    by_generation: dict[tuple[int, ...], list[Entry]] = {}
    for entry in world.mentions(words(brand), watch, after=_EPOCH, until=now):
        found = version.search((entry.title or entry.key).lower())
        if found is None:
            continue
        generation = tuple(int(part) for part in found[1].split("."))
        if generation > claimed.generation:
            by_generation.setdefault(generation, []).append(entry)
    successors_found = []
    for generation in sorted(by_generation, reverse=True):
        entries = sorted(by_generation[generation], key=lambda e: e.stamp)  # oldest first
        name = ModelName(f"{brand} {generation}", brand, "", generation)
        releases = tuple(e for e in entries if _announces_unknown(e, brand))[:EVIDENCE_LIMIT]
        newest = next((e for e in reversed(entries) if _announces_unknown(e, brand)), None)
        mentions = () if releases else tuple(entries[:EVIDENCE_LIMIT])
        successors_found.append(Successor(name, releases, newest, mentions))
    return successors_found


def _version_after(brand: str) -> re.Pattern[str]:
    """The version written right after a brand: "tern 3", "tern-2-27b" (not a size)."""
    return re.compile(
        rf"(?<!\w){re.escape(brand.lower())}[\s-]?(\d{{1,2}}(?:\.\d{{1,2}})?)"
        r"(?!\d|\.\d|[bmk]\b)"
    )


def _announces_unknown(entry: Entry, brand: str) -> bool:
    if entry.kind in RELEASE_KINDS:
        return True
    return entry.kind == "post" and announces(entry.title, lambda text: _generic(text, brand))


def _generic(text: str, brand: str) -> ModelName | None:
    match = _BRAND_VERSION.match(text.strip())
    if match is None or match["brand"].lower() != brand.lower():
        found = _version_after(brand).search(text.lower())
        if found is None:
            return None
        return ModelName(text, brand, "", tuple(int(p) for p in found[1].split(".")))
    return ModelName(text, brand, "", tuple(int(p) for p in match["ver"].split(".")))


def _newest_release(generation: Generation, watch: Watch, until: float) -> Entry | None:
    timeline = generation.timeline
    lists = [timeline.entries] if watch is None else [
        entries for source, entries in timeline.by_source().items() if source in watch
    ]
    best: Entry | None = None
    for entries in lists:
        for entry in _backwards(entries, until):
            if entry.release:
                if best is None or entry.stamp > best.stamp:
                    best = entry
                break
    return best


def _backwards(entries: list[Entry], until: float) -> Iterator[Entry]:
    end = bisect_right(entries, until, key=lambda e: e.stamp)
    return (entries[index] for index in range(end - 1, -1, -1))


def display_name(name: ModelName) -> str:
    """A generation with its tier, as the lab writes it: "Claude Opus 4.5", "GPT-4o"."""
    base = format_generation(name)
    tier = name.variant.split("-")[0] if name.variant else ""
    if name.line == "claude" and tier.isalpha() and tier != "instant":
        if name.generation >= (4,):
            return base.replace("Claude ", f"Claude {tier.capitalize()} ", 1)
        return f"{base} {tier.capitalize()}"
    if name.line == "gpt" and tier == "o":
        return base + "o"
    return base


def when(entry: Entry) -> str:
    return f"{entry.time:%Y-%m-%d}" if entry.time else "an unknown day"


def where(entry: Entry) -> str:
    """Which source dated it, and how: "'Introducing Claude 4', news-anthropic"."""
    if entry.kind == "model":
        return f"{entry.key} on {entry.source_id}"
    if entry.kind == "post":
        return f"'{entry.title}', {entry.source_id}"
    return f"{entry.title}, {entry.source_id}"


def before(entry: Entry, moment: datetime) -> bool:
    return entry.stamp < moment.timestamp() and math.isfinite(entry.stamp)
