"""Alert mail after a check: every new flag worth an interruption, in one email.

Which flags: open ones whose verdict is in ``[email] alert_on`` (contradicted by
default) and that were never alerted. They go out together as one alert to
``alert_to``; once the SMTP server accepted it for at least one recipient they are
marked alerted, so no flag is alerted twice. Choosing the flags, sending and
marking happen under the store's mail lease, so two workers cannot alert the same
flag. A send that reached nobody marks nothing, and the next check tries again with
whatever is pending by then.
A recipient that refused while others accepted is reported, not retried: the flags
are in the Monday digest anyway.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.digest import mail_lease, message_for, send_once
from reports import gather
from reports.mail import SmtpSettings, write_eml
from reports.render import render_alert
from storage import deliveries as delivery_store
from storage import flags as flag_store
from storage.db import Store
from storage.lock import LockBusy
from storage.models import FlagRow


@dataclass
class AlertOutcome:
    """What one alert job did; an empty ``flag_ids`` means there was nothing to say."""

    key: str = ""
    subject: str = ""
    flag_ids: list[int] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    eml: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def sent(self) -> bool:
        return bool(self.delivered)


def alert_key(flag_ids: list[int]) -> str:
    """A batch's delivery key: readable start, and a hash so two batches never share it."""
    digest = hashlib.sha256(",".join(map(str, sorted(flag_ids))).encode()).hexdigest()[:10]
    return f"alert-{min(flag_ids)}-{len(flag_ids)}-{digest}"


def send_alerts(
    config: Config,
    store: Store,
    *,
    now: datetime,
    dry_run_dir: Path | None = None,
    smtp: SmtpSettings | None = None,
) -> AlertOutcome:
    """Mail one alert for every pending flag; mark them alerted once it was accepted.

    A dry run writes the .eml and marks nothing.
    """
    recipients = list(dict.fromkeys(a.strip() for a in config.email.alert_to if a.strip()))
    if not recipients:
        return AlertOutcome()
    try:
        with mail_lease(store):
            return _send_pending(config, store, recipients, now=now, dry_run_dir=dry_run_dir,
                                 smtp=smtp)
    except LockBusy as exc:
        return AlertOutcome(failed=dict.fromkeys(recipients, str(exc)))


def _send_pending(
    config: Config,
    store: Store,
    recipients: list[str],
    *,
    now: datetime,
    dry_run_dir: Path | None,
    smtp: SmtpSettings | None,
) -> AlertOutcome:
    """Choose, send and mark under the mail lease, so two workers finishing their checks
    at once cannot both pick the same unalerted flags."""
    with store.session() as session:
        flags = gather.alert_candidates(session, config.email.alert_on)
        if not flags:
            return AlertOutcome()
        alert = gather.build_alert(session, flags, now=now)
    flag_ids = [flag.id for flag in flags]
    report = render_alert(alert)
    outcome = AlertOutcome(key=alert_key(flag_ids), subject=report.subject, flag_ids=flag_ids)
    if dry_run_dir is not None:
        outcome.eml.append(write_eml(message_for(config, report, recipients), dry_run_dir,
                                     outcome.key))
        return outcome
    def mark_alerted(session: Session) -> None:
        flags = [session.get(FlagRow, flag_id) for flag_id in flag_ids]
        flag_store.mark_alerted(session, [f for f in flags if f is not None], now=now)

    result, _, outcome.warnings = send_once(
        config, store, report, kind=delivery_store.ALERT, key=outcome.key,
        recipients=recipients, now=now, smtp=smtp, on_delivered=mark_alerted, lease_held=True)
    outcome.delivered, outcome.failed = result.delivered, result.failed
    return outcome
