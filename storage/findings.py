"""Findings in the store: upsert by (source, key), noting what is new and what changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
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


def _differences(row: FindingRow, finding: Finding) -> list[str]:
    names = []
    for name in ("title", "url", "published", "updated"):
        if getattr(row, name) != getattr(finding, name):
            names.append(name)
    if _stable(row.attributes or {}) != _stable(finding.attributes):
        names.append("attributes")
    return names


def upsert_findings(session: Session, source_id: str, findings: Sequence[Finding],
                    *, now: datetime) -> UpsertReport:
    """Insert new findings, update changed ones, touch last-seen of the rest."""
    report = UpsertReport(seen=len(findings))
    unique = {finding.key: finding for finding in findings}  # a feed may repeat an item
    existing: dict[str, FindingRow] = {}
    keys = list(unique)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        query = select(FindingRow).where(FindingRow.source_id == source_id,
                                         FindingRow.key.in_(chunk))
        existing.update((row.key, row) for row in session.scalars(query))
    fresh_rows, touched = [], []
    for key, finding in unique.items():
        row = existing.get(key)
        if row is None:
            fresh_rows.append(_new_row(source_id, finding, now))
            report.new.append(key)
            continue
        touched.append(row.id)
        changes = _differences(row, finding)
        row.attributes = dict(finding.attributes)
        if changes:
            row.title, row.url = finding.title, finding.url
            row.published, row.updated = finding.published, finding.updated
            row.changed_at, row.change_note = now, ", ".join(changes)
            report.changed.append(key)
    if fresh_rows:
        session.execute(FindingRow.__table__.insert(), fresh_rows)
    for start in range(0, len(touched), _CHUNK):
        session.execute(update(FindingRow).where(
            FindingRow.id.in_(touched[start:start + _CHUNK])).values(last_seen=now))
    return report


def _new_row(source_id: str, finding: Finding, now: datetime) -> dict[str, Any]:
    return {
        "source_id": source_id, "key": finding.key, "kind": finding.kind,
        "title": finding.title, "url": finding.url, "published": finding.published,
        "updated": finding.updated, "attributes": dict(finding.attributes),
        "first_seen": now, "last_seen": now,
    }


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
