"""When the database cannot be reached, pages answer a calm 503 with Retry-After, inside the
site's layout, and work again once it is back, without a restart."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from ontwikkelbijeenkomsten.core import db as core_db
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from tests import factories
from tests.helpers import login
from tests.plugins.database import metadata

PUBLIC_PAGE = "/agenda"
COORDINATOR_PAGE = "/coordinatie/aanvragen"


class SqliteOutage:
    """A database file whose folder goes away: no connection can open it."""

    def __init__(self, tmp_path):
        self.folder, self.away = tmp_path / "data", tmp_path / "away"
        self.folder.mkdir()
        self.url = f"sqlite:///{self.folder / 'app.db'}"

    @contextmanager
    def down(self, app):
        self.folder.rename(self.away)
        with app.app_context():
            db.engine.dispose()  # an open SQLite file stays readable; a stopped server drops its connections
        yield
        self.away.rename(self.folder)


class PostgresOutage:
    """A database of its own on the test server that disappears under the app (its connections
    are ended and it is renamed), as when the server stops."""

    NAME = "outage_test"

    def __init__(self, database_url):
        server = sa.make_url(database_url)
        self.admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self._sql(f"DROP DATABASE IF EXISTS {self.NAME}_away", f"DROP DATABASE IF EXISTS {self.NAME}",
                  f"CREATE DATABASE {self.NAME}")
        self.url = server.set(database=self.NAME).render_as_string(hide_password=False)

    def _sql(self, *statements):
        with self.admin.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)

    @contextmanager
    def down(self, app):
        self._sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.NAME}'",
                  f"ALTER DATABASE {self.NAME} RENAME TO {self.NAME}_away")
        yield
        self._sql(f"ALTER DATABASE {self.NAME}_away RENAME TO {self.NAME}")

    def close(self, app):
        with app.app_context():
            db.engine.dispose()
        self._sql(f"DROP DATABASE IF EXISTS {self.NAME}")
        self.admin.dispose()


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    page = response.get_data(as_text=True)
    assert "De website is tijdelijk niet beschikbaar" in page
    assert '<nav class="utrecht-nav-bar ob-nav"' in page and "Naar de homepage" in page  # the layout


def test_pages_answer_503_while_the_database_is_down_and_recover(make_app, database_url, db_backend, tmp_path):
    outage = SqliteOutage(tmp_path) if db_backend == "sqlite" else PostgresOutage(database_url)
    app = make_app(SQLALCHEMY_DATABASE_URI=outage.url)
    with app.app_context():
        metadata().create_all(db.engine)
        with unit_of_work():
            factories.coordinator()
    visitor, coordinator = app.test_client(), login(app.test_client())
    try:
        with outage.down(app):
            _assert_unavailable_page(visitor.get(PUBLIC_PAGE))
            _assert_unavailable_page(coordinator.get(COORDINATOR_PAGE))
        assert visitor.get(PUBLIC_PAGE).status_code == 200
        assert coordinator.get(COORDINATOR_PAGE).status_code == 200  # still logged in
    finally:
        if isinstance(outage, PostgresOutage):
            outage.close(app)


@pytest.mark.backends("postgresql")
def test_connections_ended_by_a_restart_are_replaced_before_the_next_request(make_app, database_url, monkeypatch):
    """The server ends every connection (as a restart does) while the app is idle: the pool
    finds out before a request uses one (db.ping_after_idle), so that request succeeds."""
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every connection counts as idle
    outage = PostgresOutage(database_url)
    app = make_app(SQLALCHEMY_DATABASE_URI=outage.url)
    with app.app_context():
        metadata().create_all(db.engine)
    visitor = app.test_client()
    try:
        assert visitor.get(PUBLIC_PAGE).status_code == 200
        outage._sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{outage.NAME}'")
        assert visitor.get(PUBLIC_PAGE).status_code == 200
    finally:
        outage.close(app)
