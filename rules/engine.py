"""The engine: index what the sources observed once, then run every rule on every claim.

``World`` is built once per check from the observations and the sources' health. Each
finding is read once (its model name parsed, its title split into words) and filed in
indexes that the rules query: by source, by model line and generation, by word, by hub
repo id. Building costs O(n log n) for n observations (one sort by time); each rule's
query then costs about the size of its answer, so a check grows linearly with the data.
"""

from __future__ import annotations

import gc
import heapq
import math
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cmp_to_key, lru_cache

from rules.claim import Claim
from rules.evidence import is_release
from rules.observed import Observation, SourceHealth
from rules.verdict import Evidence, Status, Verdict
from rules.versions import ModelName, generation_key, is_newer, parse_model_name

EVIDENCE_LIMIT = 5
MODEL_KINDS = frozenset({"model", "release"})  # their names should parse; see unknown_names
NAMED_KINDS = MODEL_KINDS | {"post"}  # a lab's post titled with a model name announces it

# A word: letters/digits, keeping decimal versions whole ("qwen3.5", "v0.8.5", "2.0").
_WORD = re.compile(r"[^\W_]+(?:\.\d+)*")

Watch = frozenset[str] | None  # None: every source


def words(text: str) -> tuple[str, ...]:
    """Lower-cased words of a text: "Qwen3.5-Plus: Towards..." -> ("qwen3.5", "plus", "towards")."""
    return tuple(map(sys.intern, _WORD.findall(text.lower())))  # one string per word


@lru_cache(maxsize=4096)
def lab_words(lab: str) -> frozenset[str]:
    """The words of a source's lab, once per lab: "Moonshot AI" -> {"moonshot", "ai"}."""
    return frozenset(words(lab))


