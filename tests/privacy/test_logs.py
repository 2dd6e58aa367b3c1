"""No e-mail addresses or private-link tokens in the logs: gunicorn's access log, the development
server's request lines, the app's own log lines, and the nginx map the README gives."""
from __future__ import annotations

import logging
import re
import runpy
import sys
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from flask.logging import default_handler
from gunicorn.config import Config
from werkzeug.serving import make_server

from ontwikkelbijeenkomsten.core.redact import PRIVATE_PATHS, RedactFilter, redact
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


def test_the_development_servers_request_lines_hold_no_tokens_or_addresses(make_app):
    """`flask run` (make run) logs each request line through werkzeug's logger: the app masks it
    the same way as gunicorn's access log."""
    werkzeug_log = logging.getLogger("werkzeug")
    for installed in [f for f in werkzeug_log.filters if isinstance(f, RedactFilter)]:
        werkzeug_log.removeFilter(installed)
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite://")  # a new app puts the filter back
    with app.app_context():
        token = make_token("registration", 7)
    records = []
    capture = logging.Handler()
    capture.emit = records.append
    werkzeug_log.addHandler(capture)
    def blank(environ, start_response):
        start_response("200 OK", [])
        return [b""]

    server = make_server("127.0.0.1", 0, blank)
    try:
        serving = threading.Thread(target=server.handle_request)
        serving.start()
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/aanmelding/{token}/afmelden?email=ilse%40example.org",
                               timeout=10).read()
        serving.join(10)
    finally:
        server.server_close()
        werkzeug_log.removeHandler(capture)
    (line,) = [r.getMessage() for r in records if "GET" in r.getMessage()]
    assert token not in line and "ilse" not in line
    assert "GET /aanmelding/[token]/afmelden?email=[e-mail] HTTP/1.1" in line


def test_every_route_with_a_token_is_masked(app):
    """A new route with a private token or code in its path must be added to `PRIVATE_PATHS`."""
    for rule in app.url_map.iter_rules():
        secret = {"token", "code"} & rule.arguments
        if not secret:
            continue
        (name,) = secret
        path = rule.rule.replace(f"<{name}>", "Xk3_9aQ-secret")
        assert redact(f"GET {path} HTTP/1.1") == f"GET {path.replace('Xk3_9aQ-secret', '[token]')} HTTP/1.1", rule.rule


def test_the_readmes_nginx_map_masks_the_same_paths():
    readme = (ROOT / "README.md").read_text()
    (paths,) = re.findall(r'"~\^\(\?<head>/\(([^)]+)\)/\)', readme)
    assert paths.split("|") == list(PRIVATE_PATHS)
