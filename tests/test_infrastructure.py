"""The fixtures themselves: every backend gives each test an empty database with the schema."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import Theme


@pytest.mark.parametrize("round", [1, 2])
def test_each_test_starts_with_an_empty_database(app, db_backend, round):
    # Both rounds insert the same unique slug: the second would fail if the first one's row
    # survived, and the id shows that sequences restart too.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == 0
    theme = Theme(slug="leerplicht", name=f"Leerplicht {round}")
    db.session.add(theme)
    db.session.commit()
    assert theme.id == 1
    assert db.engine.dialect.name == db_backend


@pytest.mark.committing
def test_the_database_is_shared_by_threads_and_other_apps(app, make_app):
    db.session.add(Theme(slug="oogo", name="OOGO"))
    db.session.commit()
    seen = []

    def read():
        with app.app_context():
            seen.append(db.session.scalar(sa.select(Theme.name)))
            db.session.remove()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    other = make_app(WTF_CSRF_ENABLED=True)
    assert other.config["WTF_CSRF_ENABLED"] and not app.config["WTF_CSRF_ENABLED"]
    with other.app_context():
        seen.append(db.session.scalar(sa.select(Theme.name)))
    assert seen == ["OOGO", "OOGO"]


def test_the_test_config(app, database_url):
    assert app.config["TESTING"]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == database_url
    assert app.config["MAIL_SUPPRESS_SEND"]
    assert not app.config["RATELIMIT_ENABLED"]
    if database_url.startswith("sqlite"):
        assert ":memory:" not in database_url
    else:
        assert database_url.startswith("postgresql+psycopg://")


def test_the_database_has_the_whole_schema_and_no_rows(database_url):
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) >= set(db.metadata.tables)
            for table in db.metadata.sorted_tables:
                assert conn.scalar(sa.select(sa.func.count()).select_from(table)) == 0, table.name
    finally:
        engine.dispose()
