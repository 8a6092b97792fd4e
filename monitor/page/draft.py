"""Draft claims: a statement, its date and precision, its cadence and expectations.

Dating: the statement's own date wins ("as of" first, else the latest period end, not
counting the dates of fact spans drafted on their own); without one, a checkable
statement (it names a model, a licence, a number, an organisation or product, or a
watched topic) or a cell under a dated table column takes the date of its question,
table header or heading, else the page's date (``--page-date``, the front matter's
``date:``, else the latest date the page states). Other statements are not claims.

Cadence: a dated past fact with no claim about what is current is ``never``
reviewed; "as of" statements and counts ``180d``; what is newest or leading ``90d``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from monitor.dates import FoundDate, find_dates, latest
from monitor.page.infer import Inferred, topics
from monitor.page.licenses import find_licenses
from monitor.page.prose import find_names
from rules.asof import AsOf

_COUNT = re.compile(r"\d[\d,.]*\s*(?:\+|%|x\b|million|billion|thousand)|\b\d{1,3}(?:,\d{3})+"
                    r"|\bmore than \d|\b\d+ (?:cities|vehicles|robotaxis|users|models)\b", re.I)
_ONGOING = re.compile(r"\b(?:since|as of|as at)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Dating:
    as_of: AsOf
    kind: str  # a FoundDate kind, or "page"
    how: str  # what the comment says about it
    ongoing: bool = False


@dataclass(frozen=True)
class DraftClaim:
    id: str
    page: str
    section: str
    text: str
    subject: str
    as_of: AsOf
    review_every: str
    dating: str  # how it was dated, for the comment
    cadence: str  # why that review interval
    inferred: Inferred = field(default_factory=Inferred)
    date_source: str = "stated"  # "stated" or "page"
    fact: bool = False  # a model's fact span inside a longer sentence


def own_dates(text: str, hidden: tuple[tuple[int, int], ...]) -> list[FoundDate]:
    return [d for d in find_dates(text)
            if not any(start <= d.span[0] < end for start, end in hidden)]


def is_checkable(text: str, inferred: Inferred) -> bool:
    """Names a model, a licence, a number, an organisation or product, or a watched topic."""
    return bool(inferred.mentions or find_licenses(text) or re.search(r"\d", text)
                or find_names(text) or topics(text))


def date_statement(text: str, hidden, context, page_date: AsOf | None,
                   checkable: bool) -> Dating | None:
    """A statement's own date, else (checkable or under a dated table column) its
    context's, else the page's."""
    own = own_dates(text, hidden)
    if own:
        chosen = latest(own)
        ongoing = chosen.kind == "as-of" or bool(_ONGOING.search(text[: chosen.span[0]]))
        phrases = ", ".join(f'"{d.phrase}"' for d in own)
        return Dating(chosen.as_of, chosen.kind, f"dates in the text: {phrases}", ongoing)
    dated_column = any(where.startswith("column") for _, where in context)
    if not (checkable or dated_column):
        return None
    if context:
        chosen = latest([found for found, _ in context])
        where = next(w for found, w in context if found is chosen)
        return Dating(chosen.as_of, chosen.kind, f'"{chosen.phrase}" from its {where}', True)
    if page_date is not None:
        return Dating(page_date, "page", "no date stated: the page's date", True)
    return None


def cadence(text: str, dating: Dating, inferred: Inferred) -> tuple[str, str]:
    """The review interval and why."""
    counts = bool(_COUNT.search(text))
    if not dating.ongoing and not inferred.asserts_current and dating.kind != "page":
        return "never", "a dated past fact"
    if inferred.asserts_current:
        return "90d", "says what is newest, leading or compared against"
    if dating.kind == "as-of" or counts:
        return "180d", "an \"as of\" statement or a count"
    return "90d", "a current assessment"


def _slug(text: str, limit: int) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def claim_id(section: str, subject: str, text: str, seen: set[str]) -> str:
    """Readable and stable: the section's last part, the subject, a hash of the text."""
    digest = hashlib.sha1(text.encode()).hexdigest()
    part = _slug(section.split(" / ")[-1], 24)
    named = _slug(subject, 24)
    stem = "-".join(bit for bit in (part, named) if bit) or "claim"
    for size in (6, 10, 40):
        candidate = f"{stem}-{digest[:size]}"
        if candidate not in seen:
            return candidate
    number = 2
    while f"{candidate}-{number}" in seen:
        number += 1
    return f"{candidate}-{number}"
