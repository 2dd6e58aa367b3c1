"""Shared test fixtures: an app per test, a clean database per test, on SQLite and PostgreSQL.

Fixtures
--------
db_backend
    ``"sqlite"`` or ``"postgresql"``. Every test that uses it (directly, or through
    ``database_url``, ``app``, ``client``, ``make_app``, ``live_server`` or ``page``) runs once
    per backend, with test ids ``[sqlite]`` and ``[postgresql]``; the PostgreSQL runs carry the
    ``postgres`` marker.
    ``@pytest.mark.backends("sqlite")`` limits a test to the backends it names.
database_url
    The URL of a database that holds the schema (built once per session per backend with
    ``db.create_all()``) and no rows. SQLite: a fresh *file* per test, copied from a template
    (a file, not ``:memory:``, so that threads with their own connections see the same data).
    PostgreSQL: one database per session, emptied after each test (every row deleted, used
    sequences restarted: what ``TRUNCATE ... RESTART IDENTITY`` does, but faster). The server
    is ``TEST_DATABASE_URL`` when set; otherwise a private cluster that this session starts
    from ``/usr/lib/postgresql/*/bin`` (as the ``postgres`` user when running as root) and
    stops at the end (also on SIGTERM; a cluster left by a killed session is stopped by the
    next one).
make_app(**overrides)
    Builds another app on the same database with the test config plus ``overrides``, e.g.
    ``make_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)``. It pushes no app context:
    use ``with made.app_context(): ...``. Engines of every app made are disposed at teardown.
app
    ``make_app()`` with an app context pushed for the whole test (so ``db.session`` works).
    Test config: TESTING, SECRET_KEY="test-secret", WTF_CSRF_ENABLED=False,
    RATELIMIT_ENABLED=False, MAIL_SUPPRESS_SEND=True, MAIL_BACKEND="smtp",
    BASE_URL="http://localhost" (see ``TEST_CONFIG``).
client
    ``app.test_client()``.
demo
    Loads the demo data (``load_demo()``) into the test database; returns the demo module so a
    test can read ``demo.DEMO_COORDINATOR_EMAIL`` and ``demo.DEMO_PASSWORD``.
live_server
    The app served by werkzeug's threaded server on 127.0.0.1 and a free port, in a thread.
    CSRF stays on (as in production). Attributes: ``.url`` (no trailing slash), ``.app``.
page
    A Playwright (sync) page in Debian's chromium (``/usr/bin/chromium``): one browser per
    session, a new context per test with locale nl-NL and time zone Europe/Amsterdam, and the
    ``live_server`` as base URL (``page.goto("/inloggen")``). Tests that use it get the
    ``browser`` marker. Playwright's timeouts (actions and ``expect``) are 20 s.
axe_check(page, context=None)
    Runs axe-core (axe-playwright-python) with the WCAG 2.1 A/AA tags on the page and fails the
    test with a readable list when it finds any violation.

Missing PostgreSQL or chromium skips the tests that need them, with the reason. With
``CI=true`` in the environment such a skip fails the test instead, so CI cannot go green
without them. The terminal summary counts the database tests per backend and the browser tests.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g

BACKENDS = ("sqlite", "postgresql")
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_TIMEOUT_MS = 20_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "MAIL_SUPPRESS_SEND": True,
    "MAIL_BACKEND": "smtp",
    "BASE_URL": "http://localhost",
    # scrypt costs ~0.3 s per hash by design; tests hash hundreds of passwords
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
}


def skip_or_fail(reason: str) -> None:
    """Skip with the reason; under CI=true a missing service is an error, not a skip."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def _metadata() -> sa.MetaData:
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.models import load_all

    load_all()
    return db.metadata


def _build_schema(url: str, *, drop_first: bool = False) -> None:
    engine = sa.create_engine(url)
    try:
        metadata = _metadata()
        if drop_first:
            metadata.drop_all(engine)
        metadata.create_all(engine)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# Parametrisation over the backends
