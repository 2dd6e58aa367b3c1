"""A real SMTP server (aiosmtpd) for the mail tests, and an app that delivers to it.

Fixtures
--------
smtp_server
    One aiosmtpd server per test session on 127.0.0.1 and a free port. It keeps what it
    received (``.received``: a list of ``Received``) and can be stopped and started again on
    the same port inside a test (``.stop()``, ``.start()``) to play "the SMTP server is down".
    ``.refuse`` is a set of addresses it answers with 550 at RCPT TO; ``.delay`` the seconds
    it takes to accept each mail (a slow server).
smtp
    The same server, emptied, running, quick and refusing nobody at the start of each test.
smtp_app
    ``make_app`` with MAIL_BACKEND="smtp", MAIL_SERVER/MAIL_PORT pointing at the server and
    sending switched on, with its app context pushed. A test module that wants every fixture
    (``plan`` included) to use it overrides ``app`` with it.
smtp_config
    The config overrides of ``smtp_app``, for tests that build more apps (workers).
outbox_ids
    {Message-ID: outbox row id} of every message the worker built, so that what the server
    received can be traced back to its row (a mail sent again has its row's Message-ID again).
``plan`` and ``make_training`` (tests/plugins/data.py) let the mail tests book and register;
here the plan's requests are granted through the services, so their mails are queued too.

The server and the helpers that take what it received apart are in tests/mail/smtp.py.
"""
from __future__ import annotations

import threading

import pytest

from ontwikkelbijeenkomsten.mail import delivery

from .smtp import SmtpServer


@pytest.fixture
def plan_through_services() -> bool:
    """The mail tests see the mails of the plan's grants (tests/plugins/data.py)."""
    return True


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_server) -> SmtpServer:
    smtp_server.start()
    smtp_server.clear()
    yield smtp_server
    smtp_server.start()  # a test that stopped it and failed leaves it running for the next


#: The programme's contact address, where answers to the mails go (Reply-To).
CONTACT = "programma@example.org"


@pytest.fixture
def smtp_config(smtp) -> dict:
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp.host, "MAIL_PORT": smtp.port, "MAIL_SUPPRESS_SEND": False,
            "CONTACT_EMAIL": CONTACT}


@pytest.fixture
def smtp_app(make_app, smtp_config):
    app = make_app(**smtp_config)
    with app.app_context():
        yield app


@pytest.fixture
def outbox_ids(monkeypatch) -> dict[str, int]:
    built: dict[str, int] = {}
    lock = threading.Lock()
    message_for = delivery.message_for

    def recording(row):
        message = message_for(row)
        with lock:
            built[message.msgId] = row.id
        return message

    monkeypatch.setattr(delivery, "message_for", recording)
    return built


