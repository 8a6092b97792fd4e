"""Turning a rendered report into an email and handing it to an SMTP server.

:func:`send` never raises for delivery problems: a server that is down, refuses the
login or refuses a recipient shows up in the returned :class:`SendResult`, one outcome
per recipient. The SMTP password is never logged, repr'd or put into an error message.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from reports.render import RenderedReport

log = logging.getLogger(__name__)

TLS_MODES = ("none", "starttls", "ssl")


@dataclass
class SmtpSettings:
    """Where and how to reach the SMTP server. The password comes from the environment."""

    host: str
    port: int
    tls: str = "starttls"  # "none" | "starttls" | "ssl" (implicit TLS, usually port 465)
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ValueError(f"smtp tls {self.tls!r} is not one of {', '.join(TLS_MODES)}")


@dataclass
class SendResult:
    """Per recipient: delivered (the server accepted it) or failed with the reason."""

    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def build_message(
    report: RenderedReport,
    *,
    sender: str,
    recipients: list[str],
    message_id_domain: str,
) -> EmailMessage:
    """A multipart/alternative email: the plain-text part first, then the HTML part."""
    message = EmailMessage()
    message["Subject"] = report.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=message_id_domain)
    message.set_content(report.text)
    message.add_alternative(report.html, subtype="html")
    return message


def send(message: EmailMessage, settings: SmtpSettings, recipients: list[str]) -> SendResult:
    """Deliver ``message`` to ``recipients`` in one SMTP session; never raises for SMTP trouble."""
    if not recipients:
        return SendResult()
    refusal = _refuse_plaintext_login(settings)
    if refusal:
        return _all_failed(recipients, refusal)
    client: smtplib.SMTP | None = None
    try:
        client = _connect(settings)
        if settings.user:
            client.login(settings.user, settings.password or "")
        refused = client.send_message(message, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as error:
        refused = error.recipients
    except (smtplib.SMTPException, OSError) as error:
        reason = _scrub(_describe(error), settings.password)
        log.warning("mail to %d recipient(s) via %s:%s failed: %s",
                    len(recipients), settings.host, settings.port, reason)
        return _all_failed(recipients, reason)
    finally:
        if client is not None:
            _quit_quietly(client)
    result = SendResult(
        delivered=[r for r in recipients if r not in refused],
        failed={r: _scrub(_reply(*refused[r]), settings.password) for r in recipients
                if r in refused},
    )
    log.info("mail via %s:%s: %d delivered, %d refused",
             settings.host, settings.port, len(result.delivered), len(result.failed))
    return result


def write_eml(message: EmailMessage, folder: Path, name: str) -> Path:
    """Save the message as ``folder/name.eml`` (for ``--dry-run``); returns the path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name.removesuffix(".eml")).strip(".-") or "message"
    path = folder / f"{stem}.eml"
    path.write_bytes(message.as_bytes())
    return path


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = settings.ssl_context or ssl.create_default_context()
    if settings.tls == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=context)
    client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.tls == "starttls":
        try:
            client.starttls(context=context)
        except BaseException:
            _quit_quietly(client)
            raise
    return client


def _refuse_plaintext_login(settings: SmtpSettings) -> str | None:
    """A password may cross the network only inside TLS; loopback relays are exempt."""
    if settings.tls != "none" or not settings.user or _is_loopback(settings.host):
        return None
    return (f"refusing to send the SMTP password to {settings.host} without TLS; "
            "set tls to starttls or ssl")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "********") if password else text


def _all_failed(recipients: list[str], reason: str) -> SendResult:
    return SendResult(delivered=[], failed=dict.fromkeys(recipients, reason))


def _quit_quietly(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
