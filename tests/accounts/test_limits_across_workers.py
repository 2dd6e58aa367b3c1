"""The login limits hold when gunicorn serves with 4 worker processes that count in one Redis:
exactly 5 failed attempts per e-mail address and 20 per IP address in 10 minutes."""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ontwikkelbijeenkomsten.core.uow import unit_of_work
from tests import factories
from tests.plugins.database import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
PER_ADDRESS, PER_IP = 5, 20  # web/accounts/views.py: login()


class Gunicorn:
    """`gunicorn --workers 4 wsgi:app` as the README deploys it; its access log names the worker
    (pid) that answered each request."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log, self.error_log = tmp_path / "access.log", tmp_path / "error.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
             "--access-logfile", str(self.access_log), "--access-logformat", "%(p)s %(s)s",
             "--error-logfile", str(self.error_log), "wsgi:app"],
            cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
        )

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.error_log.read_text()
            booted = self.error_log.read_text().count("Booting worker") if self.error_log.exists() else 0
            if booted == WORKERS:
                try:
                    urllib.request.urlopen(self.url + "/healthz", timeout=5).close()
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not serve within {timeout} s:\n{self.error_log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def workers_that_answered(self) -> set[str]:
        return {line.split()[0] for line in self.access_log.read_text().splitlines() if line.strip()}


class Browser:
    """A cookie-keeping client that logs in through the form, as a browser does (CSRF on)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/inloggen", timeout=30).read().decode()
        self.csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def login(self, email: str, password: str, ip: str) -> int:
        body = urllib.parse.urlencode({"csrf_token": self.csrf, "email": email, "password": password}).encode()
        request = urllib.request.Request(self.base + "/inloggen", data=body, headers={"X-Forwarded-For": ip})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def gunicorn(app, database_url, redis_url, tmp_path):
    server = Gunicorn(tmp_path, {
        "APP_ENV": "development", "DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": redis_url,
        "SECRET_KEY": "limits-test-" + "x" * 40, "TRUST_PROXY_HOPS": "1", "MAIL_BACKEND": "console",
    })
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()


@pytest.mark.backends("sqlite")
@pytest.mark.committing
def test_login_limits_hold_across_four_gunicorn_workers(app, gunicorn):
    emails = [f"coordinator{n}@example.org" for n in range(PER_IP + 2)]
    with unit_of_work():  # the rows only: reading them after the commit would hold SQLite's write lock
        for n, email in enumerate(emails):
            factories.coordinator(email, f"Coördinator {n}")
    browser = Browser(gunicorn.url)
    target, others = emails[0], emails[1:]

    # One address, each attempt from another IP address: the sixth failure is refused, and so
    # is the right password after it.
    by_address = [browser.login(target, "wrong password", f"10.1.0.{n}") for n in range(PER_ADDRESS + 2)]
    assert by_address == [200] * PER_ADDRESS + [429, 429]
    assert browser.login(target, factories.PASSWORD, "10.1.0.99") == 429

    # One IP address, each attempt at another address: the 21st failure is refused.
    by_ip = [browser.login(email, "wrong password", "10.2.0.1") for email in others]
    assert by_ip == [200] * PER_IP + [429]

    assert len(gunicorn.workers_that_answered()) > 1, "all requests went to one worker: nothing was shared"
