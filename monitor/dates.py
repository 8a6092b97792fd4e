"""Date phrases in prose: "April 2026", "as of 2025", "(2023)", "2024–2025", "Q3 2025".

``find_dates`` returns every date phrase a statement states, in reading order, with
the period it names (``rules.asof.AsOf``, precision kept) and its kind:

- ``point``: "April 2026", "Dec. 2024", "2026-04-15", "15 April 2026", "in 2026";
- ``range``: "2024–2025", "2024-2025", "2024–25"; the period is the end year;
- ``as-of``: "as of May 2026", "as of 2025"; the phrase includes "as of";
- ``parenthetical``: a date alone in parentheses, "(2023)", "(March 2025)".

Choices worth knowing:
- "Q3 2025" is read as month precision at the quarter's last month (2025-09), so a
  claim "as of Q3 2025" is fresh until the quarter is over.
- A bare four-digit year counts only where prose uses years: in parentheses, after
  "as of", or after a word like "in", "since", "by", "during", "early", "mid-".
  Model sizes, prices, counts and versions ("235B", "$5.6M", "1,000+", "RTX 4090",
  "GPT-4o", "o1-2024-12-17") are never dates.
- Month names must be capitalised, so "may 2026" in running text is not a date.
- Half-years ("H1 2025") and month ranges ("March–May 2025") are not read as such;
  the latter yields its last month ("May 2025").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from rules.asof import AsOf, Precision

DateKind = Literal["point", "range", "as-of", "parenthetical"]

_MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_END = r"(?![\w%+]|[.,]\d)"  # not "2025x", "2025%", "2025+", "2025.1", "2025,000"
_DASH = r"\s*[-–—]\s*"

_ISO_DAY = re.compile(rf"(?<![\w.\-/])({_YEAR})-(\d{{2}})-(\d{{2}})(?![\w\-/])")
_ISO_MONTH = re.compile(rf"(?<![\w.\-/])({_YEAR})-(0[1-9]|1[0-2])(?![\w\-/]|[.,]\d)")
_DAY_MONTH_YEAR = re.compile(rf"(?<![\w.])(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH}),? ({_YEAR}){_END}")
_MONTH_DAY_YEAR = re.compile(rf"(?<!\w)({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?,? ({_YEAR}){_END}")
_MONTH_YEAR = re.compile(rf"(?<!\w)({_MONTH}),? ({_YEAR}){_END}")
_QUARTER = re.compile(rf"(?<!\w)Q([1-4]) ({_YEAR}){_END}")
_YEAR_RANGE = re.compile(rf"(?<![\w$€£.,\-/])({_YEAR})(?:{_DASH}|\s+to\s+)({_YEAR}|\d{{2}}){_END}")
_BARE_YEAR = re.compile(rf"(?<![\w$€£])({_YEAR}){_END}")

_AS_OF_BEFORE = re.compile(r"\bas (?:of|at)\s+$", re.IGNORECASE)
_YEAR_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|from|until|till|through|throughout|during|before|after|early|late"
    r"|end of|start of|beginning of|spring|summer|autumn|fall|winter|circa|around|FY)\s+"
    r"|\b(?:mid|early|late)-)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """One date phrase of a statement; ``span`` is where the phrase sits in the text."""

    phrase: str
    as_of: AsOf
    kind: DateKind
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    as_of: AsOf
    kind: DateKind
    bare_year: bool = False


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name.rstrip(".")[:3].lower()]


def _day(year: str, month: int, day: str) -> AsOf | None:
    try:
        return AsOf(date(int(year), month, int(day)), Precision.DAY)
    except ValueError:
        return None


def _month(year: str, month: int) -> AsOf:
    return AsOf(date(int(year), month, 1), Precision.MONTH)


def _year(year: int) -> AsOf:
    return AsOf(date(year, 1, 1), Precision.YEAR)


def _range_end(first: str, last: str) -> AsOf | None:
    start = int(first)
    end = int(last) if len(last) == 4 else start // 100 * 100 + int(last)
    return _year(end) if 0 < end - start <= 50 else None


_Reader = Callable[[re.Match[str]], AsOf | None]
_READERS: tuple[tuple[re.Pattern[str], _Reader, DateKind], ...] = (
    (_ISO_DAY, lambda m: _day(m[1], int(m[2]), m[3]), "point"),
    (_DAY_MONTH_YEAR, lambda m: _day(m[3], _month_number(m[2]), m[1]), "point"),
    (_MONTH_DAY_YEAR, lambda m: _day(m[3], _month_number(m[1]), m[2]), "point"),
    (_ISO_MONTH, lambda m: _month(m[1], int(m[2])), "point"),
    (_MONTH_YEAR, lambda m: _month(m[2], _month_number(m[1])), "point"),
    (_QUARTER, lambda m: _month(m[2], int(m[1]) * 3), "point"),
    (_YEAR_RANGE, lambda m: _range_end(m[1], m[2]), "range"),
)


def _candidates(text: str) -> list[_Match]:
    found = []
    for pattern, read, kind in _READERS:
        for match in pattern.finditer(text):
            as_of = read(match)
            if as_of is not None:
                found.append(_Match(match.start(), match.end(), as_of, kind))
    for match in _BARE_YEAR.finditer(text):
        found.append(_Match(match.start(), match.end(), _year(int(match[1])), "point", True))
    return found


def _without_overlaps(matches: list[_Match]) -> list[_Match]:
    """Earliest first, and the longest of those starting at the same place."""
    kept: list[_Match] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def _alone_in_parentheses(text: str, start: int, end: int) -> tuple[int, int] | None:
    before = re.search(r"\(\s*$", text[:start])
    after = re.match(r"\s*\)", text[end:])
    if before and after:
        return before.start(), end + after.end()
    return None


def _dress(text: str, match: _Match) -> FoundDate | None:
    """Widen a bare date to its "as of" or parentheses, and drop implausible bare years."""
    start, end, kind = match.start, match.end, match.kind
    as_of_cue = _AS_OF_BEFORE.search(text[:start])
    parentheses = _alone_in_parentheses(text, start, end)
    if as_of_cue:
        start, kind = as_of_cue.start(), "as-of"
    elif parentheses:
        start, end = parentheses
        kind = "range" if kind == "range" else "parenthetical"
    elif match.bare_year and not _YEAR_CUE_BEFORE.search(text[:start]):
        return None
    return FoundDate(text[start:end], match.as_of, kind, (start, end))


def find_dates(text: str) -> list[FoundDate]:
    """Every date phrase ``text`` states, in reading order."""
    found = (_dress(text, match) for match in _without_overlaps(_candidates(text)))
    return [item for item in found if item is not None]


def latest(dates: list[FoundDate]) -> FoundDate:
    """The date a statement is as of: an "as of" phrase wins, else the latest period end."""
    as_of = [item for item in dates if item.kind == "as-of"]
    pool = as_of or dates
    return max(pool, key=lambda item: (item.as_of.end, item.as_of.start))
