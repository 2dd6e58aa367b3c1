"""Security headers (issue 13, item 5): the policy on every response, the private pages' own
headers, templates without inline scripts or styles, and gunicorn without its Server header.
The browser side (no CSP violation on the main pages) is tests/browser/test_csp.py."""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def assert_site_policy(response) -> None:
    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url, status", [
    ("/", 200), ("/agenda", 200), ("/aanvragen", 200), ("/inloggen", 200), ("/static/js/request-form.js", 200),
    ("/bestaat-niet", 404),
])
def test_every_public_response_has_the_site_policy(client, plan, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_site_policy(response)
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # development runs on plain HTTP


def test_coordinator_pages_have_the_site_policy(coordinator_client):
    assert_site_policy(coordinator_client.get("/coordinatie/aanvragen"))


def test_production_adds_strict_transport_security(app, client):
    app.config["APP_ENV"] = "production"
    assert client.get("/inloggen").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_password_reset_page_is_a_private_page(client, coordinator):
    client.post("/wachtwoord-vergeten", data={"email": "coordinator@example.org"})
    mail = db.session.scalars(select(OutboxMail)).one()
    link = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", mail.text_body).group(1)
    for url, status in ((link, 200), ("/wachtwoord-herstellen/onzin", 400)):
        response = client.get(url)
        assert response.status_code == status
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert_site_policy(response)


def _page_templates():
    """Every template of a page; the mails' own templates (styled inline for mail programs) are not pages."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if not relative.startswith("mail/") or relative.startswith("mail/pages/"):
            yield relative


INLINE = re.compile(
    r"<script\b(?![^>]*\ssrc=)"  # a script without src
    r"|<style\b"  # a style element
    r"|<[a-z][^>]*\s(?:on[a-z]+|style)\s*="  # an event handler or style attribute
    r"|javascript:",
    re.IGNORECASE,
)


@pytest.mark.parametrize("template", list(_page_templates()))
def test_no_page_template_has_inline_scripts_or_styles(template):
    found = INLINE.search((TEMPLATES / template).read_text("utf-8"))
    assert found is None, f"{template}: {found.group(0)!r} is refused by the Content-Security-Policy"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_with_the_shipped_config_names_no_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "APP_ENV": "development", "SECRET_KEY": "x" * 48,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1", "--bind",
         f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        response = _get_when_up(port, "/static/js/request-form.js", server)
        assert response.status == 200
        assert response.getheader("Server") is None
        assert response.getheader("X-Content-Type-Options") == "nosniff"
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _get_when_up(port: int, path: str, server: subprocess.Popen, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        assert server.poll() is None, server.stderr.read().decode()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
