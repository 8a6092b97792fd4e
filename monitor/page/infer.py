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
from collections.abc import Sequence
from dataclasses import dataclass, field

from monitor.catalog import Catalog
from monitor.dates import find_dates
from monitor.page.licenses import find_licenses
from monitor.page.names import Mention, find_mentions
from monitor.page.prose import find_names

_BASELINE_BEFORE = re.compile(
    r"(?:\bthan|\bcaught up with|\bcatch(?:es|ing)? up with|\bmatch(?:es|ing)?|\bequals?"
    r"|\bbeats?|\bbeat|\boutperforms?|\brivals?|\bstand up to|\bon par with|\bcompared with"
    r"|\bcompared to|\bvs\.?|\bversus|\bagainst|\bat)\s+(?:the\s+)?(?:[A-Z]\w*['’]s\s+)?$",
    re.IGNORECASE,
)
_BASELINE_AFTER = re.compile(r"^[\s-](?:level|class)\b", re.IGNORECASE)
_LATEST = re.compile(
    r"\b(?:frontier|newest|latest|leading|lead|leads|strongest|ahead|state[- ]of[- ]the[- ]art"
    r"|flagship|most capable)\b",
    re.IGNORECASE,
)
_TIME_REFERENCE = re.compile(r"\b(?:since|after|before|until)\s+(?:the\s+)?$", re.I)
_CLAUSE_CUT = re.compile(r";\s*|,\s+(?=(?:and|but|while|whereas)\b)")
_RELEASE_COLUMN = re.compile(r"releas|launch|date|out\b|shipped", re.IGNORECASE)
_RELEASED_VERB_BEFORE = re.compile(
    r"\b(?:released|launched|shipped|introduced|unveiled|announced)\s+(?:its\s+|the\s+)?$",
    re.IGNORECASE,
)
_RELEASED_VERB = re.compile(
    r"\b(?:released|came out|launched|shipped|introduced|unveiled|shown|announced)\b",
    re.IGNORECASE,
)
_OPEN = re.compile(r"\bopen(?:[- ]weights?| models?| source|-source)\b", re.IGNORECASE)
_CLOSED = re.compile(
    r"\bclosed[- ](?:weights?|source|models?|frontier|systems?|APIs?)\b|\bmodels?, closed\b"
    r"|\b(?:stays?|remains?|kept|is|are) closed\b",
    re.IGNORECASE,
)
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
    (re.compile(r"\bGPUs?\b|\bchips?\b|semiconductor", re.IGNORECASE), "AI chips"),
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


def infer(text: str, catalog: Catalog, *, row: str = "", column: str = "",
          hidden: Sequence[tuple[int, int]] = ()) -> Inferred:
    """What ``text`` expects of the world.

    ``row`` and ``column`` are a table cell's headers; ``hidden`` the spans of fact
    spans drafted as claims of their own: their licence and dates are theirs, not this
    statement's, but the models they name keep their roles here.
    """
    result = Inferred()
    mentions = find_mentions(text, catalog)
    result.mentions = mentions
    roles = [m for m in mentions if not _TIME_REFERENCE.search(text[:m.start])]
    facts = [m for m in mentions if not any(a <= m.start < b for a, b in hidden)]
    masked = _masked(text, hidden)
    _baselines(text, roles, result)
    _about(masked, facts, result)
    if not facts and row:
        _about_row(masked, row, column, catalog, result)
    clauses = _clauses(text)
    _latest(text, f"{row} {column}", roles, clauses, result)
    _leaders(text, row, column, roles, result)
    _open_closed(text, f"{row} {column}", roles, clauses, result)
    _exists(mentions, result)
    if not any(m.is_generation for m in mentions):
        _keywords(text, mentions, catalog, result)
    labs = {m.lab.id: m.lab for m in mentions}
    result.watch = sorted({entry["id"] for lab in labs.values() for entry in lab.sources()
                           if entry["kind"] != "github"})  # repos release tools, not models
    if result.watch:
        result.why["watch"] = "the sources of the labs it names: " + ", ".join(
            lab.name for lab in labs.values()
        )
    return result


