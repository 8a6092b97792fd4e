"""The daemon behind ``claimwatch run``: keep the schedule, survive gaps and signals.

Design. One APScheduler ``BackgroundScheduler`` with a single worker thread runs its
jobs, one at a time. On SQLite each holds the store's worker lease (so a cron ``check``
and the daemon never work at once; a job finding the store busy skips that turn). On
PostgreSQL several daemons may share the store (see "Several workers" below).

- ``poll`` every tick (a quarter of the shortest source interval, 1-60 s): lease the
  sources the store says are due (back-off included, plus a stable per-source jitter),
  at most ``per_tick`` of them, most overdue first, so a backlog after downtime is
  spread over ticks instead of burst; then run ``monitor.pipeline.run_check`` on them,
  the check ``claimwatch check`` runs (poll, store, judge), and send alerts. One job
  rather than one per source: the store's ``next_due`` stays the single truth about
  when a source is due, so back-off, cron runs and restarts need no job bookkeeping.
- ``digest`` on the weekly trigger (the config's weekday and time, its timezone).
- ``catch-up`` at start and hourly: send the digest if one is due and not delivered,
  whatever happened meanwhile (machine asleep on Monday, daemon down, a misfire).
  ``digest_due`` and the delivery rows make both digest paths send a week only once.
- ``prune`` a minute after start and hourly, when ``[store] keep_runs`` or
  ``keep_findings`` is set: forget old runs and findings (``storage.retention``).

Several workers (PostgreSQL only). Each daemon leases the due sources it polls
(``storage.sources.lease_sources``: FOR UPDATE SKIP LOCKED, at most ``per_tick``), so N
daemons split the polling and a source is polled by one of them; the lease is freed
when the result is stored, and a killed worker's leases are freed by the others (same
host) or run out (another host). Judging the claims takes the ``evaluate`` lease and is
skipped when another worker holds it (that worker's judgement covers the findings
stored so far; this one judges again at its next tick). Alerts are chosen, sent and
marked under the ``mail`` lease, the digest job runs under a ``digest`` lease, and
deliveries are unique per recipient: each mail goes out once. The config sync takes
the worker lease, waiting for it.

The main thread writes a heartbeat (a lease row: pid, start, next jobs; ``daemon`` on
SQLite, ``daemon:<host>:<pid>`` per worker on PostgreSQL) and handles signals:
SIGTERM / SIGINT stop (the source in flight is stored or dropped whole; the pipeline
commits per source), SIGHUP reloads the config and claims, keeping the running ones
when the new files have mistakes.

Exit codes: 0 stopped cleanly; 2 the config or claims files have mistakes at start;
3 another daemon runs on this SQLite store, the daemon lost its lease, or it stopped
with work abandoned (a run cut short; rerunning finishes it).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from monitor import exitcodes
from monitor.claimsfile import load_claims
from monitor.config import Config, load_config
from monitor.logs import log_event, log_failing_source, log_run
from monitor.pipeline import CheckReport, RunStopped, evaluate, run_check, sync_config
from monitor.problems import ConfigError
from monitor.schedule import digest_trigger, pick_due, poll_tick
from storage import sources as source_store
from storage.db import Store
from storage.lock import (
    DAEMON_LEASE,
    WORKER_LOCK,
    LockBusy,
    holder_id,
    lease,
    reclaim_dead_lease,
    release,
    several_workers,
    try_acquire,
)
from storage.models import LeaseRow
from storage.retention import Retention, prune

DIGEST_LOCK = "digest"
PRUNE_LOCK = "prune"
SYNC_WAIT = 30.0  # seconds a worker's config sync waits for the worker lease
FORGET_STOPPED_WORKERS = timedelta(days=1)
CLEAN, ABANDONED = exitcodes.OK, exitcodes.FAILURE


@dataclass
class RunOptions:
    replay_dir: Path | None = None
    dry_run_dir: Path | None = None
    once_for: float | None = None  # test aid: stop after this many seconds
    per_tick: int | None = None  # default: the config's fetch concurrency
    heartbeat_every: float = 15.0
    stop_grace: float = 30.0  # how long a stop waits for the job in flight
    catch_up_every: timedelta = timedelta(hours=1)
    prune_every: timedelta = timedelta(hours=1)
    digest_trigger: BaseTrigger | None = None  # tests: fire the digest job sooner
    by: str = "claimwatch"


def validate(config_path: Path) -> Config:
    """Load the config and validate its claims files; ConfigError lists every mistake."""
    config = load_config(config_path)
    load_claims(config.claims_files, {s.id for s in config.sources})
    return config


class Daemon:
    def __init__(
        self,
        config: Config,
        store: Store,
        logger: logging.Logger,
        options: RunOptions | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.log = logger
        self.options = options or RunOptions()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.holder = holder_id()
        self.shared = several_workers(store)
        self.lease_name = f"{DAEMON_LEASE}:{self.holder}" if self.shared else DAEMON_LEASE
        self.evaluation_owed = False  # skipped while another worker judged: judge later
        self.started = self.clock()
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.reload_asked = threading.Event()
        self.busy = threading.Lock()  # held while a job works
        self.current: str | None = None
        self.abandoned = False
        self.dry_run_weeks: set[str] = set()
        self.lost_lease = False
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )

    # --- lifecycle -------------------------------------------------------------

    def run(self, *, install_signals: bool = True) -> int:
        """Work until stopped; returns the exit code."""
        reclaimed = [n for n in _lease_names(self.store) if reclaim_dead_lease(self.store, n)]
        if reclaimed:
            log_event(self.log, "lease", f"freed lease(s) of a dead process: {reclaimed}")
        if self.shared:
            _forget_stopped_workers(self.store, self.clock())
        if not try_acquire(self.store, self.lease_name, self.holder, self._lease_ttl()):
            other = _read_lease(self.store, self.lease_name)
            who = other.holder if other else "another process"
            log_event(self.log, "busy", f"another claimwatch run ({who}) keeps this store; "
                      "exiting", level=logging.ERROR, holder=who)
            return ABANDONED
        previous = self._install_signals() if install_signals else {}
        try:
            self._schedule(self.config, first=True)
            self.scheduler.start()
            log_event(self.log, "started", f"claimwatch run started, pid {os.getpid()}",
                      pid=os.getpid(), config=str(self.config.path),
                      tick=poll_tick(self.config.sources).total_seconds(),
                      workers="several" if self.shared else "one")
            self._beat()
            self._main_loop()
            return self._stop()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def request_stop(self) -> None:
        self.stopping.set()
        self.wake.set()

    def request_reload(self) -> None:
        self.reload_asked.set()
        self.wake.set()

    def _install_signals(self) -> dict[int, Any]:
        previous = {}
        handlers = {
            signal.SIGTERM: lambda *_: self.request_stop(),
            signal.SIGINT: lambda *_: self.request_stop(),
            signal.SIGHUP: lambda *_: self.request_reload(),
        }
        for signum, handler in handlers.items():
            previous[signum] = signal.signal(signum, handler)
        return previous

    def _main_loop(self) -> None:
        deadline = time.monotonic() + self.options.once_for if self.options.once_for else None
        while not self.stopping.is_set():
            timeout = self.options.heartbeat_every
            if deadline is not None:
                timeout = max(0.0, min(timeout, deadline - time.monotonic()))
            self.wake.wait(timeout)
            self.wake.clear()
            if self.reload_asked.is_set():
                self.reload_asked.clear()
                self.reload()
            if not self._beat():
                self.lost_lease = True
                self.request_stop()
            if deadline is not None and time.monotonic() >= deadline:
                self.request_stop()

    def _stop(self) -> int:
        self.stopping.set()
        self.scheduler.shutdown(wait=False)
        if not self.busy.acquire(timeout=self.options.stop_grace):
            self._abandon_now()
        self.busy.release()
        code = ABANDONED if (self.abandoned or self.lost_lease) else CLEAN
        how = "stopped cleanly" if code == CLEAN else (
            "stopped: lost the daemon lease" if self.lost_lease else
            "stopped with a run cut short; the next run finishes it")
        self._beat(stopped=code)
        log_event(self.log, "stopped", how, exit=code)
        return code

    def _abandon_now(self) -> None:
        """The job in flight did not stop within the grace: leave without it.

        Its open transaction dies with the process, so the store keeps only what
        committed sources wrote.
        """
        log_event(self.log, "stopped", f"stopped: {self.current} still running after "
                  f"{self.options.stop_grace:g} s; abandoned", level=logging.WARNING,
                  exit=ABANDONED)
        with suppress(SQLAlchemyError):  # else the next daemon frees a dead process's lease
            release(self.store, WORKER_LOCK, self.holder)
            with self.store.session() as session:
                source_store.release_source_leases(session, self.holder)
        self._beat(stopped=ABANDONED)
        for handler in self.log.handlers:
            handler.flush()
        os._exit(ABANDONED)

    # --- configuration ---------------------------------------------------------

    def reload(self) -> bool:
        """Re-read the config and claims; keep the running ones if the new have mistakes."""
        try:
            new = validate(self.config.path)
        except ConfigError as exc:
            for problem in exc.problems:
                log_event(self.log, "reload-refused", str(problem), level=logging.ERROR,
                          file=problem.file, entry=problem.entry)
            log_event(self.log, "reload-refused", f"new config has {len(exc.problems)} "
                      "mistake(s); still running the previous one", level=logging.ERROR)
            return False
        if new.store_url != self.config.store_url:
            log_event(self.log, "reload-refused", "the store URL changed; restart "
                      "claimwatch run to move stores", level=logging.ERROR)
            return False
        self.config = new
        self._schedule(new, first=False)
        log_event(self.log, "reloaded", f"config reloaded: {len(new.sources)} sources",
                  sources=len(new.sources), tick=poll_tick(new.sources).total_seconds())
        return True

    def _schedule(self, config: Config, *, first: bool) -> None:
        now = self.clock()
        tick = poll_tick(config.sources)
        add = self.scheduler.add_job
        add(self._job, args=("sync", self._sync), id="sync", name="sync config and claims",
            next_run_time=now, replace_existing=True, misfire_grace_time=None)
        add(self._job, IntervalTrigger(seconds=tick.total_seconds(), timezone=UTC),
            args=("poll", self._poll), id="poll", name="poll due sources",
            next_run_time=now + timedelta(seconds=0.1), replace_existing=True,
            misfire_grace_time=max(1, int(tick.total_seconds() * 2)))
        add(self._job, self.options.digest_trigger or digest_trigger(config.schedule),
            args=("digest", self._digest), id="digest", name="weekly digest",
            replace_existing=True, misfire_grace_time=int(timedelta(hours=12).total_seconds()))
        if first:
            add(self._job,
                IntervalTrigger(seconds=self.options.catch_up_every.total_seconds(),
                                timezone=UTC),
                args=("catch-up", self._digest), id="catch-up", name="digest catch-up",
                next_run_time=now + timedelta(seconds=0.5), misfire_grace_time=None)
            add(self._job,
                IntervalTrigger(seconds=self.options.prune_every.total_seconds(), timezone=UTC),
                args=("prune", self._prune), id="prune", name="forget old runs and findings",
                next_run_time=now + min(timedelta(minutes=1), self.options.prune_every),
                misfire_grace_time=None)

    # --- jobs ------------------------------------------------------------------

    def _job(self, name: str, work: Callable[[Config], None]) -> None:
        """Run one job under the worker lease; a failing job logs and the daemon goes on."""
        if self.stopping.is_set():
            return
        with self.busy:
            if self.stopping.is_set():
                return
            self.current = name
            config = self.config
            try:
                with self._job_lease(name):
                    work(config)
            except LockBusy as exc:
                log_event(self.log, "busy", f"{name}: {exc}; next turn", level=logging.INFO,
                          job=name)
            except RunStopped as stopped:
                self.abandoned = True
                log_event(self.log, "run", f"run {stopped.run_id} cut short by a stop; the "
                          "sources not stored are polled next time", level=logging.WARNING,
                          run=stopped.run_id)
            except Exception as exc:  # noqa: BLE001 - one failing job must not end the daemon
                self.log.error(f"{name} failed: {exc}", exc_info=True,
                               extra={"event": "job-failed", "fields": {"job": name}})
            finally:
                self.current = None

    def _job_lease(self, name: str) -> AbstractContextManager[Any]:
        """What a job holds while it works: the worker lease on SQLite; on PostgreSQL,
        the worker lease for the config sync (waiting), a ``digest`` lease for the
        digest jobs, and nothing for the poll, which leases its sources."""
        if not self.shared:
            return self._worker_lease()
        if name == "sync":
            return lease(self.store, WORKER_LOCK, wait=SYNC_WAIT, holder=self.holder)
        if name in ("digest", "catch-up"):
            return lease(self.store, DIGEST_LOCK, ttl=timedelta(minutes=30), wait=0,
                         holder=self.holder)
        if name == "prune":
            return lease(self.store, PRUNE_LOCK, ttl=timedelta(minutes=30), wait=0,
                         holder=self.holder)
        return nullcontext()

    @contextmanager
    def _worker_lease(self) -> Iterator[None]:
        try:
            with lease(self.store, WORKER_LOCK, wait=0, holder=self.holder):
                yield
        except LockBusy:
            if not reclaim_dead_lease(self.store, WORKER_LOCK):
                raise
            with lease(self.store, WORKER_LOCK, wait=0, holder=self.holder):
                yield

    def _sync(self, config: Config) -> None:
        report = sync_config(config, self.store, now=self.clock(), by=self.options.by)
        log_event(self.log, "claims", f"claims loaded: {len(report.created)} new, "
                  f"{len(report.updated)} updated, {len(report.retired)} retired, "
                  f"{len(report.restored)} restored, {report.unchanged} unchanged", job="sync")

    def _poll(self, config: Config) -> int:
        """Lease and poll the due sources, judge the claims, mail alerts; returns how
        many sources were polled."""
        chosen = self.lease_due(config)
        if not chosen:
            if self.evaluation_owed:
                self._judge(CheckReport(run_id=0))
                self._alerts(config)
            return 0
        report = self._check(config, chosen)
        log_run(self.log, report)
        for outcome in report.sources:
            if outcome.failed:
                log_failing_source(self.log, report.run_id, outcome)
        self._alerts(config)
        return len(report.sources)

    def poll_once(self) -> int:
        """One poll job now, as the scheduler runs it (for benchmarks and tests)."""
        return self._poll(self.config)

    def lease_due(self, config: Config) -> list[str]:
        """The due sources this worker takes this tick, leased in the store: at most
        ``per_tick``, most overdue first, none another worker holds."""
        now = self.clock()
        with self.store.session() as session:
            source_store.reclaim_dead_source_leases(session)
            due = {sid: st.next_due for sid, st in source_store.states(session).items()}
            candidates = pick_due(config.sources, due, now, len(config.sources))
            limit = self.options.per_tick or config.fetch.concurrency
            return source_store.lease_sources(session, candidates, owner=self.holder, now=now,
                                              limit=limit, due_only=True)

    def _check(self, config: Config, chosen: list[str]) -> CheckReport:
        """The check every ``claimwatch check`` runs, on the sources this worker leased,
        without the sync (done at start and on reload) and without waiting to judge."""
        report = run_check(config, self.store, only=chosen, replay_dir=self.options.replay_dir,
                           progress=self._progress, by=self.options.by, clock=self.clock,
                           command="run", holder=self.holder, sync=False, judge_wait=0)
        self._owe_judgement(report.judged)
        return report

    def _judge(self, report: CheckReport) -> None:
        """Judge every claim unless another worker is judging right now."""
        self._owe_judgement(evaluate(self.store, report, now=self.clock(), by=self.options.by,
                                     wait=0, holder=self.holder))

    def _owe_judgement(self, judged: bool) -> None:
        self.evaluation_owed = not judged
        if not judged:
            log_event(self.log, "busy", "claims: another worker is judging them; "
                      "judging again next tick", level=logging.INFO, job="poll")

    def _progress(self, done: int, total: int, _outcome: Any) -> None:
        if self.stopping.is_set() and done < total:
            raise RunStopped

    def _alerts(self, config: Config) -> None:
        try:
            from monitor.alerts import send_alerts
        except ImportError:  # not built yet
            return
        outcome = send_alerts(config, self.store, now=self.clock(),
                              dry_run_dir=self.options.dry_run_dir)
        if not outcome.flag_ids:
            return
        level = logging.WARNING if outcome.failed else logging.INFO
        log_event(self.log, "alert", f"alert for {len(outcome.flag_ids)} flag(s): "
                  f"{_mailed(outcome)}", level=level, key=outcome.key,
                  delivered=len(outcome.delivered), failed=len(outcome.failed))

    def _digest(self, config: Config) -> None:
        from monitor.digest import deliver_digest, digest_due

        now = self.clock()
        week = digest_due(config, self.store, now)
        if week is None or week in self.dry_run_weeks:
            return
        outcome = deliver_digest(config, self.store, week=week, now=now,
                                 dry_run_dir=self.options.dry_run_dir)
        if self.options.dry_run_dir is not None:
            self.dry_run_weeks.add(week)  # a dry run records no delivery: write it once
        level = logging.WARNING if outcome.failed else logging.INFO
        log_event(self.log, "digest", f"digest {week}: {_mailed(outcome)}", level=level,
                  week=week, delivered=len(outcome.delivered), failed=len(outcome.failed),
                  skipped=len(outcome.skipped))

    def _prune(self, config: Config) -> None:
        retention = Retention(config.keep_runs, config.keep_findings)
        if not retention.active:
            return
        with self.store.session() as session:
            report = prune(session, retention, now=self.clock())
        if report.total:
            log_event(self.log, "prune", f"forgot {report.runs} run(s) with "
                      f"{report.run_sources} source outcome(s), {report.findings} finding(s)",
                      runs=report.runs, run_sources=report.run_sources,
                      findings=report.findings)

    # --- heartbeat -------------------------------------------------------------

    def _lease_ttl(self) -> timedelta:
        return timedelta(seconds=max(30.0, 3 * self.options.heartbeat_every))

    def _beat(self, stopped: int | None = None) -> bool:
        """Renew the daemon lease with what ``claimwatch status`` shows; False if lost."""
        now = self.clock()
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": self.started.isoformat(),
            "config": str(self.config.path),
            "heartbeat_every": self.options.heartbeat_every,
            "working": self.current,
            "jobs": self.next_jobs(),
        }
        expires = now + self._lease_ttl()
        if stopped is not None:
            info.update(stopped=now.isoformat(), exit=stopped, jobs=[])
            expires = now  # free for the next daemon at once
        try:
            with self.store.session() as session:
                kept = session.execute(
                    update(LeaseRow)
                    .where(LeaseRow.name == self.lease_name, LeaseRow.holder == self.holder)
                    .values(heartbeat_at=now, expires_at=expires, info=info)
                ).rowcount
        except SQLAlchemyError as exc:
            log_event(self.log, "heartbeat", f"heartbeat not written: {exc}",
                      level=logging.WARNING)
            return True  # a busy store is not a lost lease
        if not kept and stopped is None:
            log_event(self.log, "heartbeat", "another process took the daemon lease",
                      level=logging.ERROR)
        return bool(kept)

    def next_jobs(self) -> list[dict[str, str]]:
        if not self.scheduler.running:
            return []
        jobs = [j for j in self.scheduler.get_jobs() if j.next_run_time is not None]
        jobs.sort(key=lambda j: j.next_run_time)
        return [
            {"id": j.id, "name": j.name, "next_run": j.next_run_time.astimezone(UTC).isoformat()}
            for j in jobs
        ]


def _mailed(outcome: Any) -> str:
    """One phrase for a digest or alert outcome: who got it, who did not, why."""
    parts = []
    if outcome.delivered:
        parts.append(f"sent to {', '.join(outcome.delivered)}")
    parts += [f"NOT sent to {who}: {why}" for who, why in outcome.failed.items()]
    if getattr(outcome, "skipped", None):
        parts.append(f"{len(outcome.skipped)} already had it")
    parts += [f"written to {path}" for path in outcome.eml]
    return "; ".join(parts) or "nobody to send to"


def _lease_names(store: Store) -> list[str]:
    """Every lease in the store: daemon, worker, mail (a killed process may hold any)."""
    with store.session() as session:
        return list(session.scalars(select(LeaseRow.name)))


def _forget_stopped_workers(store: Store, now: datetime) -> None:
    """Drop the heartbeat rows of workers silent for a day (a stopped or lost machine)."""
    with store.session() as session:
        session.execute(delete(LeaseRow).where(
            LeaseRow.name.like(f"{DAEMON_LEASE}:%"),
            LeaseRow.expires_at < now - FORGET_STOPPED_WORKERS))


def _read_lease(store: Store, name: str) -> LeaseRow | None:
    with store.session() as session:
        return session.get(LeaseRow, name)
