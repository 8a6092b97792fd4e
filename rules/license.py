"""Rule ``license``: the family's hub repos carry the license the claim states.

Licenses are the hub's ids ("apache-2.0", "mit", "other"), compared case-insensitively;
a repo without one is ignored. When most repos of the family differ the claim is
contradicted; when only some do (third-party uploads, a differently licensed flagship)
a person should review.
"""

from __future__ import annotations

import math
from datetime import datetime

from rules.claim import Claim
from rules.engine import EVIDENCE_LIMIT, Entry, World, generation_id, watch_of
from rules.verdict import Status, Verdict
from rules.versions import same_generation

NAME = "license"
NAMES_PER_LICENSE = 3

_LABELS = {
    "apache-2.0": "Apache 2.0",
    "mit": "MIT",
    "gpl-3.0": "GPL 3.0",
    "cc-by-4.0": "CC BY 4.0",
    "cc-by-nc-4.0": "CC BY-NC 4.0",
    "other": "a custom license",
}


def license_label(hub_id: str) -> str:
    """How the page would write a hub license id: "apache-2.0" -> "Apache 2.0"."""
    return _LABELS.get(hub_id.strip().lower(), hub_id)


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    claimed = world.model_name(claim.family) if claim.family else None
    if claimed is None or not claimed.generation or not claim.license:
        return []
    expected = claim.license.strip().lower()
    by_license: dict[str, list[Entry]] = {}
    for generation in world.generations(claimed.line):
        if same_generation(generation.name, claimed):
            for value, entries in generation.licenses(watch_of(claim)).items():
                by_license.setdefault(value, []).extend(entries)
    total = sum(len(entries) for entries in by_license.values())
    differing = sorted(
        (
            (value, sorted(entries, key=_oldest_first))
            for value, entries in by_license.items()
            if value != expected
        ),
        key=lambda item: (-len(item[1]), item[0]),
    )
    count = sum(len(entries) for _, entries in differing)
    if count == 0:
        return []
    contradicted = count * 2 > total
    most_common = max(by_license, key=lambda value: (len(by_license[value]), value))
    matching = len(by_license.get(expected, []))
    if len(differing) == 1:
        said = _says(*differing[0], with_count=False)
    else:
        said = "differ: " + ", ".join(_says(value, entries) for value, entries in differing)
    verb = "says" if matching == 1 else "say"
    rest = f"{matching} {verb} {expected}" if matching else f"none say {expected}"
    if contradicted:
        suggestion = f"{claim.family} ({license_label(most_common)})"
        cause = f"{NAME}:{generation_id(claimed)}:{expected}"
    else:
        suggestion = f"{claim.family} ({license_label(expected)}; some repos under other licenses)"
        cause = f"{NAME}:{generation_id(claimed)}:{expected}:mixed"
    evidence = [entry for _, entries in differing for entry in entries][:EVIDENCE_LIMIT]
    return [
        Verdict(
            claim_id=claim.id,
            rule=NAME,
            status=Status.CONTRADICTED if contradicted else Status.REVIEW,
            cause=cause,
            reason=(
                f"{count} of {total} {claim.family} repos on the Hugging Face Hub {said}; {rest}."
            ),
            suggestion=suggestion,
            evidence=tuple(entry.evidence() for entry in evidence),
        )
    ]


def _says(value: str, entries: list[Entry], with_count: bool = True) -> str:
    """ "3 say 'other' (Qwen/A, Qwen/B, Qwen/C, ...)"."""
    names = ", ".join(entry.key for entry in entries[:NAMES_PER_LICENSE])
    more = ", ..." if len(entries) > NAMES_PER_LICENSE else ""
    verb = "says" if len(entries) == 1 else "say"
    count = f"{len(entries)} " if with_count else ""
    return f"{count}{verb} '{value}' ({names}{more})"


def _oldest_first(entry: Entry) -> tuple[float, str]:
    return (entry.stamp if math.isfinite(entry.stamp) else math.inf, entry.key)
