"""The weekly digest, from the store to the inbox: build, render, archive, send, record.

The digest of an ISO week covers that week in the editors' timezone. When the last
digest that reached anyone is older than the week before, the digest starts the day
after that one's week instead (catch-up), so a missed Monday loses nothing. A digest
sent before its week ended (``--force``) covered only up to its sending: the next one
starts on the day it went out, so what appeared after it is not lost.

Sending is idempotent per (week, recipient): a recipient is mailed only if the store
has no delivery for them, and the delivery is recorded right after the SMTP server
accepted the mail. A failed send records nothing, so the next run retries it; one
refused recipient does not stop the others. ``force`` resends to everyone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor.config import WEEKDAYS, Config
from monitor.faults import crash_point
from reports import gather
from reports.mail import SendResult, SmtpSettings, build_message, send, write_eml
from reports.model import Digest, iso_week_bounds, week_of
from reports.render import RenderedReport, render_digest
from storage import deliveries as delivery_store
from storage.db import Store
from storage.lock import LockBusy, lease

MAIL_LOCK = "mail"


class MailSetupError(Exception):
    """The email settings cannot work (a named environment variable is missing...)."""


@dataclass
class DigestOutcome:
    """What one digest job did. ``failed`` maps a recipient to the reason."""

    week: str
    subject: str
    archived: list[Path] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already had it
    failed: dict[str, str] = field(default_factory=dict)
    eml: list[Path] = field(default_factory=list)
    window_start: date | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def all_failed(self) -> bool:
        return bool(self.failed) and not self.delivered


# --- when --------------------------------------------------------------------------

def last_completed_week(now: datetime, tz: ZoneInfo) -> str:
    """The ISO week that ended most recently in ``tz`` ("2026-W48" on Monday 2026-11-30)."""
    today = now.astimezone(tz).date()
    return week_of(today - timedelta(days=today.isoweekday()))


def digest_moment(config: Config, now: datetime) -> datetime:
    """The most recent scheduled digest time (weekday and time of day in the timezone)."""
    tz = ZoneInfo(config.schedule.timezone)
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=WEEKDAYS.index(config.schedule.digest_weekday))
    moment = datetime.combine(day, time.fromisoformat(config.schedule.digest_time), tzinfo=tz)
    return moment if moment <= local else moment - timedelta(weeks=1)


def digest_due(config: Config, store: Store, now: datetime) -> str | None:
    """The week whose digest is due and has not reached every ``digest_to`` recipient.

    That is the week before the latest scheduled digest time; None when it reached
    everyone or nobody is to receive it. Older missed weeks are covered by this one.
    """
    recipients = _unique(config.email.digest_to)
    if not recipients:
        return None
    moment = digest_moment(config, now)
    week = last_completed_week(moment, ZoneInfo(config.schedule.timezone))
    with store.session() as session:
        delivered = delivery_store.delivered_recipients(session, delivery_store.DIGEST, week)
    return week if set(recipients) - delivered else None


def window_start(store: Store, week: str, tz: ZoneInfo | None = None) -> date:
    """The first day the digest of ``week`` covers: its Monday, or earlier to catch up
    after missed digests or after one sent before its week ended (days in ``tz``)."""
    tz = tz or ZoneInfo("UTC")
    monday, _ = iso_week_bounds(week)
    with store.session() as session:
        previous = delivery_store.last_delivered_week(session, before=week)
        sent = [row.sent_at for row in delivery_store.deliveries(session, delivery_store.DIGEST)
                if previous is not None and row.key == previous]
    if previous is None:
        return monday
    after_previous = iso_week_bounds(previous)[1] + timedelta(days=1)
    early = [at for at in sent if at < _day_start(after_previous, tz)]
    if early:  # it covered only up to its sending
        after_previous = min(after_previous, min(early).astimezone(tz).date())
    return min(after_previous, monday)


def week_end(week: str, tz: ZoneInfo) -> datetime:
    """When ``week`` ends in ``tz`` (the next Monday, 00:00), as UTC."""
    return _day_start(iso_week_bounds(week)[1] + timedelta(days=1), tz)


def check_week(week: str, tz: ZoneInfo) -> None:
    """ValueError unless ``week`` is an ISO week whose bounds (and the catch-up margin
    before it) are dates this calendar can hold: 9999-W52 ends past year 9999."""
    too_far = ValueError(f"{week!r} is too close to the ends of the calendar; "
                         "give a week between 0002-W01 and 9998-W52")
    try:
        monday, _ = iso_week_bounds(week)  # a ValueError of its own for what is no week
    except OverflowError:
        raise too_far from None
    try:
        week_end(week, tz)
        _day_start(monday - timedelta(weeks=1), tz)
    except (OverflowError, ValueError):
        raise too_far from None


def week_finished(week: str, now: datetime, tz: ZoneInfo) -> bool:
    return now >= week_end(week, tz)


# --- what --------------------------------------------------------------------------

def build_week_digest(config: Config, store: Store, week: str, *, now: datetime) -> Digest:
    """The Digest of ``week`` from the store (ValueError for a week that does not exist)."""
    tz = ZoneInfo(config.schedule.timezone)
    first_day = window_start(store, week, tz)
    last_day = iso_week_bounds(week)[1]
    window = gather.Window(_day_start(first_day, tz), _day_start(last_day + timedelta(1), tz))
    with store.session() as session:
        return gather.build_digest(session, week, first_day=first_day, last_day=last_day,
                                      window=window, now=now)


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def write_report(report: RenderedReport, folder: Path, stem: str) -> list[Path]:
    """``folder/stem.html`` and ``folder/stem.txt``; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    html, text = folder / f"{stem}.html", folder / f"{stem}.txt"
    html.write_text(report.html, encoding="utf-8")
    text.write_text(report.text, encoding="utf-8")
    return [html, text]


