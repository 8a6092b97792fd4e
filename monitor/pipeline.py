"""One check, top to bottom: sources due → fetch → store findings → rules → flags → alerts.

Each step is one call with plain data crossing it. The run commits per source, so a
crash loses at most the source in flight, and a rerun reaches the same store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.claimsfile import load_claims
from monitor.config import Config, SourceConfig
from monitor.faults import crash_point
from monitor.pagesync import sync_with_pages
from monitor.storing import SourceOutcome, store_as_completed
from rules.engine import evaluate_all
from sources.http import Fetcher, FetchSettings
from sources.poll import SourceJob, poll_many
from sources.registry import KINDS
from storage import claims as claim_store
from storage import findings as finding_store
from storage import flags as flag_store
from storage import runs as run_store
from storage import sources as source_store
from storage.db import Store
from storage.lock import EVALUATE_LOCK, LockBusy, holder_id, lease
from storage.models import ClaimRow, FlagRow, RunRow

Progress = Callable[[int, int, "SourceOutcome"], None]


@dataclass(frozen=True)
class FlagNews:
    """A flag this check opened, with what an editor needs to read it."""

    flag_id: int
    claim_id: str
    claim_text: str
    status: str  # contradicted | stale | review
    rule: str
    reason: str
    suggestion: str
    evidence: tuple[dict, ...]


@dataclass
class FetchReport:
    run_id: int
    sources: list[SourceOutcome] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)  # leased by another worker: not polled

    @property
    def all_failed(self) -> bool:
        return bool(self.sources) and all(s.failed for s in self.sources)

    @property
    def new_findings(self) -> int:
        return sum(s.new for s in self.sources)


@dataclass
class CheckReport(FetchReport):
    claims_evaluated: int = 0
    opened: list[FlagNews] = field(default_factory=list)
    resolved: int = 0
    unchanged: int = 0
    unknown_names: list[str] = field(default_factory=list)
    claims_sync: claim_store.SyncReport | None = None
    judged: bool = False  # False when another worker was judging (see run_check)
    # flags opened by checks killed after judging, which nobody was shown (run ids)
    missed: list[FlagNews] = field(default_factory=list)
    interrupted_runs: list[int] = field(default_factory=list)

    @property
    def news(self) -> bool:
        return bool(self.opened or self.missed)


class RunStopped(Exception):
    """Raised by a run's ``progress`` callback to stop it between two sources."""

    run_id: int | None = None  # the run it stopped, set by run_check


def fetch_settings(config: Config) -> FetchSettings:
    from rules.duration import parse_duration

    timeout = parse_duration(config.fetch.timeout).total_seconds()
    return FetchSettings(
        concurrency=config.fetch.concurrency,
        per_host=config.fetch.per_host,
        read_timeout=timeout,
        max_bytes=config.fetch.max_bytes,
        retries=config.fetch.retries,
        allow_private_redirects=config.fetch.allow_private_redirects,
    )


def _definitions(config: Config) -> list[source_store.SourceDefinition]:
    return [
        source_store.SourceDefinition(
            id=s.id,
            kind=s.kind,
            lab=s.lab,
            region=s.region,
            interval=s.interval,
            params=s.params.model_dump(mode="json"),
        )
        for s in config.sources
    ]


def sync_config(config: Config, store: Store, *, now: datetime, by: str) -> claim_store.SyncReport:
    """Bring the store's sources and claims in line with the config and claims files.

    The claims files are validated whole first; a bad file changes nothing.
    """
    files: dict[str, str] = {}
    claims = load_claims(config.claims_files, {s.id for s in config.sources}, files)
    with store.session() as session:
        source_store.sync_sources(session, _definitions(config))
        return sync_with_pages(session, config, claims, files, now=now, by=by)


def select_sources(
    config: Config, store: Store, *, now: datetime, everything: bool, only: Sequence[str] = ()
) -> list[SourceConfig]:
    if only:
        return [config.source(source_id) for source_id in only]
    if everything:
        return list(config.sources)
    with store.session() as session:
        due = set(source_store.due_source_ids(session, now))
    return [s for s in config.sources if s.id in due]


