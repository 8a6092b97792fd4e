"""A claim re-worded: the expectations its new text states, derived from the edit.

When an editor re-words a claim (``claims verify --text``, or a new ``text`` in its file),
the roles and facts that named the old words follow the edit: a replaced model name in
a ``latest``, ``baseline``, ``leaders``, ``closed`` or ``open`` span becomes the new name
("Claude 3.7" -> "Claude Opus 4.5"); names added to a ``leaders`` list join the leaders;
a name removed from the text leaves its role; a date written next to the ``about`` model
becomes ``released`` ("April 2026" -> "April 2025"). So a flag that the edit fixed is
not raised again by the same cause.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from difflib import SequenceMatcher

from rules.asof import AsOf
from rules.claim import Claim, Leaders
from rules.license import licence_ids
from rules.suggest import find_span
from rules.versions import parse_model_name

_MONTHS = "|".join(calendar.month_name[1:])
_DATE = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}}) )?(?P<month>{_MONTHS}) (?P<year>(?:19|20)\d\d)\b"
    r"|\b(?P<iso>(?:19|20)\d\d-\d\d(?:-\d\d)?)\b"
    r"|\b(?P<bare>(?:19|20)\d\d)\b"
)
_LIST = re.compile(r"\s*(?:;|,|\band\b)\s*")


def restate(claim: Claim, text: str) -> tuple[Claim, list[str]]:
    """``claim`` with ``text`` and the expectations it states; notes say what changed."""
    if text == claim.text:
        return claim, []
    notes: list[str] = []
    mapping = _Mapping(claim.text, text)
    changes: dict[str, object] = {"text": text}
    for role in ("latest", "baseline", "closed", "open"):
        names: tuple[str, ...] = getattr(claim, role)
        moved = _follow(names, mapping, text)
        if moved != names:
            changes[role] = moved
            notes.append(f"{role}: {', '.join(names)} -> {', '.join(moved) or '(none)'}")
    if claim.leaders is not None:
        names = _follow(claim.leaders.names, mapping, text) + _added_names(mapping)
        names = tuple(dict.fromkeys(names))
        if names != claim.leaders.names:
            changes["leaders"] = Leaders(names, claim.leaders.region, claim.leaders.weights)
            notes.append(f"leaders: {', '.join(claim.leaders.names)} -> {', '.join(names)}")
    if claim.license:
        stated = _stated_licence(text, claim.license)
        if stated is not None and stated != claim.license:
            changes["license"] = stated
            notes.append(f"license: {claim.license} -> {stated}")
    exists = _follow_repos(claim.exists, mapping, text)
    if exists != claim.exists:
        changes["exists"] = exists
        notes.append(f"exists: {', '.join(claim.exists)} -> {', '.join(exists)}")
    if claim.about and claim.released is not None:
        stated = stated_date(text, claim.about, claim.released)
        if stated is not None and stated != claim.released:
            changes["released"] = stated
            notes.append(f"released: {claim.released} -> {stated}")
    if claim.family and len(changes) > 1:
        changes["family"] = None  # the roles it stood for are now stated for themselves
    return replace(claim, **changes), notes  # type: ignore[arg-type]


def stated_date(text: str, about: str, claimed: AsOf) -> AsOf | None:
    """The date the text writes nearest the ``about`` name, at the precision it is written."""
    anchor = max(find_span(text, about), 0)
    found = []
    for match in _DATE.finditer(text):
        period = _period(match)
        if period is not None and (match.group("bare") is None or claimed.precision == "year"):
            found.append((abs(match.start() - anchor), period))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def _period(match: re.Match[str]) -> AsOf | None:
    try:
        if match.group("month"):
            month = list(calendar.month_name).index(match.group("month"))
            day = match.group("day")
            spelled = f"{match.group('year')}-{month:02d}" + (f"-{int(day):02d}" if day else "")
            return AsOf.parse(spelled)
        return AsOf.parse(match.group("iso") or match.group("bare"))
    except ValueError:
        return None


class _Mapping:
    """Where each character of the old text went in the new one."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def span(self, start: int, end: int) -> str:
        """The new text of the old span [start, end), widened to whole words."""
        new_start, new_end = self._map(start, left=True), self._map(end, left=False)
        if new_start is None or new_end is None or new_end <= new_start:
            return ""
        text = self.new
        while new_start > 0 and text[new_start - 1].isalnum():
            new_start -= 1
        while new_end < len(text) and _continues(text, new_end):
            new_end += 1
        return text[new_start:new_end].strip(" ;,")

    def _map(self, position: int, left: bool) -> int | None:
        """Where an old position lands; inside an edited block, at its edge."""
        for tag, i1, i2, j1, j2 in self.opcodes:
            if tag == "equal" and i1 <= position <= i2:
                if left and position == i2 and i2 != len(self.old):
                    continue  # the start of a span belongs to the block that follows
                return j1 + (position - i1)
            if tag != "equal" and i1 <= position <= i2:
                return j1 if left else j2
        return None

    def inserted(self) -> list[str]:
        edited = ("insert", "replace")
        return [self.new[j1:j2] for tag, _, _, j1, j2 in self.opcodes if tag in edited]


def _follow(names: tuple[str, ...], mapping: _Mapping, text: str) -> tuple[str, ...]:
    """Each name as the new text writes it: kept, replaced by its edit, or dropped."""
    followed = []
    for name in names:
        if find_span(text, name) >= 0:
            followed.append(name)
            continue
        start = find_span(mapping.old, name)
        if start < 0:
            followed.append(name)  # never in the text: the editor's own wording, kept
            continue
        edited = mapping.span(start, start + len(name))
        if edited and parse_model_name(edited) is not None:
            followed.append(edited)
    return tuple(dict.fromkeys(followed))


def _added_names(mapping: _Mapping) -> tuple[str, ...]:
    """Names the edit inserted into a list: "; Gemma 3; gpt-oss", "Cobalt-Mini-8B"."""
    added = []
    for piece in (p for chunk in mapping.inserted() for p in _LIST.split(chunk)):
        piece = piece.strip()
        if piece and len(piece.split()) <= 4 and any(char.isalnum() for char in piece):
            added.append(piece)
    return tuple(added)


def _continues(text: str, end: int) -> bool:
    if text[end].isalnum():
        return True
    return text[end] in ".-" and end + 1 < len(text) and text[end + 1].isalnum()


def _stated_licence(text: str, claimed: str) -> str | None:
    """The hub id of the one licence the text writes, when it no longer writes the claimed."""
    ids = licence_ids()
    if any(find_span(text, label) >= 0 for label, hub in ids.items() if hub == claimed):
        return None
    written = [hub for label, hub in ids.items() if find_span(text, label) >= 0]
    return written[0] if len(written) == 1 else None


def _follow_repos(repos: tuple[str, ...], mapping: _Mapping, text: str) -> tuple[str, ...]:
    """Hub repos whose name the edit replaced in the text: "Qwen/Qwen3-72B" -> "...-32B"."""
    followed = []
    for repo in repos:
        owner, slash, name = repo.rpartition("/")
        start = find_span(mapping.old, name)
        if find_span(text, name) >= 0 or start < 0:
            followed.append(repo)
            continue
        edited = mapping.span(start, start + len(name))
        if edited and " " not in edited:
            followed.append(f"{owner}{slash}{edited}")
    return tuple(dict.fromkeys(followed))
