"""Loading and validating claims files (TOML, ``[[claim]]`` entries).

A file with mistakes (bad date, unknown key, duplicate id, a ``watch`` naming no
source) is rejected whole with every mistake listed; nothing reaches the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.config import column_length, read_toml
from monitor.problems import ConfigError, Problem, describe_pydantic_error
from rules.asof import AsOf
from rules.claim import Claim, Leaders
from rules.duration import parse_duration
from storage.models import ClaimRow


class _LeadersEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[str] = Field(min_length=1)
    region: Literal["us", "china", "elsewhere"]
    weights: Literal["open", "any"] = "open"


class _ClaimEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=column_length(ClaimRow.id),
                    pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    page: str = Field(min_length=1, max_length=column_length(ClaimRow.page))
    section: str = ""
    text: str = Field(min_length=1)
    subject: str = Field("", max_length=column_length(ClaimRow.subject))
    as_of: str
    review_every: str
    family: str | None = None
    license: str | None = None
    released: str | None = None
    exists: list[str] = []
    keywords: list[str] = []
    watch: list[str] = []
    latest: list[str] = []
    baseline: list[str] = []
    about: str | None = None
    leaders: _LeadersEntry | None = None
    closed: list[str] = []
    open: list[str] = []

    @field_validator("as_of", "released", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        if value is None:
            return value
        return str(AsOf.parse(value))  # a TOML date stays a day; text keeps its precision

    @field_validator("review_every")
    @classmethod
    def _interval(cls, value: str) -> str:
        if value != "never":
            parse_duration(value)
        return value

    @model_validator(mode="after")
    def _inside_the_calendar(self) -> _ClaimEntry:
        """The rules count from the day after a period and add the review interval:
        both must be dates (as_of "9999" with a review would crash every check)."""
        try:
            ends = [AsOf.parse(self.as_of).end_utc]
            if self.review_every != "never":
                ends.append(ends[0] + parse_duration(self.review_every))
            if self.released:
                ends.append(AsOf.parse(self.released).end_utc)
        except OverflowError:
            raise ValueError("as_of (and released), plus review_every, must end before the "
                             "calendar does (9999-12-31)") from None
        return self


def _to_claim(entry: _ClaimEntry) -> Claim:
    return Claim(
        id=entry.id,
        page=entry.page,
        section=entry.section,
        text=entry.text,
        subject=entry.subject,
        as_of=AsOf.parse(entry.as_of),
        review_every=None if entry.review_every == "never" else parse_duration(entry.review_every),
        family=entry.family,
        license=entry.license.lower() if entry.license else None,
        released=AsOf.parse(entry.released) if entry.released else None,
        exists=tuple(entry.exists),
        keywords=tuple(entry.keywords),
        watch=tuple(entry.watch),
        latest=tuple(entry.latest),
        baseline=tuple(entry.baseline),
        about=entry.about,
        leaders=Leaders(tuple(entry.leaders.names), entry.leaders.region, entry.leaders.weights)
        if entry.leaders
        else None,
        closed=tuple(entry.closed),
        open=tuple(entry.open),
    )


def load_claims(
    paths: Iterable[Path],
    known_sources: set[str] | None = None,
    files: dict[str, str] | None = None,
) -> list[Claim]:
    """Every claim of ``paths``; ConfigError lists every mistake across all files.

    ``files``, when given, is filled with each claim id's file path.
    """
    problems: list[Problem] = []
    claims: list[Claim] = []
    where: dict[str, str] = {}
    for path in paths:
        try:
            raw = read_toml(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        loaded = _load_file(path, raw, known_sources, where, problems)
        if files is not None:
            files.update((claim.id, str(path)) for claim in loaded)
        claims.extend(loaded)
    if problems:
        raise ConfigError(problems)
    return claims


def _load_file(
    path: Path,
    raw: dict[str, Any],
    known_sources: set[str] | None,
    where: dict[str, str],
    problems: list[Problem],
) -> list[Claim]:
    name = str(path)
    extra = sorted(set(raw) - {"claim"})
    if extra:
        problems.append(
            Problem(
                name,
                "",
                f"unknown top-level key(s) {', '.join(extra)}; "
                "a claims file holds only [[claim]] tables",
            )
        )
    entries = raw.get("claim", [])
    if not isinstance(entries, list):
        problems.append(Problem(name, "claim", "write claims as [[claim]] tables"))
        return []
    claims: list[Claim] = []
    for number, entry in enumerate(entries, start=1):
        label = f"[[claim]] #{number}"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            label += f" (id {entry['id']!r})"
        _check_references(name, label, entry, path, known_sources, where, problems)
        try:
            parsed = _ClaimEntry.model_validate(entry)
        except ValidationError as exc:
            for error in exc.errors():
                problems.append(Problem(name, label, describe_pydantic_error(error)[1]))
            continue
        claims.append(_to_claim(parsed))
    return claims


def _check_references(
    name: str,
    label: str,
    entry: Any,
    path: Path,
    known_sources: set[str] | None,
    where: dict[str, str],
    problems: list[Problem],
) -> None:
    """Duplicate ids and unknown watched sources, checked even on an otherwise bad entry."""
    if not isinstance(entry, dict):
        return
    claim_id = entry.get("id")
    if isinstance(claim_id, str):
        if claim_id in where:
            problems.append(
                Problem(
                    name,
                    label,
                    f"duplicate claim id {claim_id!r} "
                    f"(first in {where[claim_id]}); ids must be unique",
                )
            )
        else:
            where[claim_id] = f"{path.name} {label}"
    watch = entry.get("watch")
    if known_sources is not None and isinstance(watch, list):
        for source_id in watch:
            if isinstance(source_id, str) and source_id not in known_sources:
                problems.append(
                    Problem(
                        name,
                        label,
                        f"watch names {source_id!r}, which is not "
                        "a source in the config; add the source or fix the id",
                    )
                )
