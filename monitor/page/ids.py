"""Stable claim ids kept on the page: ``<!-- claim: ID -->`` right after a statement.

An editor (or ``claims import --write-ids``) puts the comment right after the
statement it names: after a sentence's closing punctuation, a table cell's text or a
model's gloss ("Qwen3 (Apache 2.0, April 2025) <!-- claim: qwen3-release -->").
Published pages hide HTML comments. Before the page is read, each comment becomes a
marker glued to the text before it, so markdown-it keeps it inside the same text run;
``take_ids`` then removes the markers from a statement and says where each stood.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_COMMENT = re.compile(r"[ \t]*<!--\s*claim:\s*([A-Za-z0-9][A-Za-z0-9._:-]*)\s*-->")
OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters: never in a real page
_MARKER = re.compile(f"{OPEN}([^{CLOSE}]*){CLOSE}")


def hide_id_comments(markdown: str) -> str:
    return _COMMENT.sub(lambda m: f"{OPEN}{m.group(1)}{CLOSE}", markdown)


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def take_ids(text: str) -> tuple[str, list[tuple[int, str]]]:
    """``text`` without markers, and each marker's id with its position in that text."""
    clean, found, last = [], [], 0
    length = 0
    for match in _MARKER.finditer(text):
        piece = text[last: match.start()]
        clean.append(piece)
        length += len(piece)
        found.append((length, match.group(1)))
        last = match.end()
    clean.append(text[last:])
    return "".join(clean), found


def id_at(found: Sequence[tuple[int, str]], end: int, text: str) -> str | None:
    """The id whose marker stands right after ``text[:end]`` (spaces and closing
    punctuation between them allowed)."""
    for position, claim_id in found:
        if position >= end and not text[end:position].strip(" .;:,!?)"):
            return claim_id
    return None


def insert_id_comments(markdown: str, statements: Sequence[tuple[str, str, bool]]
                       ) -> tuple[str, int]:
    """The page with ``<!-- claim: ID -->`` after each (id, text, is_fact_span) statement,
    in page order; returns the page and how many comments were placed.

    A fact span is searched from the start of the sentence before it, since it sits
    inside the sentence that follows it in the drafts.
    """
    cursor, ends = 0, []
    for claim_id, text, fact in statements:
        if f"claim: {claim_id} " in markdown:
            continue
        pattern = re.compile(r"\s+".join(re.escape(word) for word in text.split()))
        match = pattern.search(markdown, cursor)
        if match is None:
            continue
        ends.append((match.end(), claim_id))
        if not fact:
            cursor = match.start()
    for end, claim_id in sorted(ends, reverse=True):
        markdown = f"{markdown[:end]} <!-- claim: {claim_id} -->{markdown[end:]}"
    return markdown, len(ends)
