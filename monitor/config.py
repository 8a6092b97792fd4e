"""Loading and validating ``claimwatch.toml``.

Every mistake in the file is collected (unknown keys, wrong types, duplicate ids,
bad durations, unknown source kinds, missing files) and raised together as a
:class:`ConfigError` naming the file, the entry and what to do. Nothing runs on a
bad config.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.catalog import Catalog, CatalogError, shipped_catalog
from monitor.problems import ConfigError, Problem, describe_pydantic_error
from rules.asof import AsOf
from rules.duration import parse_duration
from sources.registry import KINDS
from storage.models import DeliveryRow, SourceRow

CONFIG_NAME = "claimwatch.toml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Region = Literal["china", "us", "elsewhere"]


def _check_duration(value: str) -> str:
    parse_duration(value)
    return value


Duration = Annotated[str, AfterValidator(_check_duration)]
LONGEST_INTERVAL = timedelta(days=3650)  # stored in seconds as a 32-bit integer


def _check_interval(value: str) -> str:
    if parse_duration(value) > LONGEST_INTERVAL:
        raise ValueError(f"{value!r} is longer than {LONGEST_INTERVAL.days}d; poll at least "
                         "every ten years")
    return value


Interval = Annotated[str, AfterValidator(_check_interval)]


def column_length(column: Any) -> int:
    """The most characters the store's column holds: values are checked against it at
    load time, since PostgreSQL refuses a longer one where SQLite takes it."""
    return column.property.columns[0].type.length


Recipient = Annotated[str, Field(max_length=column_length(DeliveryRow.recipient))]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class StoreSection(_Section):
    url: str | None = None
    keep_runs: Duration | None = None  # None: keep for ever (see storage.retention)
    keep_findings: Duration | None = None


class ScheduleSection(_Section):
    timezone: str = "UTC"
    digest_weekday: str = "monday"
    digest_time: str = "08:00"
    poll_interval: Interval = "6h"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown timezone; use an IANA name like Europe/London") from None
        return value

    @field_validator("digest_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        if value.lower() not in WEEKDAYS:
            raise ValueError(f"write one of {', '.join(WEEKDAYS)}")
        return value.lower()

    @field_validator("digest_time")
    @classmethod
    def _time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise ValueError("write a time of day as HH:MM, e.g. 08:00") from None
        return value


class FetchSection(_Section):
    concurrency: int = Field(100, ge=1, le=256)
    per_host: int = Field(4, ge=1, le=64)
    timeout: Duration = "30s"
    max_bytes: int = Field(10_000_000, ge=1024)
    retries: int = Field(3, ge=0, le=10)
    allow_private_redirects: bool = False  # follow a public source into a local network


class EmailSection(_Section):
    smtp_host: str = "localhost"
    smtp_port: int = Field(25, ge=1, le=65535)
    tls: Literal["none", "starttls", "ssl"] = "none"
    sender: str = Field("claimwatch@localhost", alias="from")
    digest_to: list[Recipient] = []
    alert_to: list[Recipient] = []
    user_env: str | None = None
    password_env: str | None = None
    alert_on: list[Literal["contradicted", "stale", "review"]] = ["contradicted"]


class ClaimsSection(_Section):
    files: list[str] = ["claims.toml"]
    page: str | None = None


class ReportsSection(_Section):
    archive_dir: str = "digests"
    dashboard_dir: str = "dashboard"


class PageEntry(_Section):
    """One ``[[page]]``: a page whose claims follow it (see monitor.pagesync)."""

    name: str = Field(min_length=1, max_length=150, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    source: str = Field(min_length=1)  # a file beside the config, or an http(s) URL
    page_date: str | None = None  # for statements without a date (YYYY[-MM[-DD]])


@dataclass(frozen=True)
class PageConfig:
    name: str
    source: str  # an absolute file path, or an http(s) URL
    page_date: str | None = None

    @property
    def is_url(self) -> bool:
        return self.source.startswith(("http://", "https://"))


class CatalogSection(_Section):
    lab: list[dict[str, Any]] = []  # validated by monitor.catalog: extends or replaces labs


class _Top(_Section):
    store: StoreSection = StoreSection()
    schedule: ScheduleSection = ScheduleSection()
    fetch: FetchSection = FetchSection()
    email: EmailSection = EmailSection()
    claims: ClaimsSection = ClaimsSection()
    reports: ReportsSection = ReportsSection()
    catalog: CatalogSection = CatalogSection()
    page: list[PageEntry] = []
    source: list[dict[str, Any]] = []


class _SourceCommon(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=column_length(SourceRow.id),
                    pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    kind: str
    lab: str = Field(min_length=1, max_length=column_length(SourceRow.lab))
    region: Region
    interval: Interval | None = None


@dataclass(frozen=True)
class SourceConfig:
    """One ``[[source]]`` entry, validated."""

    id: str
    kind: str
    lab: str
    region: str
    interval: timedelta
    params: BaseModel  # the kind's own Params


@dataclass(frozen=True)
class Config:
    """A validated ``claimwatch.toml``; paths are resolved against its folder."""

    path: Path
    store_url: str
    schedule: ScheduleSection
    fetch: FetchSection
    email: EmailSection
    claims_files: tuple[Path, ...]
    page: Path | None
    archive_dir: Path
    dashboard_dir: Path
    sources: tuple[SourceConfig, ...] = field(default_factory=tuple)
    keep_runs: timedelta | None = None
    keep_findings: timedelta | None = None
    catalog: Catalog = field(default_factory=shipped_catalog)
    pages: tuple[PageConfig, ...] = ()  # [[page]]: pages whose claims follow them

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def source(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources) or "none"
        raise KeyError(f"no source {source_id!r} in {self.path}; known: {known}")


def find_config(explicit: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """``--config``, then ``$CLAIMWATCH_CONFIG``, then ``./claimwatch.toml``."""
    for candidate in (explicit, os.environ.get("CLAIMWATCH_CONFIG")):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_file():
                raise ConfigError([Problem(str(path), "", "no such config file")])
            return path.resolve()
    path = (cwd or Path.cwd()) / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            [
                Problem(
                    str(path),
                    "",
                    "no config found; pass --config FILE, set CLAIMWATCH_CONFIG, "
                    "or run `claimwatch init` to create one here",
                )
            ]
        )
    return path.resolve()


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([Problem(str(path), "", f"not valid TOML: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(str(path), "", f"not UTF-8 text (byte {exc.start}); "
                                   "save it as UTF-8")]) from None
    except OSError as exc:
        raise ConfigError([Problem(str(path), "", f"cannot read: {exc.strerror}")]) from None


def load_config(path: Path) -> Config:
    """Read and validate one config file; raise ConfigError listing every mistake."""
    raw = read_toml(path)
    name = str(path)
    problems: list[Problem] = []
    try:
        top = _Top.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc, message = describe_pydantic_error(error)
            section = f"[{loc.split('.')[0]}]" if loc else ""
            problems.append(Problem(name, section, message))
        top = _Top.model_validate({"source": raw.get("source", [])}) if _sources_ok(raw) else _Top()
    base = path.parent
    sources = _load_sources(name, raw.get("source", []), base, top.schedule.poll_interval, problems)
    claims_files = tuple((base / f).resolve() for f in top.claims.files)
    for file in claims_files:
        if not file.is_file():
            problems.append(
                Problem(
                    name,
                    "[claims] files",
                    f"claims file {file} does not exist; "
                    "create it (claimwatch init writes one) or fix the path",
                )
            )
    page = (base / top.claims.page).resolve() if top.claims.page else None
    if page is not None and not page.is_file():
        problems.append(Problem(name, "[claims] page", f"page {page} does not exist; fix the path"))
    catalog = _load_catalog(name, top.catalog.lab, problems)
    pages = _load_pages(name, base, top.page, problems)
    if problems:
        raise ConfigError(problems)
    url = top.store.url or f"sqlite:///{(base / 'claimwatch.sqlite').resolve()}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url.removeprefix("sqlite:///")
        if relative and relative != ":memory:":
            url = f"sqlite:///{(base / relative).resolve()}"
    return Config(
        path=path.resolve(),
        store_url=url,
        schedule=top.schedule,
        fetch=top.fetch,
        email=top.email,
        claims_files=claims_files,
        page=page,
        archive_dir=(base / top.reports.archive_dir).resolve(),
        dashboard_dir=(base / top.reports.dashboard_dir).resolve(),
        sources=tuple(sources),
        keep_runs=_duration_or_none(top.store.keep_runs),
        keep_findings=_duration_or_none(top.store.keep_findings),
        catalog=catalog,
        pages=pages,
    )


def _load_pages(name: str, base: Path, entries: list[PageEntry],
                problems: list[Problem]) -> tuple[PageConfig, ...]:
    pages, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        label = f"[[page]] #{number} ({entry.name})"
        if entry.name in seen:
            problems.append(Problem(name, label, "duplicate page name; give each its own"))
        seen.add(entry.name)
        if entry.page_date is not None:
            try:
                AsOf.parse(entry.page_date)
            except ValueError:
                problems.append(Problem(name, label, "page_date: write YYYY, YYYY-MM or "
                                        "YYYY-MM-DD"))
        source = entry.source
        if not source.startswith(("http://", "https://")):
            path = (base / source).resolve()
            if not path.is_file():
                problems.append(Problem(name, label, f"page {path} does not exist; fix "
                                        "`source` (a file beside the config or an http(s) URL)"))
            source = str(path)
        pages.append(PageConfig(entry.name, source, entry.page_date))
    return tuple(pages)


def _load_catalog(name: str, labs: list[dict[str, Any]], problems: list[Problem]) -> Catalog:
    try:
        return shipped_catalog().extended(labs)
    except CatalogError as exc:
        problems.append(Problem(name, "[[catalog.lab]]", f"{exc}; see the catalog in README"))
        return shipped_catalog()


def _duration_or_none(text: str | None) -> timedelta | None:
    return parse_duration(text) if text else None


def _sources_ok(raw: dict[str, Any]) -> bool:
    entries = raw.get("source", [])
    return isinstance(entries, list) and all(isinstance(e, dict) for e in entries)


def _load_sources(
    name: str, entries: Any, base: Path, default_interval: str, problems: list[Problem]
) -> list[SourceConfig]:
    if not isinstance(entries, list):
        problems.append(Problem(name, "[[source]]", "write sources as [[source]] tables"))
        return []
    sources: list[SourceConfig] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        label = f"[[source]] #{number}"
        if not isinstance(entry, dict):
            problems.append(Problem(name, label, "each [[source]] must be a table"))
            continue
        if isinstance(entry.get("id"), str):
            label += f" (id {entry['id']!r})"
        entry_id = entry.get("id")
        if isinstance(entry_id, str) and entry_id in seen:
            problems.append(
                Problem(
                    name,
                    label,
                    f"duplicate id {entry_id!r} (also source "
                    f"#{seen[entry_id]}); give each source its own id",
                )
            )
            continue
        if isinstance(entry_id, str):
            seen[entry_id] = number
        source = _load_source(name, label, entry, default_interval, problems)
        if source is None:
            continue
        sources.append(source)
    return sources


def _load_source(
    name: str, label: str, entry: dict[str, Any], default_interval: str, problems: list[Problem]
) -> SourceConfig | None:
    try:
        common = _SourceCommon.model_validate(entry)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(Problem(name, label, describe_pydantic_error(error)[1]))
        common = None
    kind_name = entry.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        problems.append(
            Problem(
                name,
                label,
                f"unknown source kind {kind_name!r}; use one of: {', '.join(sorted(KINDS))}",
            )
        )
        return None
    own = {k: v for k, v in entry.items() if k not in _SourceCommon.model_fields}
    try:
        params = kind.Params.model_validate(own)
    except ValidationError as exc:
        for error in exc.errors():
            loc, message = describe_pydantic_error(error)
            if error.get("type") == "extra_forbidden":
                known = sorted(set(_SourceCommon.model_fields) | set(kind.Params.model_fields))
                message += f" (a {kind_name} source takes: {', '.join(known)})"
            problems.append(Problem(name, label, message))
        return None
    if common is None:
        return None
    return SourceConfig(
        id=common.id,
        kind=common.kind,
        lab=common.lab,
        region=common.region,
        interval=parse_duration(common.interval or default_interval),
        params=params,
    )
