"""Matching a page's statements to the claims it had: pure, no store.

Each statement drafted from the page is matched to a known claim of that page, in
this order: the id of its ``<!-- claim: ID -->`` comment; the same text; a known
claim whose text is a verbatim part of the statement (a hand-written claim that
quotes part of a sentence: the statement is covered, the claim kept as it is);
finally the most similar text (rapidfuzz ``ratio`` of at least ``SIMILAR``, best
pairs first), which makes the statement a revision of that claim. Statements left
over are new claims; claims left over were removed from the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

SIMILAR = 75.0  # ratio in 0..100: one edited date, name or number keeps a claim its id


@dataclass(frozen=True)
class Known:
    id: str
    text: str


@dataclass(frozen=True)
class Seen:
    """A statement of the page now: its drafted text and the id comment after it."""

    text: str
    marked_id: str | None = None


@dataclass
class Match:
    matched: dict[int, str] = field(default_factory=dict)  # statement index -> claim id
    revised: set[int] = field(default_factory=set)  # matched by similarity: new text
    covered: set[int] = field(default_factory=set)  # statements quoted by a kept claim
    kept: list[str] = field(default_factory=list)  # claims whose text is part of a statement
    new: list[int] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(text.split())


def match_statements(seen: Sequence[Seen], known: Sequence[Known], page_text: str = ""
                     ) -> Match:
    """``page_text``: the page's plain text, where a known claim that quotes words the
    importer drafts no statement from is still found."""
    result = Match()
    by_id = {claim.id: claim for claim in known}
    free = dict(by_id)
    for index, statement in enumerate(seen):
        if statement.marked_id in free:
            result.matched[index] = statement.marked_id
            if _norm(free.pop(statement.marked_id).text) != _norm(statement.text):
                result.revised.add(index)
    by_text = {_norm(claim.text): claim.id for claim in free.values()}
    for index, statement in enumerate(seen):
        claim_id = by_text.get(_norm(statement.text))
        if index not in result.matched and claim_id in free:
            result.matched[index] = claim_id
            del free[claim_id]
    _quoted(seen, free, result, _norm(page_text))
    _similar(seen, free, result)
    result.new = [i for i in range(len(seen)) if i not in result.matched
                  and i not in result.covered]
    result.removed = list(free)
    return result


def _quoted(seen: Sequence[Seen], free: dict[str, Known], result: Match,
            page_text: str) -> None:
    for claim_id, claim in list(free.items()):
        part = _norm(claim.text)
        if part and part in page_text and not any(part in _norm(s.text) for s in seen):
            result.kept.append(claim_id)
            del free[claim_id]
            continue
        for index, statement in enumerate(seen):
            if part in _norm(statement.text):  # still on the page, as the editor quoted it
                result.kept.append(claim_id)
                if index not in result.matched:
                    result.covered.add(index)
                del free[claim_id]
                break


def _similar(seen: Sequence[Seen], free: dict[str, Known], result: Match) -> None:
    open_statements = [i for i in range(len(seen)) if i not in result.matched
                       and i not in result.covered]
    pairs = sorted(
        ((fuzz.ratio(_norm(seen[i].text), _norm(claim.text)), i, claim.id)
         for i in open_statements for claim in free.values()),
        reverse=True,
    )
    for score, index, claim_id in pairs:
        if score < SIMILAR:
            break
        if index in result.matched or claim_id not in free:
            continue
        result.matched[index] = claim_id
        result.revised.add(index)
        del free[claim_id]
