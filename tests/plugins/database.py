"""One database per backend and test session; each test in a transaction that is rolled back.

Fixtures
--------
database_url
    The URL of this session's database of the test's backend: it holds the schema (built once
    with ``db.create_all()``) and, when the test starts, no rows. SQLite: a file (not
    ``:memory:``, so that threads with their own connections see the same data). PostgreSQL:
    ``TEST_DATABASE_URL`` when set; otherwise a private cluster that this session starts from
    ``/usr/lib/postgresql/*/bin`` (as the ``postgres`` user when running as root) and stops at
    the end (also on SIGTERM; a cluster left by a killed session is stopped by the next one).
empty_database_url
    A database of the test's backend without a schema (for migrations and scripts that build
    their own): a new SQLite file, or a new PostgreSQL database dropped after the test.

How a test's rows go away
-------------------------
By default a test runs inside one transaction that is rolled back at its end. The fixture opens
one connection, begins a transaction on it, and binds ``db.session`` of every app on this
database to that connection with SQLAlchemy's ``join_transaction_mode="create_savepoint"``: a
``session.commit()`` (a service's, a view's unit of work, a CLI command's) releases a savepoint
and a ``rollback()`` returns to it, so code behaves as it does against a real database, whether
it commits or only flushes. Afterwards the transaction is rolled back and PostgreSQL's used
sequences restart, so ids begin at 1 in every test on both backends. An app on another database
(``make_app(SQLALCHEMY_DATABASE_URI=...)``, migrations) is not bound.

The connection belongs to the test's thread: another thread that uses ``db.session`` meanwhile
fails with a message that says to mark the test ``committing``.

``@pytest.mark.committing`` (set automatically on tests that use ``live_server`` and on
``test_*race*.py``) gives a test the database itself instead: every connection commits for
real, and afterwards every row is deleted and the used sequences restart (PostgreSQL; with
SQLite, the rows, and ``sqlite_sequence`` if there is one).
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.plugins.backends import skip_or_fail


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metadata() -> sa.MetaData:
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.models import load_all

    load_all()
    return db.metadata


def _build_schema(url: str, *, drop_first: bool = False) -> None:
    engine = sa.create_engine(url)
    try:
        if drop_first:
            metadata().drop_all(engine)
        metadata().create_all(engine)
    finally:
        engine.dispose()


def _engine(url: str) -> sa.Engine:
    """An engine that talks to the database as the apps' engines do (SQLite: WAL, foreign keys,
    BEGIN IMMEDIATE)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        from ontwikkelbijeenkomsten.core.db import configure_sqlite

        configure_sqlite(engine)
    return engine