def has_phrase(text_words: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether ``phrase`` occurs as consecutive whole words of ``text_words``."""
    size = len(phrase)
    if size == 0:
        return False
    first = phrase[0]
    for start, word in enumerate(text_words):
        if word == first and tuple(text_words[start : start + size]) == tuple(phrase):
            return True
    return False


def watch_of(claim: Claim) -> Watch:
    """The sources whose evidence counts for ``claim``; None means all of them."""
    return frozenset(claim.watch) if claim.watch else None


def generation_id(name: ModelName) -> str:
    """Stable id of a model generation for causes: "qwen:3", "qwen:3.5", "deepseek-v:3"."""
    generation = ".".join(str(part) for part in name.generation)
    return f"{name.line}:{generation or name.variant or '-'}"


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    """One observation as the engine read it: its time, parsed model name and words."""

    observation: Observation
    source_id: str
    kind: str
    key: str
    time: datetime | None
    stamp: float  # ``time`` as POSIX seconds, -inf when unknown
    name: ModelName | None
    words: tuple[str, ...]
    release: bool  # evidence of a release, not a mere mention (rules/evidence.py)

    @property
    def title(self) -> str:
        return self.observation.finding.title

    def evidence(self) -> Evidence:
        finding = self.observation.finding
        return Evidence(self.source_id, finding.key, finding.title, finding.url, self.time)


def _latest_listing(entries: Iterable[Entry]) -> dict[str, datetime]:
    """Each source's newest last-seen time: when it last listed its repos."""
    latest: dict[str, datetime] = {}
    for entry in entries:
        seen = entry.observation.last_seen
        if entry.kind != "model" or seen is None:
            continue
        current = latest.get(entry.source_id)
        if current is None or seen > current:
            latest[entry.source_id] = seen
    return latest


def _negative_stamp(entry: Entry) -> float:
    return -entry.stamp


def _stamp(entry: Entry) -> float:
    return entry.stamp


class Timeline:
    """Entries with a known time, in time order; split by source on first need.

    ``newest_first`` timelines answer "the newest since X"; the others "the earliest".
    Entries must be added in that order (the World adds them from one sorted pass).
    """

    __slots__ = ("newest_first", "entries", "_by_source")

    def __init__(self, newest_first: bool, entries: list[Entry] | None = None) -> None:
        self.newest_first = newest_first
        self.entries: list[Entry] = entries if entries is not None else []
        self._by_source: dict[str, list[Entry]] | None = None

    def walk(
        self, watch: Watch, after: float = -math.inf, until: float = math.inf
    ) -> Iterator[Entry]:
        """Entries with ``after <= stamp <= until`` from the watched sources, in order."""
        if watch is None:
            return self._window(self.entries, after, until)
        by_source = self.by_source()
        parts = [
            self._window(by_source[source], after, until)
            for source in sorted(watch)
            if source in by_source
        ]
        if len(parts) == 1:
            return parts[0]
        order = _negative_stamp if self.newest_first else _stamp
        return heapq.merge(*parts, key=order)

    def by_source(self) -> dict[str, list[Entry]]:
        # Built once, on the first watched query: each timeline costs one pass at most.
        if self._by_source is None:
            self._by_source = {}
            for entry in self.entries:
                self._by_source.setdefault(entry.source_id, []).append(entry)
        return self._by_source

    def _window(self, entries: list[Entry], after: float, until: float) -> Iterator[Entry]:
        if self.newest_first:
            low = bisect_left(entries, -until, key=_negative_stamp)
            high = bisect_right(entries, -after, key=_negative_stamp)
        else:
            low = bisect_left(entries, after, key=_stamp)
            high = bisect_right(entries, until, key=_stamp)
        return (entries[position] for position in range(low, high))


class Licenses:
    """The hub repos of a generation grouped by license, each group oldest first."""

    __slots__ = ("groups",)

    def __init__(self) -> None:
        self.groups: dict[str, list[list[Entry]]] = {}  # license -> sorted runs

    def count(self, value: str) -> int:
        return sum(len(run) for run in self.groups.get(value, ()))

    def oldest(self, value: str) -> Iterator[Entry]:
        return heapq.merge(*self.groups.get(value, ()), key=_oldest_key)

    def total(self) -> int:
        return sum(self.count(value) for value in self.groups)


def _oldest_key(entry: Entry) -> tuple[float, str]:
    return (entry.stamp if math.isfinite(entry.stamp) else math.inf, entry.key)


class Generation:
    """The models, releases and posts of one generation of one line ("qwen", (3,))."""

    __slots__ = ("name", "timeline", "_models", "_overall", "_by_source", "_by_owner")

    def __init__(self, name: ModelName) -> None:
        self.name = name  # the first name seen: stands for the generation
        self.timeline = Timeline(newest_first=False)
        self._models: list[Entry] = []
        self._overall: dict[str, list[Entry]] | None = None
        self._by_source: dict[str, dict[str, list[Entry]]] | None = None
        self._by_owner: dict[str, list[Entry]] | None = None

    def add_model(self, entry: Entry) -> None:
        self._models.append(entry)

    @property
    def models(self) -> list[Entry]:
        """The generation's hub repos, in the order they were read."""
        return self._models

    def licenses(self, watch: Watch) -> Licenses:
        """Hub repos by lower-cased license, for the watched sources."""
        if self._by_source is None:
            self._build_licenses()
        assert self._overall is not None and self._by_source is not None
        found = Licenses()
        if watch is None:
            found.groups = {value: [entries] for value, entries in self._overall.items()}
            return found
        for source_id in sorted(watch):
            for value, entries in self._by_source.get(source_id, {}).items():
                found.groups.setdefault(value, []).append(entries)
        return found

    def _build_licenses(self) -> None:
        # Once per generation, on first need: group and sort its repos by license.
        self._overall, self._by_source = {}, {}
        for entry in sorted(self._models, key=_oldest_key):
            value = entry.observation.finding.attributes.get("license")
            if isinstance(value, str) and value.strip():
                value = value.strip().lower()
                self._overall.setdefault(value, []).append(entry)
                per_source = self._by_source.setdefault(entry.source_id, {})
                per_source.setdefault(value, []).append(entry)

    def repos_of(self, owner: str) -> list[Entry]:
        """This generation's hub repos under ``owner`` (lower-cased), oldest first."""
        if self._by_owner is None:
            self._by_owner = {}
            for entry in sorted(self._models, key=_oldest_key):
                owner_id = entry.key.lower().rpartition("/")[0]
                self._by_owner.setdefault(owner_id, []).append(entry)
        return self._by_owner.get(owner.lower(), [])


class World:
    """Everything observed, indexed once for the rules."""

    def __init__(self, observations: Iterable[Observation], health: Iterable[SourceHealth]) -> None:
        self.health: dict[str, SourceHealth] = {h.source_id: h for h in health}
        self.by_source: dict[str, list[Entry]] = {}
        self.unknown_names: list[str] = []
        self._lines: dict[str, dict[object, Generation]] = {}
        self._sorted_lines: dict[str, list[Generation]] = {}
        self._words: dict[str, Timeline] = {}
        self._post_words: dict[str, Timeline] = {}
        self._phrases: dict[tuple[int, tuple[str, ...]], Timeline] = {}
        self._repos: dict[str, list[Entry]] = {}  # lower-cased hub repo id -> entries
        self._repo_names: dict[str, list[Entry]] = {}  # lower-cased part after the owner
        self._owner_sources: dict[str, set[str]] = {}  # lower-cased hub owner -> sources
        self._model_counts: dict[str, int] = {}  # source -> hub repos it listed
        self._names: dict[str, ModelName | None] = {}
        self._newest: dict[str, list[Entry]] = {}
        self._regional: dict[tuple[str, bool], list[Entry]] = {}
        # answers rules share between claims that ask the same (rules/leaders.py, weights.py)
        self.memo: dict[tuple[object, ...], object] = {}
        unknown: set[str] = set()
        entries = [self._read(observation, unknown) for observation in observations]
        self._file(entries)
        self.unknown_names = sorted(unknown)

    # -- building ---------------------------------------------------------------

    def _read(self, observation: Observation, unknown: set[str]) -> Entry:
        finding = observation.finding
        moment = observation.time
        name = None
        if finding.kind in NAMED_KINDS:
            is_model = finding.kind in MODEL_KINDS
            texts = (finding.title, finding.key) if is_model else (finding.title,)
            name = next(filter(None, (self.model_name(t) for t in texts if t)), None)
            if name is None and is_model:
                unknown.add(finding.title or finding.key)
        summary = finding.attributes.get("summary")
        text = finding.title if not isinstance(summary, str) else f"{finding.title}\n{summary}"
        stamp = moment.timestamp() if moment is not None else -math.inf
        return Entry(
            observation,
            observation.source_id,
            finding.kind,
            finding.key,
            moment,
            stamp,
            name,
            words(text or ""),
            is_release(finding.kind, finding.title, name, self.model_name),
        )

    def _file(self, entries: list[Entry]) -> None:
        latest = _latest_listing(entries)
        for entry in entries:
            self.by_source.setdefault(entry.source_id, []).append(entry)
            if entry.kind == "model":
                seen = entry.observation.last_seen
                if seen is None or seen >= latest.get(entry.source_id, seen):
                    self._file_repo(entry)  # only what the newest listing still holds
                if entry.name is not None:
                    self._generation(entry.name).add_model(entry)
        timed = sorted((e for e in entries if e.time is not None), key=_stamp)
        for entry in timed:  # oldest first
            if entry.name is not None:
                self._generation(entry.name).timeline.entries.append(entry)
            if entry.kind == "post":
                for word in set(entry.words):
                    self._timeline(self._post_words, word, newest_first=False).append(entry)
        for entry in reversed(timed):  # newest first
            for word in set(entry.words):
                self._timeline(self._words, word, newest_first=True).append(entry)

    def _file_repo(self, entry: Entry) -> None:
        repo = entry.key.strip().lower()
        owner, _, repo_name = repo.rpartition("/")
        self._repos.setdefault(repo, []).append(entry)
        self._repo_names.setdefault(repo_name, []).append(entry)
        self._owner_sources.setdefault(owner, set()).add(entry.source_id)
        self._model_counts[entry.source_id] = self._model_counts.get(entry.source_id, 0) + 1

    def _generation(self, name: ModelName) -> Generation:
        generations = self._lines.setdefault(name.line, {})
        key = generation_key(name)
        if key not in generations:
            generations[key] = Generation(name)
        return generations[key]

    @staticmethod
    def _timeline(index: dict[str, Timeline], word: str, newest_first: bool) -> list[Entry]:
        timeline = index.get(word)
        if timeline is None:
            timeline = index[word] = Timeline(newest_first)
        return timeline.entries

    # -- queries ----------------------------------------------------------------

    def model_name(self, text: str) -> ModelName | None:
        """``parse_model_name``, remembered: claims and findings repeat the same names."""
        if text not in self._names:
            self._names[text] = parse_model_name(text)
        return self._names[text]

    def generations(self, line: str) -> list[Generation]:
        """Every generation seen of a model line, oldest first."""
        if line not in self._sorted_lines:
            found = list(self._lines.get(line, {}).values())
            self._sorted_lines[line] = sorted(found, key=cmp_to_key(_compare_generations))
        return self._sorted_lines[line]

    def mentions(
        self, phrase: Sequence[str], watch: Watch, after: datetime, until: datetime
    ) -> Iterator[Entry]:
        """Findings timed in [after, until] whose title or summary has ``phrase``, newest first."""
        timeline = self._phrase(self._words, phrase)
        return timeline.walk(watch, after.timestamp(), until.timestamp()) if timeline else iter(())

    def posts_naming(self, phrase: Sequence[str], watch: Watch, until: datetime) -> Iterator[Entry]:
        """Posts up to ``until`` whose title or summary holds ``phrase``, oldest first."""
        timeline = self._phrase(self._post_words, phrase)
        return timeline.walk(watch, until=until.timestamp()) if timeline else iter(())

    def _phrase(self, index: dict[str, Timeline], phrase: Sequence[str]) -> Timeline | None:
        """The timeline of a word, or of a phrase (found once, then remembered)."""
        if not phrase or any(word not in index for word in phrase):
            return None
        if len(phrase) == 1:
            return index[phrase[0]]
        remembered = (id(index), tuple(phrase))
        if remembered not in self._phrases:
            rarest = index[min(phrase, key=lambda word: len(index[word].entries))]
            matching = [e for e in rarest.entries if has_phrase(e.words, phrase)]
            self._phrases[remembered] = Timeline(rarest.newest_first, matching)
        return self._phrases[remembered]

    def repos(self, repo_id: str, watch: Watch) -> list[Entry]:
        """Hub findings whose key is ``repo_id`` (or, without an owner, ends with it)."""
        wanted = repo_id.strip().lower()
        found = self._repos.get(wanted, []) if "/" in wanted else self._repo_names.get(wanted, [])
        return [e for e in found if watch is None or e.source_id in watch]

    def sources_listing(self, owner: str | None, watch: Watch) -> list[str]:
        """Sources that have listed hub repos (of ``owner`` when given), sorted."""
        if owner is None:
            found: Iterable[str] = self._model_counts
        else:
            found = self._owner_sources.get(owner.strip().lower(), ())
        return sorted(s for s in found if watch is None or s in watch)

    def repo_count(self, source_id: str) -> int:
        return self._model_counts.get(source_id, 0)

    def releases_in(self, region: str, open_weights: bool) -> list[Entry]:
        """Hub repos (or, not ``open_weights``, any release evidence) of the sources of a
        region, oldest first."""
        key = (region, open_weights)
        if key not in self._regional:
            found = (
                e for entries in self.by_source.values() for e in entries
                if e.observation.region == region and e.time is not None
                and (e.kind == "model" if open_weights else e.release)
            )
            self._regional[key] = sorted(found, key=_oldest_key)
        return self._regional[key]

    def newest(self, watch: Watch, limit: int = EVIDENCE_LIMIT) -> list[Entry]:
        """The newest timed findings of the watched sources (of all when None)."""
        sources = sorted(self.by_source) if watch is None else sorted(watch)
        tops = [self._newest_of(source_id) for source_id in sources]
        return heapq.nlargest(limit, (e for top in tops for e in top), key=_stamp)

    def _newest_of(self, source_id: str) -> list[Entry]:
        if source_id not in self._newest:
            timed = (e for e in self.by_source.get(source_id, ()) if e.time is not None)
            self._newest[source_id] = heapq.nlargest(EVIDENCE_LIMIT, timed, key=_stamp)
        return self._newest[source_id]


def _compare_generations(a: Generation, b: Generation) -> int:
    if is_newer(a.name, b.name):
        return 1
    if is_newer(b.name, a.name):
        return -1
    return 0


@dataclass(frozen=True)
class Evaluation:
    """What one check concluded: verdicts needing a person, and names nobody could read."""

    verdicts: list[Verdict] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)


def evaluate_all(
    claims: Iterable[Claim],
    observations: Sequence[Observation],
    health: Sequence[SourceHealth],
    now: datetime,
) -> Evaluation:
    """Run every rule on every claim; keep the stale, contradicted and review verdicts.

    A claim with no expectations is only checked for age. A claim's verdicts that
    propose edits share one suggestion: the sentence with every edit made.
    """
    from rules.registry import RULES  # the rule modules import this one
    from rules.suggest import with_suggestion

    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    everything = list(RULES.values())
    age_only = [RULES["age"]]
    verdicts: list[Verdict] = []
    with _no_cyclic_collection():
        world = World(observations, health)
        for claim in claims:
            found = [
                verdict
                for rule in (everything if claim.has_expectations else age_only)
                for verdict in rule.evaluate(claim, world, now)
                if verdict.status is not Status.FRESH
            ]
            verdicts.extend(with_suggestion(claim, found))
        unknown_names = world.unknown_names
        del world  # freed by reference counting before the collector looks at it
    return Evaluation(verdicts, unknown_names)


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while the World lives.

    The World is millions of small acyclic objects; each collection of the young
    generations would walk all of them again, which made a check superlinear in practice.
    Reference counting still frees everything once the World is dropped.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
