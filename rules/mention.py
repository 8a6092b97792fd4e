"""Rule ``mention``: news naming a watched keyword after the as-of period asks for a review.

A keyword matches whole words, case-insensitively, in a finding's title or summary
("Qwen3" matches "Qwen3-Coder: ..." but not "Qwen3.5" or "Qwen3Guard"). One verdict per
keyword, citing the newest matching findings. News counts from the end of the as-of
period, or from 1 July for a year-only as-of (``AsOf.news_after``). The cause names the
keyword only, so a dismissed flag stays dismissed however much more news arrives.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice

from rules.claim import Claim
from rules.engine import EVIDENCE_LIMIT, World, watch_of, words
from rules.verdict import Status, Verdict

NAME = "mention"


def evaluate(claim: Claim, world: World, now: datetime) -> list[Verdict]:
    verdicts: list[Verdict] = []
    seen: set[tuple[str, ...]] = set()
    for keyword in claim.keywords:
        phrase = words(keyword)
        if not phrase or phrase in seen:
            continue
        seen.add(phrase)
        found = world.mentions(phrase, watch_of(claim), after=claim.as_of.news_after, until=now)
        newest = list(islice(found, EVIDENCE_LIMIT))
        if not newest:
            continue
        first = newest[0]
        when = f", {first.time:%Y-%m-%d}" if first.time else ""
        verdicts.append(
            Verdict(
                claim_id=claim.id,
                rule=NAME,
                status=Status.REVIEW,
                cause=f"{NAME}:{' '.join(keyword.lower().split())}",
                reason=(
                    f"'{keyword}' appears in news after {claim.as_of.human()}, newest "
                    f"'{first.title}' ({first.source_id}{when})."
                ),
                suggestion=f"Read the newest items on '{keyword}' and re-verify the claim.",
                evidence=tuple(entry.evidence() for entry in newest),
            )
        )
    return verdicts
