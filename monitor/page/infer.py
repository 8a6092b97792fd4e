"""Expectations inferred from a statement's words, each with what produced it.

The roles come from the sentence's shape:
- *about* (fact scope): "X (…date or licence…)", or a licence right after a model
  ("Qwen3's Apache 2.0 release"), or "X came out / was released in <date>";
- *baseline*: a model after a comparison ("than", "caught up with", "matches",
  "equals", "beats", "at X level", "stand up to");
- *latest*: the other models when the sentence or its table headers say "frontier",
  "newest", "latest", "leading", "strongest", "ahead" or "lead";
- *leaders*: the same, when the headers or sentence also give a region;
- *open* / *closed*: the models of a sentence about open-weight or closed models.
A licence gives ``license``, a model's gloss date ``released``, a size or variant
("Qwen3-72B") ``exists`` with the lab's hub organisation, a statement naming no model
``keywords`` from its topic and names; ``watch`` is every named lab's sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from monitor.catalog import Catalog
from monitor.dates import find_dates
from monitor.page.licenses import find_licenses
from monitor.page.names import Mention, find_mentions
from monitor.page.prose import find_names
from rules.asof import AsOf

_BASELINE_BEFORE = re.compile(
    r"(?:\bthan|\bcaught up with|\bcatch(?:es|ing)? up with|\bmatch(?:es|ing)?|\bequals?"
    r"|\bbeats?|\bbeat|\boutperforms?|\brivals?|\bstand up to|\bon par with|\bcompared with"
    r"|\bcompared to|\bvs\.?|\bversus|\bagainst|\bat)\s+(?:the\s+)?(?:[A-Z]\w*['’]s\s+)?$",
    re.IGNORECASE,
)
_BASELINE_AFTER = re.compile(r"^[\s-](?:level|class)\b", re.IGNORECASE)
_LATEST = re.compile(
    r"\b(?:frontier|newest|latest|leading|lead|leads|strongest|ahead|state[- ]of[- ]the[- ]art"
    r"|flagship|most capable|best)\b",
    re.IGNORECASE,
)
_RELEASED_VERB = re.compile(
    r"\b(?:released|came out|launched|shipped|introduced|unveiled|shown|announced)\b",
    re.IGNORECASE,
)
_OPEN = re.compile(r"\bopen(?:[- ]weights?| models?| source|-source)\b", re.IGNORECASE)
_CLOSED = re.compile(r"\bclosed\b", re.IGNORECASE)
_REGIONS = (
    (re.compile(r"\b(?:US|U\.S\.|American|United States)\b"), "us"),
    (re.compile(r"\b(?:China|Chinese)\b"), "china"),
)
_TOPICS = (
    (re.compile(r"robotaxi|driverless|autonomous", re.IGNORECASE), "robotaxi"),
    (re.compile(r"export control", re.IGNORECASE), "export controls"),
    (re.compile(r"executive order", re.IGNORECASE), "executive order"),
    (re.compile(r"\bAI (?:law|act)\b", re.IGNORECASE), "AI law"),
    (re.compile(r"digital[- ]human|avatar", re.IGNORECASE), "digital human"),
)
_PLACES = frozenset({"China", "US", "USA", "American", "Chinese", "Beijing", "Wuhan", "Europe"})
MAX_KEYWORDS = 4


@dataclass
class Inferred:
    """The expectations of one statement; ``why`` says, per key, what produced it."""

    latest: list[str] = field(default_factory=list)
    baseline: list[str] = field(default_factory=list)
    about: str | None = None
    leaders: dict | None = None
    closed: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    license: str | None = None
    released: str | None = None
    exists: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    watch: list[str] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def asserts_current(self) -> bool:
        """Says what is newest or leading now: such a claim keeps being reviewed."""
        return bool(self.latest or self.leaders or self.baseline)


def infer(text: str, catalog: Catalog, *, headers: str = "") -> Inferred:
    """What ``text`` expects of the world; ``headers`` are its table row and column."""
    result = Inferred()
    mentions = find_mentions(text, catalog)
    result.mentions = mentions
    _baselines(text, mentions, result)
    _about(text, mentions, result)
    _latest(text, headers, mentions, result)
    _leaders(text, headers, mentions, result)
    _open_closed(text, headers, mentions, result)
    _exists(mentions, result)
    if not any(m.is_generation for m in mentions):
        _keywords(text, mentions, result)
    labs = {m.lab.id: m.lab for m in mentions}
    result.watch = sorted({entry["id"] for lab in labs.values() for entry in lab.sources()
                           if entry["kind"] != "github"})  # repos release tools, not models
    if result.watch:
        result.why["watch"] = "the sources of the labs it names: " + ", ".join(
            lab.name for lab in labs.values()
        )
    return result


def _about(text: str, mentions: list[Mention], result: Inferred) -> None:
    licenses = find_licenses(text)
    if len({item.hub_id for item in licenses}) == 1 and mentions:
        compared = [m for m in mentions if m.text not in result.baseline] or mentions
        owner = _nearest_before(compared, licenses[0].start) or compared[0]
        result.about, result.license = owner.text, licenses[0].hub_id
        result.why["license"] = f'"{licenses[0].phrase}" said of {owner.text}'
    elif len(licenses) > 1:
        result.why["license"] = "several licences named; set license by hand"
    for mention in mentions:
        gloss = re.match(r"\s*\(([^)]*)\)", text[mention.end:])
        dates = find_dates(gloss.group(1)) if gloss else []
        if not dates:
            after = text[mention.end: mention.end + 60]
            verb = _RELEASED_VERB.search(after)
            dates = find_dates(after[verb.end():]) if verb else []
        dates = [d for d in dates if d.kind != "as-of"]
        if dates:
            result.about = result.about or mention.text
            if result.about == mention.text:
                result.released = str(dates[0].as_of)
                result.why["released"] = f'"{dates[0].phrase}" said of {mention.text}'
            break
    if result.about:
        result.why["about"] = f"the licence or release date is said of {result.about}"


def _nearest_before(mentions: list[Mention], position: int) -> Mention | None:
    before = [m for m in mentions if m.end <= position]
    return before[-1] if before else None


def _baselines(text: str, mentions: list[Mention], result: Inferred) -> None:
    for mention in mentions:
        cue = _BASELINE_BEFORE.search(text[max(0, mention.start - 40): mention.start])
        after = _BASELINE_AFTER.match(text[mention.end:])
        glossed = re.match(r"\s*\(", text[mention.end:]) is not None
        if (cue or after) and mention.is_generation and not glossed:
            result.baseline.append(mention.text)
            said = cue.group().strip() if cue else f"{mention.text}{after.group()}"
            result.why.setdefault("baseline", f'compared against: "{said}"')


def _latest(text: str, headers: str, mentions: list[Mention], result: Inferred) -> None:
    cue = _LATEST.search(text) or _LATEST.search(headers)
    if cue is None:
        return
    named = [m.text for m in mentions if m.is_generation and m.text not in result.baseline
             and m.text != result.about]
    if named:
        result.latest = _unique(named)
        where = "the sentence" if _LATEST.search(text) else "its table headers"
        result.why["latest"] = f'"{cue.group()}" in {where}'


def _region(text: str) -> str | None:
    for pattern, region in _REGIONS:
        if pattern.search(text):
            return region
    return None


def _single_region(text: str) -> str | None:
    found = {region for pattern, region in _REGIONS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def _leaders(text: str, headers: str, mentions: list[Mention], result: Inferred) -> None:
    cue = re.search(r"\b(?:lead|leads|leading|strongest)\b", text + " " + headers, re.I)
    region = _region(headers) or _single_region(text)
    names = [m.text for m in mentions if m.text not in result.baseline]
    if cue is None or region is None or not names or not result.latest:
        return
    weights = "open" if _OPEN.search(text + " " + headers) else "any"
    result.leaders = {"names": _unique(names), "region": region, "weights": weights}
    result.why["leaders"] = f'"{cue.group()}" with the region {region!r}'


def _open_closed(text: str, headers: str, mentions: list[Mention], result: Inferred) -> None:
    both = text + " " + headers
    named = [m.text for m in mentions if m.is_generation and m.text not in result.baseline]
    if not named:
        return
    if _CLOSED.search(both) and not _OPEN.search(both):
        result.closed = _unique(named)
        result.why["closed"] = '"closed" in the sentence or its headers'
    elif (match := _OPEN.search(both)) and not _CLOSED.search(both):
        result.open = _unique(named)
        result.why["open"] = f'"{match.group()}" in the sentence or its headers'


def _exists(mentions: list[Mention], result: Inferred) -> None:
    for mention in mentions:
        org = mention.lab.hub_org
        if mention.has_size and org and " " not in mention.text:
            result.exists.append(f"{org}/{mention.text}")
    if result.exists:
        result.exists = _unique(result.exists)
        result.why["exists"] = "a model named with its size, on its lab's hub organisation"


def _keywords(text: str, mentions: list[Mention], result: Inferred) -> None:
    words = [word for pattern, word in _TOPICS if pattern.search(text)]
    words += [m.text for m in mentions]
    words += [name.text for name in find_names(text) if name.text not in _PLACES
              and not re.fullmatch(r"[A-Z]{1,3}", name.text)]
    result.keywords = _unique(words)[:MAX_KEYWORDS]
    if result.keywords:
        result.why["keywords"] = "no model named: its topic and the names it gives"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def as_of_text(value: AsOf) -> str:
    return str(value)