# --------------------------------------------------------------------------------------------
# SQLite: one file per session
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _sqlite_database(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "test.db"
    url = f"sqlite:///{path}"
    _build_schema(url)
    engine = _engine(url)
    yield url, engine
    _dispose_everything(url, engine)


# --------------------------------------------------------------------------------------------
# PostgreSQL: TEST_DATABASE_URL, or a throwaway cluster started for this session
# --------------------------------------------------------------------------------------------
def _normalise_pg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


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
            self.port = free_port()
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
    """(URL of a session database with the schema, an engine for the test transactions and
    the cleanup)."""
    admin_url, reason = _postgres_server
    if reason:
        skip_or_fail(reason)
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, ... under pytest-xdist
    if os.environ.get("TEST_DATABASE_URL") and not worker:
        url = admin_url  # the given database is ours for the session
        _build_schema(url, drop_first=True)
    else:
        # A database per xdist worker on the given server; on a throwaway cluster (one per
        # worker) the name does not matter.
        given = sa.make_url(admin_url).database if os.environ.get("TEST_DATABASE_URL") else None
        name = f"{given}_{worker}" if given else "ontwikkelbijeenkomsten_test"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        _build_schema(url)
    engine = _engine(url)
    yield url, engine
    _dispose_everything(url, engine)


def _dispose_everything(url: str, engine: sa.Engine) -> None:
    """Close every connection to the database before its server goes."""
    from tests.plugins.apps import dispose_engines

    dispose_engines(url)
    engine.dispose()


# --------------------------------------------------------------------------------------------
# Emptying the database after a committing test
# --------------------------------------------------------------------------------------------
_RESTART_USED_SEQUENCES = (
    "SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, 1, false) "
    "FROM pg_sequences WHERE last_value IS NOT NULL AND schemaname = ANY(current_schemas(false))"
)


def _empty(engine: sa.Engine, on_stuck=None) -> None:
    """Delete every row and restart the sequences that were used: the end state of
    ``TRUNCATE <all tables> RESTART IDENTITY CASCADE``, but DELETE on the few rows a test leaves
    is about 20 times faster than TRUNCATE."""
    tables = [t.name for t in reversed(metadata().sorted_tables)]
    postgres = engine.dialect.name == "postgresql"

    def empty(conn) -> None:
        if postgres:
            conn.exec_driver_sql("SET lock_timeout = '5s'")
        for name in tables:
            conn.exec_driver_sql(f'DELETE FROM "{name}"')
        if postgres:
            conn.exec_driver_sql(_RESTART_USED_SEQUENCES)
        elif conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
            conn.exec_driver_sql("DELETE FROM sqlite_sequence")

    try:
        with engine.begin() as conn:
            empty(conn)
        return
    except sa.exc.OperationalError:
        if not postgres:
            raise
    # A connection the test left open (a thread still running) holds a lock: end it and retry.
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    if on_stuck:
        on_stuck()
    engine.dispose()
    with engine.begin() as conn:
        empty(conn)


# --------------------------------------------------------------------------------------------
# Binding db.session to the test's connection
# --------------------------------------------------------------------------------------------
class _Binding:
    """The connection of the running test (None in committing tests and between tests)."""

    connection: sa.Connection | None = None
    url: sa.URL | None = None
    thread: int | None = None


_binding = _Binding()
_session_class_installed = False


def _install_session_class() -> None:
    """Give Flask-SQLAlchemy's session factory a Session whose get_bind returns the test's
    connection for the test's database, and that joins the connection's transaction through a
    savepoint."""
    global _session_class_installed
    if _session_class_installed:
        return
    from flask_sqlalchemy.session import Session

    from ontwikkelbijeenkomsten.core.extensions import db

    class TestSession(Session):
        def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
            chosen = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
            connection = _binding.connection
            if connection is None or bind is not None or getattr(chosen, "url", None) != _binding.url:
                return chosen
            if threading.get_ident() != _binding.thread:
                raise RuntimeError(
                    "db.session used from another thread while the test runs in a rolled-back "
                    "transaction on one connection: mark the test @pytest.mark.committing"
                )
            return connection

    factory = db.session.session_factory
    factory.class_ = TestSession
    factory.kw["join_transaction_mode"] = "create_savepoint"
    _session_class_installed = True


def _close_sessions() -> None:
    from sqlalchemy.orm import close_all_sessions

    from ontwikkelbijeenkomsten.core.extensions import db

    close_all_sessions()
    db.session.registry.registry.clear()  # the sessions of app contexts that were never popped


def _in_rolled_back_transaction(url: str):
    from tests.plugins.apps import default_engine

    _install_session_class()
    # The connection comes from the engine of the default app, so that a listener on
    # `db.engine` (tests/queries.py counts statements) sees what runs on it.
    engine = default_engine(url)
    connection = engine.connect()
    transaction = connection.begin()
    _binding.connection, _binding.url, _binding.thread = connection, engine.url, threading.get_ident()
    try:
        yield url
    finally:
        _binding.connection = _binding.url = _binding.thread = None
        try:
            _close_sessions()
        finally:
            if transaction.is_active:
                transaction.rollback()
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(_RESTART_USED_SEQUENCES)
                connection.commit()
            connection.close()


def committing(request) -> bool:
    return request.node.get_closest_marker("committing") is not None


@pytest.fixture
def database_url(db_backend, request):
    fixture = "_sqlite_database" if db_backend == "sqlite" else "_postgres_database"
    url, engine = request.getfixturevalue(fixture)
    if not committing(request):
        yield from _in_rolled_back_transaction(url)
        return
    from tests.plugins.apps import dispose_engines

    try:
        yield url
    finally:
        _close_sessions()
        dispose_engines(url)
        _empty(engine, on_stuck=lambda: dispose_engines(url))


@pytest.fixture
def empty_database_url(database_url, db_backend, tmp_path):
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"ob_empty_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
