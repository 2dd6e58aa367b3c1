"""`flask db upgrade` builds the schema from an empty database and `flask db check` finds no drift."""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ontwikkelbijeenkomsten.core.db import UTCDateTime
from ontwikkelbijeenkomsten.core.extensions import db


def test_upgrade_from_empty_then_check_finds_no_difference(make_app, empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    runner = app.test_cli_runner()

    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output

    checked = runner.invoke(args=["db", "check"])
    assert checked.exit_code == 0, checked.output
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []

    engine = sa.create_engine(empty_database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"users", "regions", "requests", "meetings", "registrations", "outbox_mails"} <= tables


def test_an_account_closed_before_the_upgrade_counts_its_retention_from_its_deactivation(make_app, empty_database_url):
    """Closed accounts had no moment of closing: the last "deactivated" entry in the log gives it,
    or the upgrade itself; an active account has none."""
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "e7c2a9d4f1b3"]).exit_code == 0
    users = sa.table("users", *(sa.column(name) for name in ("id", "email", "name", "role", "active", "locale",
                                                              "session_version")),
                     sa.column("created_at", UTCDateTime()), sa.column("deactivated_at", UTCDateTime()))
    events = sa.table("audit_events", *(sa.column(name) for name in ("actor_label", "action", "subject_type",
                                                                     "subject_id", "details")),
                      sa.column("occurred_at", UTCDateTime()))
    engine = sa.create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(users.insert(), [
                {"id": n, "email": f"expert{n}@example.org", "name": "Naam", "role": "expert", "active": active,
                 "locale": "nl", "session_version": 0, "created_at": datetime(2025, 1, 1, tzinfo=timezone.utc)}
                for n, active in ((1, True), (2, False), (3, False))])
            connection.execute(events.insert(), [
                {"occurred_at": datetime(2025, month, 1, 10, tzinfo=timezone.utc), "actor_label": "c@example.org",
                 "action": "expert.deactivated", "subject_type": "users", "subject_id": 2, "details": "{}"}
                for month in (2, 6)])
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        with engine.connect() as connection:
            closed = dict(connection.execute(sa.select(users.c.id, users.c.deactivated_at)).all())
    finally:
        engine.dispose()
    assert closed[1] is None
    assert closed[2] == datetime(2025, 6, 1, 10, tzinfo=timezone.utc)
    assert closed[3] > datetime(2026, 1, 1, tzinfo=timezone.utc)