# --------------------------------------------------------------------------------------------
def pytest_configure(config):
    config.addinivalue_line("markers", "backends(*names): run this test only on these backends")
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # `timeout pytest ...` sends SIGTERM: end like Ctrl-C so that the fixtures stop the
        # throwaway PostgreSQL and the browser instead of leaving them running.
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_generate_tests(metafunc):
    if "db_backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    names = marker.args if marker else BACKENDS
    unknown = set(names) - set(BACKENDS)
    if unknown:
        raise pytest.UsageError(f"unknown backend(s) {sorted(unknown)} on {metafunc.definition.nodeid}")
    metafunc.parametrize(
        "db_backend",
        [
            pytest.param(name, id=name, marks=[pytest.mark.postgres] if name == "postgresql" else [])
            for name in names
        ],
        indirect=True,
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def db_backend(request) -> str:
    return request.param


# --------------------------------------------------------------------------------------------
# SQLite: a template file built once, copied for every test
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    _build_schema(f"sqlite:///{path}")
    return path


# --------------------------------------------------------------------------------------------
# PostgreSQL: TEST_DATABASE_URL, or a throwaway cluster started for this session
# --------------------------------------------------------------------------------------------
def _normalise_pg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path | None:
    def version(path: str) -> tuple:
        part = Path(path).parent.parent.name
        return tuple(int(x) for x in part.split(".") if x.isdigit())

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    return Path(found[-1]).parent if found else None


class ThrowawayPostgres:
    """A private PostgreSQL cluster in a temp dir: trust auth, TCP on 127.0.0.1, no fsync."""

    PREFIX = "ob-test-pg-"

    def __init__(self, bindir: Path, root: Path | None = None):
        self.bindir = bindir
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        self.root = root or Path(tempfile.mkdtemp(prefix=self.PREFIX))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port: int | None = None
        self.started = root is not None

    @classmethod
    def reap_orphans(cls, bindir: Path) -> None:
        """Stop clusters left by test sessions that were killed before they could stop them."""
        for owner_file in Path(tempfile.gettempdir()).glob(f"{cls.PREFIX}*/owner"):
            try:
                os.kill(int(owner_file.read_text()), 0)
                continue  # its session is still running
            except ProcessLookupError:
                pass
            except (ValueError, OSError):
                continue
            cls(bindir, root=owner_file.parent).stop()

    def _run(self, *args: str) -> None:
        cmd = [str(a) for a in args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(
            cmd, cwd=self.root, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout}{result.stderr}{log}"
            )

    def start(self) -> str:
        (self.root / "owner").write_text(str(os.getpid()))
        if self.as_postgres:
            user = pwd.getpwnam("postgres")  # KeyError when there is no such user
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run(
            self.bindir / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )
        options = (
            "-F -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            f"-c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=200"
        )
        for attempt in range(3):  # the free port may be taken between choosing and binding
            self.port = _free_port()
            try:
                self._run(
                    self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                    "-o", f"{options} -p {self.port}", "start",
                )
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        self.started = True
        atexit.register(self.stop)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.started:
            self.started = False
            try:
                self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def _postgres_server():
    """(admin URL, reason it is unavailable): the server the PostgreSQL tests use."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield _normalise_pg_url(url), None
        return
    bindir = _pg_bindir()
    if bindir is None:
        yield None, "no PostgreSQL: set TEST_DATABASE_URL or install the server (/usr/lib/postgresql/*/bin/initdb)"
        return
    ThrowawayPostgres.reap_orphans(bindir)
    server = ThrowawayPostgres(bindir)
    try:
        admin_url = server.start()
    except (RuntimeError, KeyError, OSError, subprocess.TimeoutExpired) as exc:
        server.stop()
        yield None, f"could not start a throwaway PostgreSQL from {bindir}: {exc}"
        return
    try:
        yield admin_url, None
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _postgres_database(_postgres_server):
    """(URL of a session database with the schema, engine that empties it after each test)."""
    admin_url, reason = _postgres_server
    if reason:
        skip_or_fail(reason)
    if os.environ.get("TEST_DATABASE_URL"):
        url = admin_url  # the given database is ours for the session
        _build_schema(url, drop_first=True)
    else:
        name = "ontwikkelbijeenkomsten_test"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        _build_schema(url)
    cleaner = sa.create_engine(url)
    yield url, cleaner
    cleaner.dispose()


def _empty_postgres(cleaner: sa.Engine) -> None:
    """Delete every row and restart the sequences that were used.

    The same end state as ``TRUNCATE <all tables> RESTART IDENTITY CASCADE``, but DELETE on the
    few rows a test leaves is about 20 times faster than TRUNCATE, which makes new files for
    every table and index (0.1-0.2 s a test here).
    """
    tables = [t.name for t in reversed(_metadata().sorted_tables)]

    def empty(conn) -> None:
        conn.exec_driver_sql("SET lock_timeout = '5s'")
        for name in tables:
            conn.exec_driver_sql(f'DELETE FROM "{name}"')
        used = conn.exec_driver_sql(
            "SELECT schemaname, sequencename FROM pg_sequences "
            "WHERE last_value IS NOT NULL AND schemaname = ANY(current_schemas(false))"
        ).all()
        for schema, name in used:
            conn.exec_driver_sql(f'ALTER SEQUENCE "{schema}"."{name}" RESTART')

    try:
        with cleaner.begin() as conn:
            empty(conn)
        return
    except sa.exc.OperationalError:
        pass
    # A connection the test left open (a thread still running) holds a lock: end it and retry.
    with cleaner.begin() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    cleaner.dispose()
    with cleaner.begin() as conn:
        empty(conn)


@pytest.fixture
def database_url(db_backend, request, tmp_path):
    if db_backend == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    else:
        url, cleaner = request.getfixturevalue("_postgres_database")
        try:
            yield url
        finally:
            _empty_postgres(cleaner)


# --------------------------------------------------------------------------------------------
# Apps
# --------------------------------------------------------------------------------------------
def _dispose(app) -> None:
    from ontwikkelbijeenkomsten.core.extensions import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def make_app(database_url):
    from ontwikkelbijeenkomsten import create_app

    made = []

    def factory(**overrides):
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        made.append(app)
        return app

    yield factory
    for app in made:
        _dispose(app)


@pytest.fixture
def app(make_app):
    app = make_app()

    # The test's app context is reused by every request of its test clients, and Flask-Login
    # caches the user in `g`; forget it after each request, as a real request's context would.
    @app.teardown_request
    def _forget_user(exc):
        g.pop("_login_user", None)

    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.demo import services

    with unit_of_work():
        services.load_demo()
    return services


@dataclass
class LiveServer:
    url: str
    app: object


@pytest.fixture
def live_server(make_app):
    from werkzeug.serving import make_server

    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live_server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# --------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _browser():
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, expect, sync_playwright
    except ImportError as exc:
        skip_or_fail(f"playwright is not installed: {exc}")
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)  # generous: CI machines have two cores
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as exc:
        playwright.stop()
        skip_or_fail(f"{CHROMIUM} did not start: {exc}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", base_url=live_server.url)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        tags = ", ".join(t for t in v.get("tags", ()) if t.startswith("wcag"))
        lines.append(f"- {v['id']} ({v.get('impact')}; {tags}): {v.get('help')}")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in v.get("nodes", ()):
            lines.append(f"    at {' '.join(map(str, node.get('target', [])))}")
            lines.append(f"       {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_check():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, context=None) -> None:
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        results = axe.run(page, context=context, options=options)
        violations = results.response["violations"]
        if violations:
            pytest.fail(
                f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n"
                + _format_violations(violations),
                pytrace=False,
            )

    return check


# --------------------------------------------------------------------------------------------
# Summary: what ran where
# --------------------------------------------------------------------------------------------
_kinds: dict[str, tuple[str | None, bool]] = {}


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("db_backend") if callspec else None
        _kinds[item.nodeid] = (backend, item.get_closest_marker("browser") is not None)


def pytest_terminal_summary(terminalreporter):
    outcome: dict[str, str] = {}
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    for category, reports in terminalreporter.stats.items():
        for report in reports:
            nodeid = getattr(report, "nodeid", None)
            if nodeid not in _kinds or not hasattr(report, "when"):
                continue
            if category == "passed":
                result = "passed"
            elif category in ("skipped", "xfailed"):
                result = "skipped"
            elif category in ("failed", "error", "xpassed"):
                result = "failed"
            else:
                continue
            if nodeid not in outcome or rank[result] > rank[outcome[nodeid]]:
                outcome[nodeid] = result
    if not outcome:
        return
    per_backend = {name: Counter() for name in BACKENDS}
    browser = Counter()
    for nodeid, result in outcome.items():
        backend, is_browser = _kinds[nodeid]
        if backend:
            per_backend[backend][result] += 1
        if is_browser:
            browser[result] += 1

    def describe(counter: Counter) -> str:
        return ", ".join(f"{counter[r]} {r}" for r in ("passed", "failed", "skipped") if counter[r]) or "none"

    terminalreporter.section("what ran where")
    terminalreporter.write_line(
        "database tests: "
        + ", ".join(f"{describe(per_backend[name])} on {name}" for name in BACKENDS)
    )
    terminalreporter.write_line(f"browser tests: {describe(browser)}")
