"""No e-mail addresses or private-link tokens in the logs: gunicorn's access log and the app's own
log lines."""
from __future__ import annotations

import logging
import runpy
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from flask.logging import default_handler
from gunicorn.config import Config

from ontwikkelbijeenkomsten.core.redact import redact
from ontwikkelbijeenkomsten.core.tokens import make_token

ROOT = Path(__file__).resolve().parents[2]


def test_tokens_and_addresses_are_masked(app):
    with app.app_context():
        token = make_token("registration", 12345)
    assert redact(f"GET /aanmelding/{token}/evaluatie HTTP/1.1") == "GET /aanmelding/[token]/evaluatie HTTP/1.1"
    assert redact("email=ilse%40example.org&x=1") == "email=[e-mail]&x=1"
    assert redact("GET /agenda/Xk3_9aQ-secretfeedtoken.ics HTTP/1.1") == "GET /agenda/[token].ics HTTP/1.1"
    assert redact('"GET /aanvraag/abc.def/intrekken"') == '"GET /aanvraag/[token]/intrekken"'
    for public in ("GET /agenda HTTP/1.1", "GET /agenda/42.ics HTTP/1.1", "GET /agenda/42?x=1"):
        assert redact(public) == public
    assert redact("refused: Ilse.Claessens@swv-zuid.nl") == "refused: [e-mail]"
    for kept in ("GET /static/dist/app.3f9a2c1b.css", "connect to mail.provider.example.com failed"):
        assert redact(kept) == kept


def _access_line(path: str, query: str = "", referer: str = "-") -> str:
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")
    logger = settings["logger_class"](config)
    records = []
    capture = logging.Handler()
    capture.emit = records.append
    logger.access_log.addHandler(capture)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"{path}?{query}" if query else path, "PATH_INFO": path,
               "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": referer}
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    return records[-1].getMessage()


def test_gunicorns_access_log_holds_no_tokens_or_addresses(app):
    with app.app_context():
        token = make_token("registration", 7)
    line = _access_line(f"/aanmelding/{token}", "email=ilse@example.org", referer=f"https://x.nl/aanvraag/{token}")
    assert token not in line and "ilse" not in line
    assert '"GET /aanmelding/[token]?email=[e-mail] HTTP/1.1" 200' in line


def test_the_apps_log_lines_hold_no_addresses_or_tokens(app, capsys):
    """The app's handler masks what a line or a traceback quotes (an SMTP refusal names the address)."""
    try:
        raise RuntimeError("550 no mailbox ilse@example.org")
    except RuntimeError:
        record = app.logger.makeRecord(app.logger.name, logging.ERROR, __file__, 1, "delivery to %s failed",
                                       ("ilse@example.org",), sys.exc_info())
    default_handler.handle(record)
    written = capsys.readouterr().err
    assert "delivery to [e-mail] failed" in written and "550 no mailbox [e-mail]" in written
    assert "ilse" not in written