def _masked(text: str, hidden: Sequence[tuple[int, int]]) -> str:
    for start, end in hidden:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a sentence: cut at ";" and at ", and" / ", but" / ", while"."""
    cuts = [0] + [m.end() for m in _CLAUSE_CUT.finditer(text)] + [len(text)]
    return list(zip(cuts, cuts[1:], strict=False))


def _clause_of(clauses: list[tuple[int, int]], position: int) -> tuple[int, int]:
    return next((c for c in clauses if c[0] <= position < c[1]), (0, 0))


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
        dates = _release_dates(text, mention)
        if dates:
            result.about = result.about or mention.text
            if result.about == mention.text:
                result.released = str(dates[0].as_of)
                result.why["released"] = f'"{dates[0].phrase}" said of {mention.text}'
            break
    if result.about:
        result.why["about"] = f"the licence or release date is said of {result.about}"


def _release_dates(text: str, mention: Mention) -> list:
    """ "X (… April 2025 …)", "X came out in April 2025", "released X in April 2025"."""
    gloss = re.match(r"\s*\(([^)]*)\)", text[mention.end:])
    dates = find_dates(gloss.group(1)) if gloss else []
    if not dates:
        after = text[mention.end: mention.end + 60]
        verb = _RELEASED_VERB.search(after)
        if verb is None and _RELEASED_VERB_BEFORE.search(text[:mention.start]):
            verb = re.match(r"", after)
        dates = find_dates(after[verb.end():]) if verb else []
    return [d for d in dates if d.kind != "as-of"]


def _about_row(text: str, row: str, column: str, catalog: Catalog, result: Inferred) -> None:
    """A table cell that names no model speaks of its row's model: "Apache 2.0" in the
    licence column, "April 2024" in the release column of the row "Llama 3"."""
    named = find_mentions(row, catalog)
    if not named:
        return
    model = named[0].text
    licenses = find_licenses(text)
    if len({item.hub_id for item in licenses}) == 1:
        result.about, result.license = model, licenses[0].hub_id
        result.why["license"] = f'"{licenses[0].phrase}" in the row of {model}'
    dates = [d for d in find_dates(text) if d.kind != "as-of"]
    if dates and _RELEASE_COLUMN.search(column):
        result.about, result.released = model, str(dates[0].as_of)
        result.why["released"] = f'"{dates[0].phrase}" under {column!r} in the row of {model}'
    if result.about:
        result.why["about"] = f"the cell speaks of its row's model, {model}"


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


def _latest(text: str, headers: str, mentions: list[Mention],
            clauses: list[tuple[int, int]], result: Inferred) -> None:
    named = [m for m in mentions if m.is_generation and m.text not in result.baseline
             and m.text != result.about]
    if not named:
        return
    in_clause = [m for m in named if _LATEST.search(text[slice(*_clause_of(clauses, m.start))])]
    cue = _LATEST.search(text) or _LATEST.search(headers)
    chosen = in_clause or (named if cue and not _LATEST.search(text) else [])
    if not chosen and cue and len({_clause_of(clauses, m.start) for m in named}) == 1:
        chosen = named
    if chosen:
        result.latest = _unique([m.text for m in chosen])
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


def _leaders(text: str, row: str, column: str, mentions: list[Mention],
             result: Inferred) -> None:
    cue = re.search(r"\b(?:lead|leads|leading|strongest)\b", text + " " + column, re.I)
    region = _region(column) or _single_region(text)
    names = [m.text for m in mentions if m.text not in result.baseline]
    if cue is None or region is None or not names or not result.latest:
        return
    weights = "open" if _OPEN.search(f"{text} {row} {column}") else "any"
    result.leaders = {"names": _unique(names), "region": region, "weights": weights}
    result.why["leaders"] = f'"{cue.group()}" with the region {region!r}'


def _open_closed(text: str, headers: str, mentions: list[Mention],
                 clauses: list[tuple[int, int]], result: Inferred) -> None:
    named = [m for m in mentions if m.text not in result.baseline]
    said = _CLOSED.search(text) or _OPEN.search(text)
    for mention in named:
        clause = text[slice(*_clause_of(clauses, mention.start))]
        closed, opened = _CLOSED.search(clause), _OPEN.search(clause)
        if not said:  # only the table headers say it: they speak for the whole cell
            closed, opened = _CLOSED.search(headers), _OPEN.search(headers)
        if closed and not opened:
            result.closed.append(mention.text)
            result.why.setdefault("closed", f'"{closed.group()}" said of it')
        elif opened and not closed:
            result.open.append(mention.text)
            result.why.setdefault("open", f'"{opened.group()}" said of it')
    result.closed, result.open = _unique(result.closed), _unique(result.open)


def _exists(mentions: list[Mention], result: Inferred) -> None:
    for mention in mentions:
        org = mention.lab.hub_org
        if mention.has_size and org and " " not in mention.text:
            result.exists.append(f"{org}/{mention.text}")
    if result.exists:
        result.exists = _unique(result.exists)
        result.why["exists"] = "a model named with its size, on its lab's hub organisation"


def topics(text: str) -> list[str]:
    return [word for pattern, word in _TOPICS if pattern.search(text)]


def _keywords(text: str, mentions: list[Mention], catalog: Catalog,
              result: Inferred) -> None:
    """Topics and names, but not a lab or brand: its every post would match; the
    sources of the labs named (``watch``) cover those."""
    brands = {m.text for m in mentions} | {word for lab in catalog.labs
                                           for word in (*lab.name.split(), *lab.families)}
    words = topics(text)
    words += [name.text for name in find_names(text) if name.text not in _PLACES
              and name.text.split("'")[0] not in brands
              and not re.fullmatch(r"[A-Z]{1,3}", name.text)]
    result.keywords = _unique(words)[:MAX_KEYWORDS]
    if result.keywords:
        result.why["keywords"] = "no model named: its topic and the names it gives"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
