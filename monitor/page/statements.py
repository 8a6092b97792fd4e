"""Statements: the sentences of a page's text units, and the fact spans inside them.

A statement's ``text`` is a verbatim run of the page (whitespace aside), so the
dashboard finds it. A sentence is split off its unit's text runs; a question is never
a statement, but its dates date the answer after it ("How do they compare in 2026?").
A model named with a dated or licensed gloss inside a longer sentence ("Qwen3
(released April 2026 under Apache 2.0)", "DeepSeek-R1 (January 2025)") is a *fact
span*, a statement of its own; the sentence around it keeps its other assertions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from monitor.catalog import Catalog
from monitor.dates import FoundDate, find_dates
from monitor.page.ids import id_at, take_ids
from monitor.page.licenses import find_licenses
from monitor.page.markdown import TextUnit
from monitor.page.names import find_mentions
from monitor.page.prose import split_sentences


@dataclass(frozen=True)
class Statement:
    section: str
    where: str
    text: str
    row: str = ""
    column: str = ""
    context: tuple[tuple[FoundDate, str], ...] = ()  # dates around it, and where from
    hidden: tuple[tuple[int, int], ...] = ()  # spans drafted as fact spans of their own
    fact: bool = False
    marked_id: str | None = None  # the id of a ``<!-- claim: ID -->`` right after it


def unit_statements(unit: TextUnit, catalog: Catalog) -> Iterator[Statement]:
    context = _header_context(unit)
    question: tuple[tuple[FoundDate, str], ...] = ()
    for run in unit.runs:
        text, ids = take_ids(" ".join(run.split()))
        cursor = 0
        for sentence in split_sentences(text):
            offset = text.find(sentence, cursor)
            cursor = offset + len(sentence)
            if sentence.endswith("?"):
                question = tuple((d, f"question {sentence!r}") for d in find_dates(sentence))
                continue
            base = Statement(unit.section, unit.where, sentence, unit.row, unit.column,
                             question + context)
            spans = fact_spans(sentence, catalog)
            for start, end in spans:
                yield replace(base, text=sentence[start:end], fact=True,
                              marked_id=id_at(ids, offset + end, text))
            yield replace(base, hidden=tuple(spans), marked_id=id_at(ids, cursor, text))


def _header_context(unit: TextUnit) -> tuple[tuple[FoundDate, str], ...]:
    found = [(d, f"column {unit.column!r}") for d in find_dates(unit.column)]
    found += [(d, f"row {unit.row!r}") for d in find_dates(unit.row)]
    found += [(d, f"heading {unit.section!r}") for d in find_dates(unit.section)]
    return tuple(found)


def fact_spans(sentence: str, catalog: Catalog) -> list[tuple[int, int]]:
    """ "Model (… a date or a licence …)" inside a longer sentence."""
    spans = []
    body = sentence.rstrip(".!;:… ")
    for mention in find_mentions(sentence, catalog):
        opening = re.match(r"\s*\(", sentence[mention.end:])
        if not opening:
            continue
        close = sentence.find(")", mention.end)
        if close < 0:
            continue
        inner = sentence[mention.end + opening.end(): close]
        if not (find_dates(inner) or find_licenses(inner)):
            continue
        start = _with_owner(sentence, mention.start)
        if (start, close + 1) != (0, len(body)):
            spans.append((start, close + 1))
    return spans


def _with_owner(sentence: str, start: int) -> int:
    """Keep a possessive owner with the name: "Alibaba's Qwen3 (…)"."""
    owner = re.search(r"([A-Z][\w.-]*['’]s )$", sentence[:start])
    return owner.start() if owner else start