def fetch_sources(
    config: Config,
    store: Store,
    sources: Sequence[SourceConfig],
    *,
    command: str,
    clock: Callable[[], datetime],
    replay_dir: Path | None = None,
    record_dir: Path | None = None,
    progress: Progress | None = None,
    holder: str | None = None,
    run_id: int | None = None,
) -> FetchReport:
    """Poll ``sources`` and store what they found, committing per source.

    Each source is leased first (``holder``, default this process); one another
    worker is polling right now is left out and listed in ``busy``. Leases of sources
    not stored (a stop, an error) are given back at the end. ``run_id``: a run the
    caller started (default: start one here).
    """
    owner = holder or holder_id()
    with store.session() as session:
        source_store.reclaim_dead_source_leases(session)
        leased = set(source_store.lease_sources(
            session, [s.id for s in sources], owner=owner, now=clock()))
        known = set(source_store.states(session))
        if run_id is None:
            run_id = run_store.start_run(session, command, now=clock()).id
    mine = [s for s in sources if s.id in leased or s.id not in known]
    busy = [s.id for s in sources if s.id not in leased and s.id in known]
    report = FetchReport(run_id=run_id, busy=busy)
    try:
        asyncio.run(
            _poll_and_store(config, store, mine, report, clock, replay_dir, record_dir, progress)
        )
    finally:
        with store.session() as session:
            source_store.release_source_leases(session, owner)
    return report


async def _poll_and_store(
    config: Config,
    store: Store,
    sources: Sequence[SourceConfig],
    report: FetchReport,
    clock: Callable[[], datetime],
    replay_dir: Path | None,
    record_dir: Path | None,
    progress: Progress | None,
) -> None:
    with store.session() as session:
        states = source_store.states(session)
    jobs = []
    for source in sources:
        state = states.get(source.id)
        jobs.append(
            SourceJob(
                source_id=source.id,
                kind=KINDS[source.kind],
                params=source.params,
                etag=state.etag if state else None,
                last_modified=state.last_modified if state else None,
            )
        )
    intervals = {s.id: s.interval for s in sources}

    def confirm(outcome: SourceOutcome) -> None:
        report.sources.append(outcome)
        crash_point("mid-fetch")
        if progress:
            progress(len(report.sources), len(jobs), outcome)

    async with Fetcher(
        fetch_settings(config), replay_dir=replay_dir, record_dir=record_dir
    ) as fetcher:
        await store_as_completed(poll_many(fetcher, jobs), store, report.run_id, intervals,
                                 clock, confirm)


def evaluate(
    store: Store,
    report: CheckReport,
    *,
    now: datetime,
    by: str,
    wait: float = 60.0,
    holder: str | None = None,
) -> bool:
    """Run every rule on every active claim and reconcile the verdicts into flags.

    One process judges at a time (the ``evaluate`` lease): two reconciling at once
    would race to open the same flag. Waits ``wait`` seconds for it; returns False,
    having done nothing, when another process still holds it then.
    """
    try:
        with lease(store, EVALUATE_LOCK, ttl=timedelta(minutes=30), wait=wait, holder=holder):
            _evaluate(store, report, now=now, by=by)
    except LockBusy:
        if wait > 0:
            raise
        return False
    return True


def _evaluate(store: Store, report: CheckReport, *, now: datetime, by: str) -> None:
    with store.session() as session:
        claims = claim_store.active_claims(session)
        evaluation = evaluate_all(
            claims, finding_store.observations(session), source_store.health(session), now
        )
        result = flag_store.reconcile(
            session, evaluation.verdicts, [c.id for c in claims], now=now, by=by
        )
        crash_point("mid-evaluate")
        texts = {c.id: c.text for c in claims}
        report.claims_evaluated = len(claims)
        report.opened = [_news(flag, texts) for flag in result.opened]
        report.resolved, report.unchanged = len(result.resolved), result.unchanged
        report.unknown_names = list(evaluation.unknown_names)


def _news(flag: FlagRow, texts: dict[str, str]) -> FlagNews:
    return FlagNews(
        flag_id=flag.id,
        claim_id=flag.claim_id,
        claim_text=texts.get(flag.claim_id, ""),
        status=flag.verdict,
        rule=flag.rule,
        reason=flag.reason,
        suggestion=flag.suggestion,
        evidence=tuple(flag.evidence or ()),
    )


