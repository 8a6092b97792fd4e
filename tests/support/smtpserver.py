"""A real SMTP server on loopback (aiosmtpd) that keeps what it received.

``Inbox`` records every accepted envelope and can refuse chosen recipients at RCPT
(550) — changeable between runs, so a test can make a recipient come back.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


class Inbox:
    """An aiosmtpd handler: keeps envelopes, refuses the addresses in ``refuse``."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.envelopes: list = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default)
                for e in self.envelopes]

    def received_by(self, address: str) -> int:
        """How many messages reached ``address``."""
        return sum(address in e.rcpt_tos for e in self.envelopes)


class LoopbackController(Controller):
    """aiosmtpd's Controller on an ephemeral port: the OS picks it, we read it back."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def free_port() -> int:
    """A loopback port with nothing listening on it (bound, then released)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def text_of(message: EmailMessage) -> str:
    """The plain-text part, line ends as LF."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


@contextmanager
def running_inbox() -> Iterator[tuple[Inbox, int]]:
    """A running server for the block: (its inbox, its port). Wrap it in a fixture."""
    inbox = Inbox()
    controller = LoopbackController(inbox, hostname=HOST, port=0)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
