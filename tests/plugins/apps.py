"""One app per database and config for the whole session, with a template cache they share.

Fixtures
--------
make_app(**overrides)
    The app on the test's database with the test config plus ``overrides``, e.g.
    ``make_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)``. Apps are built once per
    session for each distinct (database, overrides) and handed out again; changes a test makes
    to ``app.config`` are undone after it, and the rate limiter's counts are cleared when a
    rate-limited app is handed out. An app on another database
    (``SQLALCHEMY_DATABASE_URI=...``) is built fresh and its engines disposed after the test.
    It pushes no app context: use ``with made.app_context(): ...``.
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
    The app (CSRF on, as in production) served by werkzeug's threaded server on 127.0.0.1 and
    a free port, in a thread: one server per backend for the session. Attributes: ``.url``
    (no trailing slash), ``.app``. Tests that use it are ``committing``.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from flask import g
from jinja2 import BytecodeCache

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


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for every app of the session."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecodeCache()
#: (database URL, overrides) -> app
_APPS: dict[tuple[str, str], object] = {}


def _forget_user(exc) -> None:
    # The test's app context is reused by every request of its test clients, and Flask-Login
    # caches the user in `g`; forget it after each request, as a real request's context would.
    g.pop("_login_user", None)


def _build(config: dict):
    from ontwikkelbijeenkomsten import create_app

    app = create_app(config)
    app.jinja_env.bytecode_cache = _BYTECODE
    app.teardown_request(_forget_user)
    return app


def _dispose(app) -> None:
    from ontwikkelbijeenkomsten.core.extensions import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def dispose_engines(database_url: str) -> None:
    """Close the pooled connections of every cached app on `database_url` (after a test whose
    threads made many)."""
    for (url, _), app in _APPS.items():
        if url == database_url:
            _dispose(app)


def cached_app(database_url: str, **overrides):
    key = (database_url, repr(sorted(overrides.items())))
    if key not in _APPS:
        _APPS[key] = _build({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    return _APPS[key]


def default_engine(database_url: str):
    """The engine of the app that `make_app()` hands out on `database_url`."""
    from ontwikkelbijeenkomsten.core.extensions import db

    with cached_app(database_url).app_context():
        return db.engine


@pytest.fixture(scope="session", autouse=True)
def _dispose_apps_at_the_end():
    yield
    for app in _APPS.values():
        _dispose(app)
    _APPS.clear()


@pytest.fixture
def make_app(database_url):
    from ontwikkelbijeenkomsten.core.extensions import limiter

    configs: dict[int, tuple[object, dict]] = {}
    fresh = []

    def factory(**overrides):
        url = overrides.get("SQLALCHEMY_DATABASE_URI", database_url)
        if url != database_url:
            app = _build({**TEST_CONFIG, **overrides})
            fresh.append(app)
        else:
            overrides.pop("SQLALCHEMY_DATABASE_URI", None)
            app = cached_app(database_url, **overrides)
            configs.setdefault(id(app), (app, dict(app.config)))
        # Flask-Limiter keeps `enabled` and its counts on the one Limiter, not per app: the
        # app handed out last decides, as when each call built a new app.
        limiter.enabled = bool(app.config.get("RATELIMIT_ENABLED"))
        if limiter.enabled:
            limiter.reset()
        return app

    yield factory
    limiter.enabled = TEST_CONFIG["RATELIMIT_ENABLED"]
    for app, config in configs.values():
        if app.config != config:
            app.config.clear()
            app.config.update(config)
    for app in fresh:
        _dispose(app)


@pytest.fixture
def app(make_app):
    app = make_app()
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


_SERVERS: dict[str, tuple[LiveServer, object, threading.Thread]] = {}


@pytest.fixture(scope="session")
def _live_servers():
    yield _SERVERS
    for _, server, thread in _SERVERS.values():
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    _SERVERS.clear()


@pytest.fixture
def live_server(make_app, database_url, _live_servers):
    if database_url not in _live_servers:
        from werkzeug.serving import make_server

        app = cached_app(database_url, WTF_CSRF_ENABLED=True, LIVE_SERVER=True)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = url
        thread = threading.Thread(target=server.serve_forever, name="live_server", daemon=True)
        thread.start()
        _live_servers[database_url] = (LiveServer(url=url, app=app), server, thread)
    live, _, _ = _live_servers[database_url]
    make_app(WTF_CSRF_ENABLED=True, LIVE_SERVER=True)  # its config is restored after the test
    return live