# --- how -----------------------------------------------------------------------------

def smtp_settings(config: Config, environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """SMTP settings from the config; user and password from the variables it names."""
    env = os.environ if environ is None else environ
    email = config.email
    return SmtpSettings(
        host=email.smtp_host,
        port=email.smtp_port,
        tls=email.tls,
        user=_from_env(env, email.user_env, "user_env"),
        password=_from_env(env, email.password_env, "password_env"),
    )


def _from_env(env: Mapping[str, str], name: str | None, key: str) -> str | None:
    if not name:
        return None
    value = env.get(name)
    if not value:
        raise MailSetupError(f"[email] {key} names the environment variable {name}, "
                             "which is not set; set it or remove the key")
    return value


def message_for(config: Config, report: RenderedReport, recipients: list[str]) -> EmailMessage:
    domain = parseaddr(config.email.sender)[1].rpartition("@")[2] or "claimwatch.localhost"
    return build_message(report, sender=config.email.sender, recipients=recipients,
                         message_id_domain=domain)


def send_once(
    config: Config,
    store: Store,
    report: RenderedReport,
    *,
    kind: str,
    key: str,
    recipients: list[str],
    now: datetime,
    force: bool = False,
    smtp: SmtpSettings | None = None,
    on_delivered: Callable[[Session], None] | None = None,
    lease_held: bool = False,
) -> tuple[SendResult, list[str], list[str]]:
    """Mail ``report`` to the recipients that have no delivery of ``key`` yet, and record it.

    Returns (result, skipped recipients, warnings). The mail lease keeps two processes
    from sending the same thing at once; the unique delivery row catches the rest.
    ``on_delivered`` runs in the transaction that records the deliveries, when at
    least one recipient accepted the mail. ``lease_held``: the caller already holds
    the mail lease (see ``mail_lease``).
    """
    try:
        settings = smtp or smtp_settings(config)
    except MailSetupError as exc:
        return SendResult(failed=dict.fromkeys(recipients, str(exc))), [], []
    send = partial(_send_and_record, config, store, report, settings, kind=kind, key=key,
                   recipients=recipients, now=now, force=force, on_delivered=on_delivered)
    if lease_held:
        return send()
    try:
        with mail_lease(store):
            return send()
    except LockBusy as exc:
        return SendResult(failed=dict.fromkeys(recipients, str(exc))), [], []


def mail_lease(store: Store, wait: float = 60) -> AbstractContextManager[str]:
    """The store's mail lease: whoever holds it is the only process choosing and sending
    mail (LockBusy after ``wait`` seconds)."""
    return lease(store, MAIL_LOCK, ttl=timedelta(minutes=10), wait=wait)


def _send_and_record(config: Config, store: Store, report: RenderedReport,
                     settings: SmtpSettings, *, kind: str, key: str, recipients: list[str],
                     now: datetime, force: bool,
                     on_delivered: Callable[[Session], None] | None,
                     ) -> tuple[SendResult, list[str], list[str]]:
    with store.session() as session:
        done = delivery_store.delivered_recipients(session, kind, key)
    skipped = [] if force else [r for r in recipients if r in done]
    pending = [r for r in recipients if r not in skipped]
    if not pending:
        return SendResult(), skipped, []
    message = message_for(config, report, pending)
    result = send(message, settings, pending)
    crash_point("mid-send")
    warnings = []
    with store.session() as session:
        for recipient in result.delivered:
            try:
                delivery_store.record_delivery(
                    session, kind, key, recipient, sent_at=now,
                    message_id=str(message["Message-ID"]), forced=force)
            except delivery_store.AlreadyRecorded as exc:
                warnings.append(f"{exc}; {recipient} may have received it twice")
        if result.delivered and on_delivered is not None:
            on_delivered(session)
    return result, skipped, warnings


def pending_recipients(store: Store, kind: str, key: str, recipients: list[str],
                       force: bool) -> tuple[list[str], list[str]]:
    """(pending, skipped) for a dry run: who would be mailed, who already has it."""
    if force:
        return list(recipients), []
    with store.session() as session:
        done = delivery_store.delivered_recipients(session, kind, key)
    return [r for r in recipients if r not in done], [r for r in recipients if r in done]


def _unique(addresses: list[str]) -> list[str]:
    return list(dict.fromkeys(a.strip() for a in addresses if a.strip()))


# --- the job -------------------------------------------------------------------------

def deliver_digest(
    config: Config,
    store: Store,
    *,
    week: str | None,
    now: datetime,
    force: bool = False,
    send: bool = True,
    dry_run_dir: Path | None = None,
    out_dir: Path | None = None,
    smtp: SmtpSettings | None = None,
) -> DigestOutcome:
    """Build and archive the digest of ``week`` (default: the week just ended), then mail it.

    ``send`` mails each ``digest_to`` recipient who has not had this week's digest;
    ``dry_run_dir`` instead writes the email that would go out as an .eml file there.
    ``out_dir`` also writes the HTML and text there. ValueError for a bad week.
    """
    week = week or last_completed_week(now, ZoneInfo(config.schedule.timezone))
    digest = build_week_digest(config, store, week, now=now)
    report = render_digest(digest)
    outcome = DigestOutcome(week=week, subject=report.subject, window_start=digest.start)
    outcome.archived = write_report(report, config.archive_dir, week)
    if out_dir is not None:
        outcome.archived += write_report(report, out_dir, week)
    recipients = _unique(config.email.digest_to)
    if dry_run_dir is not None:
        pending, outcome.skipped = pending_recipients(
            store, delivery_store.DIGEST, week, recipients, force)
        if pending:
            outcome.eml.append(write_eml(message_for(config, report, pending), dry_run_dir,
                                         f"digest-{week}"))
        return outcome
    if not send:
        return outcome
    result, outcome.skipped, outcome.warnings = send_once(
        config, store, report, kind=delivery_store.DIGEST, key=week, recipients=recipients,
        now=now, force=force, smtp=smtp)
    outcome.delivered, outcome.failed = result.delivered, result.failed
    return outcome
