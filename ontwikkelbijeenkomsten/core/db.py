"""Declarative base with stable constraint names and a UTC-aware datetime column type."""
from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData, bindparam, event, exc, text, types
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(types.TypeDecorator):
    """Stores aware datetimes in UTC; returns aware UTC datetimes on every backend.

    SQLite has no time zone type, so values are normalised to UTC and stored naive there.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def enum_type(enum_cls: type, name: str) -> types.Enum:
    """Enums stored as their string values with a CHECK constraint (portable, no native type)."""
    return types.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def insert_on_conflict(session, model):
    """An INSERT of `model` that can say ON CONFLICT, in the dialect of the session's database."""
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


def insert_or_skip(table, columns: tuple[str, ...], conflict: str):
    """`INSERT INTO table (columns) VALUES (:column, ...) ON CONFLICT <conflict> DO NOTHING
    RETURNING id` as one text statement, the same on PostgreSQL and SQLite (the values are
    bound with the columns' own types). Made once, at import, for an INSERT that runs on every
    request: SQLAlchemy 2.0 compiles its dialect INSERTs, the ones that can say ON CONFLICT,
    anew on every call (they have no cache key), which costs about a millisecond each time."""
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    return text(
        f"INSERT INTO {table.name} ({names}) VALUES ({values}) ON CONFLICT {conflict} DO NOTHING RETURNING id"
    ).bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns))


#: A pooled connection that lay unused this long is pinged before it is handed out again:
#: shorter than any database restart, longer than the gap between requests of a busy worker.
PING_AFTER_IDLE_SECONDS = 0.1


def ping_after_idle(engine) -> None:
    """Ping a pooled connection before use only when it has been idle a while, instead of on
    every checkout (`pool_pre_ping`), which costs a round trip per request at full load.

    A restart takes longer than PING_AFTER_IDLE_SECONDS, so every connection from before it
    counts as idle: it is found dead here and replaced before the request uses it, as with
    pre_ping. A busy worker reuses its connection within milliseconds and pings nothing; a
    connection that is used while the database goes down fails that request (the 503 page), and
    SQLAlchemy then discards every connection of the pool, so the next requests connect afresh.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError() from error  # the pool replaces the connection and retries


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def configure_sqlite(engine) -> None:
    """Make SQLite behave for concurrent writers: foreign keys on, WAL, wait when busy, and
    BEGIN IMMEDIATE so two transactions never both read and then both try to write (which
    SQLite answers with an immediate 'database is locked' instead of waiting)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds only A-Z; Python's folds "É" too, as PostgreSQL does.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
