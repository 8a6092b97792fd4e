"""A claim: one dated statement of a page, and what would break it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rules.asof import AsOf

ROLE_KEYS = ("latest", "baseline", "about", "leaders", "closed", "open")


@dataclass(frozen=True)
class Leaders:
    """The *leaders* role: the sentence names ``names`` as the leaders of a category.

    ``region`` is the region of the labs that count ("us", "china", "elsewhere");
    ``weights`` is "open" when only open-weight releases (hub repos) count, "any" else.
    A release in the category by another watched lab of that region calls for review.
    """

    names: tuple[str, ...]
    region: str
    weights: str = "open"


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a page.

    ``review_every`` is None for historical facts that never age. The expectations
    are what the rules test: ``family`` (the claim names the latest of a model family),
    ``license`` (the family's license), ``released`` (the period the family came out),
    ``exists`` (models that must exist), ``keywords`` (news worth a review) and
    ``watch`` (the source ids whose findings bear on it; empty means all).

    Roles say what the sentence asserts about each model or lab it names:
    ``latest`` (named as the newest of its line: a later generation makes the claim
    stale, or contradicted when already out before the as-of period ended),
    ``baseline`` (something is compared against it: a newer generation calls for
    review, never a contradiction), ``about`` (the fact scope of ``license``,
    ``released`` and ``exists``, with no claim of being latest), ``leaders`` (see
    Leaders), ``closed`` (labs or models named as not publishing open weights) and
    ``open`` (models named as open-weight). ``family`` is the legacy key that meant
    both "latest" and "fact scope"; the claims-file loader maps it onto roles.
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
    latest: tuple[str, ...] = ()
    baseline: tuple[str, ...] = ()
    about: str | None = None
    leaders: Leaders | None = None
    closed: tuple[str, ...] = ()
    open: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The legacy ``family`` becomes roles here, so every way a claim is built (claims
        # file, store, tests) reads the same: see ``family_roles``.
        about, latest = family_roles(self)
        if about is not None:
            object.__setattr__(self, "about", about)
        if latest:
            object.__setattr__(self, "latest", latest)

    @property
    def has_expectations(self) -> bool:
        return bool(
            self.family or self.license or self.released or self.exists or self.keywords
            or self.latest or self.baseline or self.about or self.leaders
            or self.closed or self.open
        )


def family_roles(claim: Claim) -> tuple[str | None, tuple[str, ...]]:
    """The roles a legacy ``family`` stands for, when the claim states no role itself.

    With ``released``, ``license`` or ``exists`` the family is the fact's scope
    (``about``) only: a licence or a release date does not say "the latest". Alone, it
    names the latest of its line, unless the claim is historical (``review_every`` is
    "never"), which is never superseded. Returns (about, latest); (None, ()) when
    nothing is assumed.
    """
    if not claim.family or claim.latest or claim.baseline or claim.about:
        return None, ()
    if claim.released or claim.license or claim.exists or claim.review_every is None:
        return claim.family, ()
    return None, (claim.family,)


def family_assumption(claim: Claim) -> str | None:
    """What the loader assumed a legacy ``family`` means, for ``config check``."""
    if not claim.family:
        return None
    if claim.latest == (claim.family,) and not claim.about:
        return f'family = "{claim.family}" read as latest = ["{claim.family}"]'
    if claim.about == claim.family and not claim.latest:
        return f'family = "{claim.family}" read as about = "{claim.family}"'
    return f'family = "{claim.family}" ignored: the claim states its roles'
