"""Findings in the store: upsert by (source, key), noting what is new and what changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from rules.observed import Observation
from sources.finding import Finding
from storage.models import FindingRow, SourceRow

# Attributes that move on every poll (hub download counters); they are stored but a
# change in them alone does not make a finding "changed".
VOLATILE = frozenset({"downloads", "likes", "trending_score", "trendingScore"})
_CHUNK = 500


@dataclass
class UpsertReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    seen: int = 0


def _stable(attributes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attributes.items() if k not in VOLATILE}


def _differences(row: Row, finding: Finding) -> list[str]:
    names = [name for name in ("title", "url", "published", "updated")
             if getattr(row, name) != getattr(finding, name)]
    if _stable(row.attributes or {}) != _stable(finding.attributes):
        names.append("attributes")
    return names


_TABLE = FindingRow.__table__
_COLUMNS = _TABLE.c
# statements built once: building one costs more than running it on a small source
_EXISTING = select(_COLUMNS.id, _COLUMNS.key, _COLUMNS.title, _COLUMNS.url,
                   _COLUMNS.published, _COLUMNS.updated, _COLUMNS.attributes).where(
    _COLUMNS.source_id == bindparam("source_id"),
    _COLUMNS.key.in_(bindparam("keys", expanding=True)))
_INSERT = insert(_TABLE)
_TOUCH = update(_TABLE).where(_COLUMNS.id.in_(bindparam("row_ids", expanding=True))).values(
    last_seen=bindparam("new_last_seen"))
# bound names differ from the column names, as executemany UPDATEs require
_REWRITE = update(_TABLE).where(_COLUMNS.id == bindparam("row_id")).values(
    title=bindparam("new_title"), url=bindparam("new_url"),
    published=bindparam("new_published"), updated=bindparam("new_updated"),
    attributes=bindparam("new_attributes"), changed_at=bindparam("new_changed_at"),
    change_note=bindparam("new_change_note"), last_seen=bindparam("new_last_seen"))
_REFRESH = update(_TABLE).where(_COLUMNS.id == bindparam("row_id")).values(
    attributes=bindparam("new_attributes"), last_seen=bindparam("new_last_seen"))


def upsert_findings(db: Session | Connection, source_id: str, findings: Sequence[Finding],
                    *, now: datetime) -> UpsertReport:
    """Insert new findings, update changed ones, touch last-seen of the rest.

    Core statements, not the ORM: a check runs this for every source with tens of
    findings each, and ORM objects cost several times the SQL they stand for.
    """
    report = UpsertReport(seen=len(findings))
    unique = {finding.key: finding for finding in findings}  # a feed may repeat an item
    existing = _existing(db, source_id, list(unique))
    fresh, rewrites, refreshes, touched = [], [], [], []
    for key, finding in unique.items():
        row = existing.get(key)
        if row is None:
            fresh.append(_new_row(source_id, finding, now))
            report.new.append(key)
        elif changes := _differences(row, finding):
            rewrites.append(_rewrite(row.id, finding, ", ".join(changes), now))
            report.changed.append(key)
        elif row.attributes != finding.attributes:  # a volatile counter moved
            refreshes.append({"row_id": row.id, "new_attributes": dict(finding.attributes),
                              "new_last_seen": now})
        else:
            touched.append(row.id)
    if fresh:
        db.execute(_INSERT, fresh)
    if rewrites:
        db.execute(_REWRITE, rewrites)
    if refreshes:
        db.execute(_REFRESH, refreshes)
    for start in range(0, len(touched), _CHUNK):
        db.execute(_TOUCH, {"row_ids": touched[start:start + _CHUNK], "new_last_seen": now})
    return report


def _existing(db: Session | Connection, source_id: str, keys: list[str]) -> dict[str, Row]:
    existing: dict[str, Row] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = {"source_id": source_id, "keys": keys[start:start + _CHUNK]}
        existing.update((row.key, row) for row in db.execute(_EXISTING, chunk))
    return existing


def _new_row(source_id: str, finding: Finding, now: datetime) -> dict[str, Any]:
    return {
        "source_id": source_id, "key": finding.key, "kind": finding.kind,
        "title": finding.title, "url": finding.url, "published": finding.published,
        "updated": finding.updated, "attributes": dict(finding.attributes),
        "first_seen": now, "last_seen": now,
    }


def _rewrite(row_id: int, finding: Finding, note: str, now: datetime) -> dict[str, Any]:
    return {"row_id": row_id, "new_title": finding.title, "new_url": finding.url,
            "new_published": finding.published, "new_updated": finding.updated,
            "new_attributes": dict(finding.attributes), "new_changed_at": now,
            "new_change_note": note, "new_last_seen": now}


def row_to_finding(row: FindingRow) -> Finding:
    return Finding(key=row.key, title=row.title, kind=row.kind, url=row.url,
                   published=row.published, updated=row.updated,
                   attributes=dict(row.attributes or {}))


def observations(session: Session) -> list[Observation]:
    """Every finding of an active source, with its source, for the rules."""
    query = select(FindingRow, SourceRow.kind, SourceRow.lab, SourceRow.region).join(
        SourceRow, SourceRow.id == FindingRow.source_id
    ).where(SourceRow.active.is_(True))
    return [
        Observation(source_id=row.source_id, source_kind=kind, lab=lab, region=region,
                    finding=row_to_finding(row), first_seen=row.first_seen,
                    last_seen=row.last_seen)
        for row, kind, lab, region in session.execute(query)
    ]
