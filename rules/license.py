"""Rule ``license``: the hub repos of the model the claim is about carry its license.

The scope is the ``about`` role (never ``latest``: a licence claim does not say the model
is the newest).

Licenses are the hub's ids ("apache-2.0", "mit", "other"), compared case-insensitively;
a repo without one is ignored. When most repos of the family differ the claim is
contradicted; when only some do (third-party uploads, a differently licensed flagship)
a person should review.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain, islice

from rules.claim import Claim
from rules.engine import EVIDENCE_LIMIT, Licenses, World, generation_id, watch_of
from rules.suggest import find_span
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
    claimed = world.model_name(claim.about) if claim.about else None
    if claimed is None or not claim.license:
        return []
    expected = claim.license.strip().lower()
    found = Licenses()
    for generation in world.generations(claimed.line):
        if same_generation(generation.name, claimed):
            for value, runs in generation.licenses(watch_of(claim)).groups.items():
                found.groups.setdefault(value, []).extend(runs)
    counts = {value: found.count(value) for value in found.groups}
    differing = sorted(
        (value for value in counts if value != expected), key=lambda v: (-counts[v], v)
    )
    count = sum(counts[value] for value in differing)
    if count == 0:
        return []
    total = sum(counts.values())
    contradicted = count * 2 > total
    most_common = max(counts, key=lambda value: (counts[value], value))
    if len(differing) == 1:
        said = _says(found, differing[0], with_count=False)
    else:
        said = "differ: " + ", ".join(_says(found, value) for value in differing)
    matching = counts.get(expected, 0)
    verb = "says" if matching == 1 else "say"
    rest = f"{matching} {verb} {expected}" if matching else f"none say {expected}"
    if contradicted:
        suggestion = f"{claim.about} ({license_label(most_common)})"
        cause = f"{NAME}:{generation_id(claimed)}:{expected}"
    else:
        suggestion = f"{claim.about} ({license_label(expected)}; some repos under other licenses)"
        cause = f"{NAME}:{generation_id(claimed)}:{expected}:mixed"
    evidence = islice(chain.from_iterable(found.oldest(v) for v in differing), EVIDENCE_LIMIT)
    return [
        Verdict(
            claim_id=claim.id,
            rule=NAME,
            status=Status.CONTRADICTED if contradicted else Status.REVIEW,
            cause=cause,
            reason=(
                f"{count} of {total} {claim.about} repos on the Hugging Face Hub {said}; {rest}."
            ),
            suggestion=suggestion,
            evidence=tuple(entry.evidence() for entry in evidence),
            edits=_licence_edits(claim.text, expected, most_common) if contradicted else (),
        )
    ]


def _says(found: Licenses, value: str, with_count: bool = True) -> str:
    """ "3 say 'other' (Qwen/A, Qwen/B, Qwen/C, ...)"."""
    count = found.count(value)
    names = ", ".join(entry.key for entry in islice(found.oldest(value), NAMES_PER_LICENSE))
    more = ", ..." if count > NAMES_PER_LICENSE else ""
    verb = "says" if count == 1 else "say"
    prefix = f"{count} " if with_count else ""
    return f"{prefix}{verb} '{value}' ({names}{more})"


def licence_ids() -> dict[str, str]:
    """Each licence as a page writes it, lower-cased -> the hub id: "apache 2.0" -> ..."""
    return {label.lower(): hub_id for hub_id, label in _LABELS.items() if hub_id != "other"}


def _licence_edits(text: str, expected: str, found: str) -> tuple[tuple[str, str], ...]:
    """The claimed licence as the sentence writes it -> the hubs' one, written alike."""
    if found == "other" or expected not in _LABELS or found not in _LABELS:
        return ()  # a custom licence has no one spelling to write in its place
    written, new = license_label(expected), license_label(found)
    return ((written, new),) if find_span(text, written) >= 0 else ()
