"""Email building and sending, against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import ssl
import subprocess
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from reports.mail import SendResult, SmtpSettings, build_message, send, write_eml
from reports.render import RenderedReport, render_digest
from reports.samples import sample_digest
from tests.support.smtpserver import Inbox, LoopbackController

HOST = "127.0.0.1"
USER = "editor@example.org"
PASSWORD = "s3cret-Pa55-w0rd"
SENDER = "claimwatch <claimwatch@example.org>"
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data == (
        USER.encode(), PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server():
    """Start servers on demand: ``smtp_server(handler, **aiosmtpd options)``."""
    started: list[Controller] = []

    def start(handler: Inbox, **options) -> Controller:
        controller = LoopbackController(handler, hostname=HOST, port=0, **options)
        controller.start()
        started.append(controller)
        return controller

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (no `cryptography` here, so openssl)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


@pytest.fixture(scope="module")
def server_tls(certificate) -> ssl.SSLContext:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture(scope="module")
def client_tls(certificate) -> ssl.SSLContext:
    """A client context that trusts only the test certificate (hostname checked)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


REPORT = RenderedReport(
    subject="claimwatch 2026-W48: 1 contradicted, 2 stale, 9 new releases",
    text="Plain part: Qwen9 is contradicted.\nhttps://huggingface.co/Qwen/Qwen9-72B\n",
    html="<p>HTML part: <strong>Qwen9</strong> is contradicted.</p>",
)


def message_for(recipients: list[str], report: RenderedReport = REPORT) -> EmailMessage:
    return build_message(report, sender=SENDER, recipients=recipients,
                         message_id_domain="claimwatch.example.org")


def received(handler: Inbox, index: int = 0) -> EmailMessage:
    return email.message_from_bytes(handler.envelopes[index].content, policy=email.policy.default)


def contents(message: EmailMessage) -> list[str]:
    """Each part's decoded content, with the wire's CRLF line ends back to LF."""
    return [p.get_content().replace("\r\n", "\n") for p in message.iter_parts()]


