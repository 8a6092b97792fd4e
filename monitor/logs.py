"""The daemon's log: plain lines by default, one JSON object per line with --log-json.

Lines go to stderr (journald or the cron mail picks them up). Every line has a time,
a level, an event name and a message; structured fields ride along as
``extra={"fields": {...}}`` and are appended as ``key=value`` in plain mode. One line
per run, one per failing source, one per digest or alert batch, one per lifecycle
event (started, reloaded, stopped).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

from monitor.pipeline import CheckReport, SourceOutcome

LOGGER_NAME = "claimwatch"


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return dict(getattr(record, "fields", None) or {})


def _event(record: logging.LogRecord) -> str:
    return str(getattr(record, "event", "") or record.name.rsplit(".", 1)[-1])


class PlainFormatter(logging.Formatter):
    """``2026-03-09T12:00:00Z INFO run: message key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{k}={_plain(v)}" for k, v in _fields(record).items())
        line = f"{_timestamp(record)} {record.levelname} {_event(record)}: {record.getMessage()}"
        if extras:
            line += f" {extras}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _plain(value: Any) -> str:
    text = str(value)
    return json.dumps(text) if (" " in text or not text) else text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, event, message, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "event": _event(record),
            "message": record.getMessage(),
        }
        entry.update(_fields(record))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def setup_logging(*, json_lines: bool, stream: IO[str] | None = None) -> logging.Logger:
    """The ``claimwatch`` logger writing to ``stream`` (stderr) in the chosen format."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else PlainFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def log_event(
    logger: logging.Logger, event: str, message: str, *, level: int = logging.INFO, **fields: Any
) -> None:
    logger.log(level, message, extra={"event": event, "fields": fields})


def log_failing_source(logger: logging.Logger, run_id: int | None, outcome: SourceOutcome) -> None:
    log_event(
        logger,
        "source-failed",
        f"source {outcome.source_id} failed ({outcome.category}): {outcome.message}",
        level=logging.WARNING,
        run=run_id,
        source=outcome.source_id,
        category=outcome.category,
    )


def log_run(logger: logging.Logger, report: CheckReport) -> None:
    failed = sum(s.failed for s in report.sources)
    log_event(
        logger,
        "run",
        f"run {report.run_id}: {len(report.sources)} source(s) polled, {failed} failed, "
        f"{report.new_findings} new findings, {len(report.opened)} new flags, "
        f"{report.resolved} resolved",
        run=report.run_id,
        sources=len(report.sources),
        failed=failed,
        new_findings=report.new_findings,
        flags_opened=len(report.opened),
        flags_resolved=report.resolved,
        claims=report.claims_evaluated,
    )
