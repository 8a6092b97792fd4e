"""Suggestions as the claim's own sentence, edited in place.

Rules propose edits (old span -> new span: "Claude 3.7" -> "Claude Opus 4.5",
"April 2026" -> "April 2025"); after every rule ran on a claim, the edits of all its
verdicts are made at once on the claim's text, so several stale subjects give one
sentence with all of them replaced and the rest of the sentence kept word for word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from rules.claim import Claim
from rules.verdict import Verdict


def edit_sentence(text: str, edits: Iterable[tuple[str, str]]) -> str | None:
    """``text`` with each old span replaced (its first whole occurrence), or None when no
    edit applies. Spans are found in the original text; overlapping edits keep the first."""
    spans: list[tuple[int, int, str]] = []
    for old, new in edits:
        start = find_span(text, old)
        if start < 0 or old == new:
            continue
        end = start + len(old)
        if any(start < taken_end and taken_start < end for taken_start, taken_end, _ in spans):
            continue
        spans.append((start, end, new))
    if not spans:
        return None
    edited = text
    for start, end, new in sorted(spans, reverse=True):
        edited = edited[:start] + new + edited[end:]
    return edited


def find_span(text: str, span: str) -> int:
    """Where ``span`` starts in ``text`` as whole words (case-insensitive), or -1."""
    if not span:
        return -1
    lowered, wanted = text.lower(), span.lower()
    start = lowered.find(wanted)
    while start >= 0:
        end = start + len(wanted)
        before_ok = start == 0 or not lowered[start - 1].isalnum()
        if before_ok and not _continues(lowered, end):
            return start
        start = lowered.find(wanted, start + 1)
    return -1


def with_suggestion(claim: Claim, verdicts: Sequence[Verdict]) -> list[Verdict]:
    """The verdicts, each given the one sentence with every edit made, when any rule
    proposed an edit: a claim is re-verified with the sentence as it should now read,
    whatever flag the editor opens first (age and news flags included)."""
    edits = [edit for verdict in verdicts for edit in verdict.edits]
    sentence = edit_sentence(claim.text, edits) if edits else None
    if sentence is None:
        return list(verdicts)
    return [replace(v, suggestion=sentence) for v in verdicts]


def _continues(text: str, end: int) -> bool:
    """Whether a name goes on at ``end``: "Qwen3" in "Qwen3.5" or "Qwen3-30B" is no span."""
    if end == len(text):
        return False
    if text[end].isalnum():
        return True
    return text[end] in ".-" and end + 1 < len(text) and text[end + 1].isalnum()