def free_port() -> int:
    """A loopback port with nothing listening on it (bound, then released)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def test_plain_smtp_conversation_delivers_multipart_alternative(smtp_server):
    handler = Inbox()
    server = smtp_server(handler)
    recipients = ["a@example.org", "b@example.org"]

    result = send(message_for(recipients), SmtpSettings(HOST, server.port, tls="none"),
                  recipients)

    assert result == SendResult(delivered=recipients, failed={})
    assert len(handler.envelopes) == 1
    envelope = handler.envelopes[0]
    assert envelope.mail_from == "claimwatch@example.org"
    assert envelope.rcpt_tos == recipients
    got = received(handler)
    assert got.get_content_type() == "multipart/alternative"
    parts = list(got.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    text, html = contents(got)
    assert text == REPORT.text
    assert html.strip() == REPORT.html
    assert got["Subject"] == REPORT.subject
    assert got["From"] == SENDER
    assert got["To"] == "a@example.org, b@example.org"
    assert got["Message-ID"].endswith("@claimwatch.example.org>")
    assert got["Date"].endswith("-0000")  # formatdate(localtime=False): UTC
    sent_at = parsedate_to_datetime(got["Date"]).replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - sent_at).total_seconds()) < 120


def test_rendered_digest_survives_the_trip_intact(smtp_server):
    handler = Inbox()
    server = smtp_server(handler)
    report = render_digest(sample_digest(NOW))

    result = send(message_for(["ed@example.org"], report),
                  SmtpSettings(HOST, server.port, tls="none"), ["ed@example.org"])

    assert result.delivered == ["ed@example.org"]
    text, html = contents(received(handler))
    assert text == report.text
    assert html.strip() == report.html.strip()
    assert "Qwen9-72B-Instruct" in text and "Qwen9-72B-Instruct" in html


def test_starttls_with_login(smtp_server, server_tls, client_tls):
    handler = Inbox()
    server = smtp_server(handler, tls_context=server_tls, require_starttls=True,
                         authenticator=authenticator, auth_required=True)
    settings = SmtpSettings(HOST, server.port, tls="starttls", user=USER, password=PASSWORD,
                            ssl_context=client_tls)

    result = send(message_for(["ed@example.org"]), settings, ["ed@example.org"])

    assert result.delivered == ["ed@example.org"] and result.failed == {}
    assert received(handler)["Subject"] == REPORT.subject


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls_with_login(smtp_server, server_tls, client_tls):
    handler = Inbox()
    # aiosmtpd only counts STARTTLS as TLS for AUTH; here the socket is TLS from the start.
    server = smtp_server(handler, ssl_context=server_tls, authenticator=authenticator,
                         auth_required=True, auth_require_tls=False)
    settings = SmtpSettings(HOST, server.port, tls="ssl", user=USER, password=PASSWORD,
                            ssl_context=client_tls)

    result = send(message_for(["ed@example.org"]), settings, ["ed@example.org"])

    assert result.delivered == ["ed@example.org"]
    assert len(handler.envelopes) == 1


def test_wrong_password_fails_every_recipient_without_leaking_it(
    smtp_server, server_tls, client_tls, caplog
):
    caplog.set_level(logging.DEBUG)
    handler = Inbox()
    server = smtp_server(handler, tls_context=server_tls, require_starttls=True,
                         authenticator=authenticator, auth_required=True)
    wrong = "not-the-" + PASSWORD
    settings = SmtpSettings(HOST, server.port, tls="starttls", user=USER, password=wrong,
                            ssl_context=client_tls)

    result = send(message_for(["a@example.org", "b@example.org"]), settings,
                  ["a@example.org", "b@example.org"])

    assert result.delivered == []
    assert set(result.failed) == {"a@example.org", "b@example.org"}
    assert result.failed["a@example.org"].startswith("535")
    assert handler.envelopes == []
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("reports")]
    assert ours, "the failure is logged"
    assert not any(wrong in line for line in ours)
    assert wrong not in repr(settings) and wrong not in str(result)


def test_untrusted_certificate_is_a_failure_not_an_exception(smtp_server, server_tls):
    server = smtp_server(Inbox(), tls_context=server_tls, require_starttls=True)
    # No ssl_context: the system trust store, which does not know the test certificate.
    result = send(message_for(["ed@example.org"]),
                  SmtpSettings(HOST, server.port, tls="starttls"), ["ed@example.org"])

    assert result.delivered == []
    assert "CERTIFICATE_VERIFY_FAILED" in result.failed["ed@example.org"]


def test_server_down_fails_every_recipient_without_raising():
    recipients = ["a@example.org", "b@example.org"]
    settings = SmtpSettings(HOST, free_port(), tls="none", timeout=5)

    result = send(message_for(recipients), settings, recipients)

    assert result.delivered == []
    assert list(result.failed) == recipients
    assert "ConnectionRefusedError" in result.failed["a@example.org"]


def test_one_refused_recipient_does_not_stop_the_others(smtp_server):
    handler = Inbox(refuse=("gone@example.org",))
    server = smtp_server(handler)
    recipients = ["a@example.org", "gone@example.org", "b@example.org"]

    result = send(message_for(recipients), SmtpSettings(HOST, server.port, tls="none"),
                  recipients)

    assert result.delivered == ["a@example.org", "b@example.org"]
    assert result.failed == {"gone@example.org": "550 5.1.1 No such user here"}
    assert handler.envelopes[0].rcpt_tos == ["a@example.org", "b@example.org"]


def test_every_recipient_refused(smtp_server):
    handler = Inbox(refuse=("x@example.org", "y@example.org"))
    server = smtp_server(handler)

    result = send(message_for(["x@example.org", "y@example.org"]),
                  SmtpSettings(HOST, server.port, tls="none"), ["x@example.org", "y@example.org"])

    assert result.delivered == []
    assert result.failed == dict.fromkeys(["x@example.org", "y@example.org"],
                                          "550 5.1.1 No such user here")
    assert handler.envelopes == []


def test_server_demanding_starttls_refuses_plain_sending(smtp_server, server_tls):
    server = smtp_server(Inbox(), tls_context=server_tls, require_starttls=True)

    result = send(message_for(["ed@example.org"]), SmtpSettings(HOST, server.port, tls="none"),
                  ["ed@example.org"])

    assert result.failed["ed@example.org"].startswith("530")


def test_password_is_never_sent_in_the_clear_to_a_remote_host():
    # Refused before any connection is attempted: the host does not even resolve.
    settings = SmtpSettings("smtp.invalid", 25, tls="none", user=USER, password=PASSWORD)

    result = send(message_for(["ed@example.org"]), settings, ["ed@example.org"])

    assert "without TLS" in result.failed["ed@example.org"]
    assert PASSWORD not in repr(settings)


@pytest.mark.parametrize("mode", ["tls", "STARTTLS", "", "smtps"])
def test_unknown_tls_mode_is_rejected(mode):
    with pytest.raises(ValueError, match="starttls"):
        SmtpSettings(HOST, 25, tls=mode)


def test_no_recipients_sends_nothing():
    assert send(message_for([]), SmtpSettings(HOST, free_port(), tls="none"), []) == SendResult()


@pytest.mark.parametrize(
    ("name", "file_name"),
    [
        ("digest-2026-W48", "digest-2026-W48.eml"),
        ("digest-2026-W48.eml", "digest-2026-W48.eml"),
        ("../../etc/passwd", "etc-passwd.eml"),
        ("alert 2026-11-30T07:00", "alert-2026-11-30T07-00.eml"),
    ],
)
def test_write_eml_keeps_the_file_inside_the_folder(tmp_path, name, file_name):
    path = write_eml(message_for(["ed@example.org"]), tmp_path / "out", name)

    assert path == tmp_path / "out" / file_name
    saved = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert saved["Subject"] == REPORT.subject
    assert [p.get_content_type() for p in saved.iter_parts()] == ["text/plain", "text/html"]
