"""Retention: forget old runs and findings that no longer bear on anything.

Two settings (``[store] keep_runs`` / ``keep_findings``, both off by default):

- a **run** that started before ``now - keep_runs`` goes, with its per-source rows;
  the newest run is always kept (``claimwatch status`` shows it).
- a **finding** goes when all of these hold: it was last seen before
  ``now - keep_findings``; its source answered in full since then without it (a
  ``ok`` poll after its last sighting, of a source whose listing is complete), so it
  really left the source rather than hiding behind 304s, a failing host or a listing
  cut at its first page; and no flag's evidence cites it, whatever the flag's status.

Claims and their revisions, sources, flags and their events, deliveries and leases are
never touched. Pure bookkeeping on a session; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from storage.models import FindingRow, FlagRow, RunRow, RunSourceRow, SourceStateRow

_CHUNK = 500


@dataclass(frozen=True)
class Retention:
    """How long to keep runs and findings; None keeps them for ever."""

    keep_runs: timedelta | None = None
    keep_findings: timedelta | None = None

    @property
    def active(self) -> bool:
        return self.keep_runs is not None or self.keep_findings is not None


@dataclass
class PruneReport:
    runs: int = 0
    run_sources: int = 0
    findings: int = 0

    @property
    def total(self) -> int:
        return self.runs + self.run_sources + self.findings


def prune(
    session: Session, retention: Retention, *, now: datetime, dry_run: bool = False
) -> PruneReport:
    """Delete what ``retention`` lets go (or only count it, with ``dry_run``).

    Findings are judged before runs are deleted: the polls that show a finding has
    left its source are run rows.
    """
    report = PruneReport()
    if retention.keep_findings is not None:
        doomed = _old_findings(session, now - retention.keep_findings)
        report.findings = len(doomed)
        if not dry_run:
            _delete_ids(session, FindingRow, doomed)
    if retention.keep_runs is not None:
        runs = _old_runs(session, now - retention.keep_runs)
        report.runs = len(runs)
        report.run_sources = _count_in(session, RunSourceRow, RunSourceRow.run_id, runs)
        if not dry_run:
            for chunk in _chunks(runs):
                session.execute(delete(RunSourceRow).where(RunSourceRow.run_id.in_(chunk)))
            _delete_ids(session, RunRow, runs)
    return report


def cited_findings(session: Session) -> set[tuple[str, str]]:
    """(source id, key) of every finding some flag's evidence names."""
    cited = set()
    for evidence in session.scalars(select(FlagRow.evidence)):
        for item in evidence or ():
            if isinstance(item, dict) and item.get("source_id") and item.get("key"):
                cited.add((str(item["source_id"]), str(item["key"])))
    return cited


def _old_findings(session: Session, cutoff: datetime) -> list[int]:
    answered_since = exists().where(
        RunSourceRow.source_id == FindingRow.source_id,
        RunSourceRow.category == "ok",
        RunSourceRow.at > FindingRow.last_seen,
    )
    listing_complete = exists().where(
        SourceStateRow.source_id == FindingRow.source_id,
        SourceStateRow.complete.is_(True),
    )
    query = select(FindingRow.id, FindingRow.source_id, FindingRow.key).where(
        FindingRow.last_seen < cutoff, answered_since, listing_complete
    )
    cited = cited_findings(session)
    return [row_id for row_id, source_id, key in session.execute(query)
            if (source_id, key) not in cited]


def _old_runs(session: Session, cutoff: datetime) -> list[int]:
    newest = session.scalar(select(func.max(RunRow.id)))
    query = select(RunRow.id).where(RunRow.started_at < cutoff, RunRow.id != newest)
    return list(session.scalars(query))


def _count_in(session: Session, model: type, column, ids: Sequence[int]) -> int:
    return sum(
        session.scalar(select(func.count()).select_from(model).where(column.in_(chunk))) or 0
        for chunk in _chunks(ids)
    )


def _delete_ids(session: Session, model: type, ids: Sequence[int]) -> None:
    for chunk in _chunks(ids):
        session.execute(delete(model).where(model.id.in_(chunk)))


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start:start + _CHUNK])
