"""A real SMTP server (aiosmtpd) for the mail tests, and helpers that take what it received
apart: ``deliver_all(now=None, limit=50)`` delivers batches until nothing is due (as ``flask mail
send-queued``); ``received_rows(smtp, outbox_ids)`` pairs each received mail with its row;
``alternatives(mail)`` and ``invite_of(mail)`` take a received mail apart. The fixtures that use
them are in conftest.py."""
from __future__ import annotations

import asyncio
import email
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from functools import cached_property

from aiosmtpd.controller import Controller
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail import delivery
from ontwikkelbijeenkomsten.mail.delivery import DeliveryReport
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from tests.plugins.database import free_port as _free_port


@dataclass
class Received:
    """One mail as the server got it: the envelope and the raw bytes."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @cached_property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


@dataclass
class _Inbox:
    """The aiosmtpd handler: refuses the addresses in `refuse`, keeps every mail it accepts
    after `delay` seconds."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self._inbox = _Inbox()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        with self._inbox.lock:
            return list(self._inbox.received)

    @property
    def refuse(self) -> set[str]:
        return self._inbox.refuse

    @property
    def delay(self) -> float:
        return self._inbox.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self._inbox.delay = seconds

    def start(self) -> None:
        if self._controller is None:
            # A stopped controller's event loop is closed: a new one serves the same port.
            controller = Controller(self._inbox, hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self._inbox.lock:
            self._inbox.received.clear()
        self._inbox.refuse.clear()
        self._inbox.delay = 0.0


def deliver_all(now=None, limit: int = 50) -> DeliveryReport:
    """What `flask mail send-queued` does: deliver batches until nothing is due."""
    total = DeliveryReport()
    while (report := delivery.deliver_due(limit=limit, now=now)).handled:
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        if report.sent == 0:
            break
    return total


def received_rows(smtp, outbox_ids) -> list[tuple[Received, OutboxMail]]:
    """Each received mail with the outbox row it was built from."""
    rows = {r.id: r for r in db.session.scalars(select(OutboxMail))}
    return [(mail, rows[outbox_ids[mail.message_id]]) for mail in smtp.received]


def alternatives(mail: Received):
    """(the multipart/alternative parts, the attachments) of a multipart/mixed mail."""
    message = mail.message
    assert message.get_content_type() == "multipart/mixed"
    alternative, *attachments = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    return list(alternative.iter_parts()), attachments


def invite_of(mail: Received) -> str:
    """The calendar of a mail with an invite, checked to be the same in both places."""
    parts, attachments = alternatives(mail)
    (attachment,) = attachments
    calendar = parts[-1]
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    text = calendar.get_payload(decode=True)
    assert attachment.get_payload(decode=True) == text
    return text.decode("utf-8")
