"""A claim: one dated statement of a page, and what would break it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rules.asof import AsOf


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a page.

    ``review_every`` is None for historical facts that never age. The expectations
    are what the rules test: ``family`` (the claim names the latest of a model family),
    ``license`` (the family's license), ``released`` (the period the family came out),
    ``exists`` (models that must exist), ``keywords`` (news worth a review) and
    ``watch`` (the source ids whose findings bear on it; empty means all).
    """

    id: str
    page: str
    section: str
    text: str
    subject: str
    as_of: AsOf
    review_every: timedelta | None
    family: str | None = None
    license: str | None = None
    released: AsOf | None = None
    exists: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    watch: tuple[str, ...] = ()

    @property
    def has_expectations(self) -> bool:
        return bool(self.family or self.license or self.released or self.exists or self.keywords)
