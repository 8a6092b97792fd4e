"""``claimwatch run`` (the daemon) and ``claimwatch status`` (what it and the store are doing)."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta
from typing import Any

import click
from sqlalchemy import func, select

from monitor import exitcodes
from monitor.context import AppContext, actor, fail, resolve_dir, utcnow
from monitor.problems import ConfigError
from storage import runs as run_store
from storage.db import Store
from storage.lock import DAEMON_LEASE, WORKER_LOCK, pid_alive
from storage.models import DeliveryRow, FlagRow, LeaseRow, SourceRow, SourceStateRow


@click.command("run")
@click.option(
    "--replay",
    type=click.Path(exists=True, file_okay=False),
    help="Answer fetches from a recorded snapshot folder, not the network.",
)
@click.option(
    "--dry-run",
    "dry_run",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write every email as an .eml file into DIR instead of sending it.",
)
@click.option("--log-json", is_flag=True, help="Log one JSON object per line.")
@click.option(
    "--once-for",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Stop by itself after SECONDS (for tests and trials).",
)
@click.pass_obj
def run(
    app: AppContext, replay: str | None, dry_run: str | None, log_json: bool,
    once_for: float | None,
) -> None:
    """Keep the schedule: poll due sources, judge claims, alert, mail the digest.

    Sources are polled on their own intervals (with back-off and jitter); the digest
    goes out on the configured weekday and time, or as soon as the daemon runs again
    if that moment was missed. SIGHUP reloads the config and claims; SIGTERM stops.

    On PostgreSQL several `claimwatch run` processes may share one store and split
    the polling; on SQLite one runs, and a second exits 3.

    Exit 0 after a clean stop; 2 when the config or claims have mistakes; 3 when
    another daemon keeps this SQLite store or a run was cut short by the stop.
    """
    from monitor.daemon import Daemon, RunOptions, validate  # APScheduler: only the daemon
    from monitor.logs import setup_logging

    logger = setup_logging(json_lines=log_json)
    try:
        config = validate(app.config.path)
    except ConfigError as exc:
        raise fail(str(exc), exitcodes.USAGE) from None
    options = RunOptions(
        replay_dir=resolve_dir(replay),
        dry_run_dir=resolve_dir(dry_run),
        once_for=once_for,
        by=actor(),
    )
    code = Daemon(config, app.store, logger, options).run()
    raise click.exceptions.Exit(code)


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
@click.pass_obj
def status(app: AppContext, as_json: bool) -> None:
    """Show the daemon's heartbeat, next jobs, the last run, failing sources,
    flags by status and the last digest delivered."""
    report = gather_status(app.store, utcnow())
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        click.echo(render_status(report))


# --- gathering ------------------------------------------------------------------


def gather_status(store: Store, now: datetime) -> dict[str, Any]:
    with store.session() as session:
        beats = list(session.scalars(
            select(LeaseRow).where((LeaseRow.name == DAEMON_LEASE)
                                   | LeaseRow.name.like(f"{DAEMON_LEASE}:%"))
            .order_by(LeaseRow.heartbeat_at.desc())))
        workers = [_daemon_state(row, now) for row in beats]
        daemon = beats[0] if beats else None
        worker = session.get(LeaseRow, WORKER_LOCK)
        polling = any(w["state"] == "alive" for w, row in zip(workers, beats, strict=True)
                      if row.name != DAEMON_LEASE)  # workers of a shared store lease sources
        last = run_store.last_run(session)
        failing = session.execute(
            select(SourceRow.id, SourceStateRow)
            .join(SourceStateRow, SourceStateRow.source_id == SourceRow.id)
            .where(SourceRow.active.is_(True), SourceStateRow.consecutive_failures > 0)
            .order_by(SourceRow.id)
        ).all()
        by_status = dict(
            session.execute(select(FlagRow.status, func.count()).group_by(FlagRow.status)).all()
        )
        open_by_verdict = dict(
            session.execute(
                select(FlagRow.verdict, func.count())
                .where(FlagRow.status == "open")
                .group_by(FlagRow.verdict)
            ).all()
        )
        digest = session.scalars(
            select(DeliveryRow).where(DeliveryRow.kind == "digest")
            .order_by(DeliveryRow.sent_at.desc()).limit(1)
        ).first()
        recipients = (
            session.scalar(
                select(func.count()).where(DeliveryRow.kind == "digest",
                                           DeliveryRow.key == digest.key)
            )
            if digest
            else 0
        )
        return {
            "now": now.isoformat(),
            "daemon": _daemon_state(daemon, now),
            "workers": workers,
            "store": _worker_state(worker, now),
            "last_run": _run(last, polling or (worker is not None and worker.expires_at > now)),
            "failing_sources": [_failing(source_id, state) for source_id, state in failing],
            "flags": {"by_status": by_status, "open_by_verdict": open_by_verdict},
            "last_digest": (
                {"week": digest.key, "sent_at": digest.sent_at.isoformat(),
                 "recipients": recipients, "forced": digest.forced}
                if digest else None
            ),
        }


def _daemon_state(row: LeaseRow | None, now: datetime) -> dict[str, Any]:
    if row is None:
        return {"state": "not running"}
    info = dict(row.info or {})
    state = {
        "holder": row.holder,
        "pid": info.get("pid"),
        "host": info.get("host"),
        "started": info.get("started"),
        "heartbeat_at": row.heartbeat_at.isoformat(),
        "heartbeat_age_s": round((now - row.heartbeat_at).total_seconds(), 1),
        "working": info.get("working"),
        "next_jobs": info.get("jobs", []),
    }
    if "stopped" in info:
        return {**state, "state": "stopped", "stopped": info["stopped"], "exit": info.get("exit")}
    every = float(info.get("heartbeat_every") or 15)
    late = now - row.heartbeat_at > timedelta(seconds=3 * every) or row.expires_at < now
    dead = info.get("host") == socket.gethostname() and info.get("pid") and not pid_alive(
        int(info["pid"])
    )
    return {**state, "state": "stale" if (late or dead) else "alive"}


def _worker_state(row: LeaseRow | None, now: datetime) -> dict[str, Any]:
    if row is None or row.expires_at < now:
        return {"state": "idle"}
    return {"state": "busy", "holder": row.holder, "until": row.expires_at.isoformat()}


def _run(row, worker_busy: bool) -> dict[str, Any] | None:
    if row is None:
        return None
    status = row.status
    if status == "running" and not worker_busy:
        status = "interrupted"  # nobody holds the store: the process died mid-run
    return {
        "id": row.id,
        "command": row.command,
        "started_at": row.started_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "status": status,
        "counts": row.counts or {},
    }


def _failing(source_id: str, state: SourceStateRow) -> dict[str, Any]:
    return {
        "source": source_id,
        "category": state.last_category,
        "failures": state.consecutive_failures,
        "error": state.last_error,
        "last_success": state.last_success.isoformat() if state.last_success else None,
        "next_try": state.next_due.isoformat() if state.next_due else None,
    }


# --- rendering --------------------------------------------------------------------


def _when(text: str | None) -> str:
    if not text:
        return "-"
    return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M:%S UTC")


def render_status(report: dict[str, Any]) -> str:
    workers = report.get("workers") or [report["daemon"]]
    lines = [_daemon_line(report["daemon"])] if len(workers) == 1 else [
        f"daemons:     {sum(w['state'] == 'alive' for w in workers)} alive of {len(workers)}"]
    for worker in workers if len(workers) > 1 else []:
        lines.append("  " + _daemon_line(worker).removeprefix("daemon:").strip())
    for job in report["daemon"].get("next_jobs", []):
        lines.append(f"  next: {job['name']} at {_when(job['next_run'])}")
    store = report["store"]
    lines.append(
        "store:       idle" if store["state"] == "idle"
        else f"store:       busy: {store['holder']} works on it until {_when(store['until'])}"
    )
    run = report["last_run"]
    if run is None:
        lines.append("last run:    none yet")
    else:
        counts = run["counts"]
        summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
        lines.append(
            f"last run:    #{run['id']} {run['command']} at {_when(run['started_at'])}, "
            f"{run['status']}" + (f": {summary}" if summary else "")
        )
    failing = report["failing_sources"]
    lines.append(f"failing:     {len(failing)} source(s)")
    for item in failing:
        lines.append(
            f"  {item['source']}: {item['category']} x{item['failures']}, next try "
            f"{_when(item['next_try'])}: {item['error'] or ''}".rstrip()
        )
    flags = report["flags"]
    verdicts = ", ".join(f"{n} {v}" for v, n in sorted(flags["open_by_verdict"].items()))
    others = ", ".join(
        f"{n} {s}" for s, n in sorted(flags["by_status"].items()) if s != "open"
    )
    opened = flags["by_status"].get("open", 0)
    lines.append(
        f"flags:       {opened} open" + (f" ({verdicts})" if verdicts else "")
        + (f"; {others}" if others else "")
    )
    digest = report["last_digest"]
    lines.append(
        "last digest: none delivered" if digest is None
        else f"last digest: {digest['week']} sent {_when(digest['sent_at'])} to "
        f"{digest['recipients']} recipient(s)"
    )
    return "\n".join(lines)


def _daemon_line(daemon: dict[str, Any]) -> str:
    state = daemon["state"]
    if state == "not running":
        return "daemon:      not running (never started on this store)"
    who = f"pid {daemon.get('pid')} on {daemon.get('host')}"
    if state == "stopped":
        return f"daemon:      stopped at {_when(daemon['stopped'])} (exit {daemon['exit']}), {who}"
    age = f"last heartbeat {daemon['heartbeat_age_s']:g} s ago"
    working = f", working: {daemon['working']}" if daemon.get("working") else ""
    return f"daemon:      {state}, {who}, started {_when(daemon['started'])}, {age}{working}"