def run_check(
    config: Config,
    store: Store,
    *,
    everything: bool = False,
    only: Sequence[str] = (),
    replay_dir: Path | None = None,
    record_dir: Path | None = None,
    progress: Progress | None = None,
    by: str = "claimwatch",
    clock: Callable[[], datetime] | None = None,
    command: str = "check",
    holder: str | None = None,
    sync: bool = True,
    judge_wait: float = 60.0,
) -> CheckReport:
    """One whole check: ``claimwatch check`` and every poll of the daemon run this.

    The caller holds the store's worker lease (SQLite). ``sync`` first brings sources
    and claims in line with the files (the daemon does that at start and on reload
    only). ``judge_wait``: seconds to wait for a worker that is judging; with 0 the
    judgement is skipped when one is (``report.judged`` says so). A ``progress`` that
    raises :class:`RunStopped` stops the run between two sources, marked ``stopped``.
    """
    clock = clock or (lambda: datetime.now(UTC))
    synced = sync_config(config, store, now=clock(), by=by) if sync else None
    sources = select_sources(config, store, now=clock(), everything=everything, only=only)
    with store.session() as session:
        run_id = run_store.start_run(session, command, now=clock()).id
    try:
        fetched = fetch_sources(
            config, store, sources, command=command, clock=clock, replay_dir=replay_dir,
            record_dir=record_dir, progress=progress, holder=holder, run_id=run_id)
    except RunStopped as stopped:
        stopped.run_id = run_id
        with store.session() as session:
            run_store.finish_run(session, run_id, now=clock(), status="stopped", counts={})
        raise
    report = CheckReport(run_id=run_id, sources=fetched.sources, claims_sync=synced)
    report.judged = evaluate(store, report, now=clock(), by=by, wait=judge_wait, holder=holder)
    crash_point("after-evaluate")
    with store.session() as session:
        _report_page_flags(session, report)
        if command == "check":  # the daemon's runs do not print what checks missed
            _report_interrupted_checks(session, report, now=clock())
        run_store.finish_run(session, run_id, now=clock(), status="done",
                             counts=run_counts(report))
    return report


def run_counts(report: CheckReport) -> dict[str, int]:
    return {
        **fetch_counts(report),
        "flags_opened": len(report.opened),
        "flags_resolved": report.resolved,
    }


def fetch_counts(report: FetchReport) -> dict[str, int]:
    return {
        "sources": len(report.sources),
        "failed": sum(s.failed for s in report.sources),
        "new_findings": report.new_findings,
    }


def finish_fetch(store: Store, report: FetchReport, *, now: datetime) -> None:
    """Close the run ``fetch_sources`` opened, with its counts."""
    with store.session() as session:
        run_store.finish_run(session, report.run_id, now=now, status="done",
                             counts=fetch_counts(report))


def _report_page_flags(session: Session, report: CheckReport) -> None:
    """Flags that following the pages opened during this check's sync ("new claim,
    please confirm", a page that lost half its claims): news like the rules' flags."""
    ids = list(getattr(report.claims_sync, "opened_flags", ()))
    if not ids:
        return
    flags = list(session.scalars(select(FlagRow).where(FlagRow.id.in_(ids))))
    texts = dict(session.execute(select(ClaimRow.id, ClaimRow.text).where(
        ClaimRow.id.in_({flag.claim_id for flag in flags}))).all())
    shown = {news.flag_id for news in report.opened}
    report.opened = [_news(flag, texts) for flag in flags if flag.id not in shown] + report.opened


def _report_interrupted_checks(session: Session, report: CheckReport, *, now: datetime) -> None:
    """Put the flags of checks killed after judging into ``report.missed`` and close
    those runs, in the caller's transaction: if this check dies too, the next says it."""
    this_run = session.get(RunRow, report.run_id)
    interrupted = run_store.interrupted_checks(session, report.run_id)
    if this_run is None or not interrupted:
        return
    opened_now = {news.flag_id for news in report.opened}
    flags = [flag for flag in run_store.flags_opened_by(session, interrupted, this_run.started_at)
             if flag.id not in opened_now]
    texts = dict(session.execute(select(ClaimRow.id, ClaimRow.text).where(
        ClaimRow.id.in_({flag.claim_id for flag in flags}))).all())
    report.missed = [_news(flag, texts) for flag in flags]
    report.interrupted_runs = [row.id for row in interrupted]
    run_store.close_interrupted(interrupted, reported_by=report.run_id, now=now)
