"""Inserting many rows in one statement, however many there are.

SQLAlchemy's own many-row INSERT writes a placeholder per value (insertmanyvalues), which the
driver parses in Python and PostgreSQL parses and plans again: for thousands of rows that costs
more than the rows. PostgreSQL gets the rows as one JSON document instead, which it turns into
rows of the table itself (`INSERT … SELECT … FROM json_populate_recordset(NULL::table, :rows)`):
one short statement, planned once, the values converted by the columns' own types. Other
databases get SQLAlchemy's INSERT with a list (SQLite's executemany runs in C), and so does a
single row.
"""
from __future__ import annotations

import json
from datetime import date, time
from functools import cache

from sqlalchemy import JSON, Row, Table, Text, bindparam, cast, func, insert, literal_column, select

from .extensions import db


def insert_rows(table: Table, rows: list[dict], returning: tuple = ()) -> list[Row]:
    """Insert `rows` (dicts with the same keys) into `table` in one statement; the rows of
    `returning` (columns of `table`), in no particular order, or [] without it."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql" and len(rows) > 1:  # one row (a participant's mail): the plain INSERT
        names = list(rows[0])
        document = json.dumps(_bound(table, rows, names, dialect), default=_iso, separators=(",", ":"))
        statement = _from_document(table, tuple(names), returning, dialect.identifier_preparer.format_table(table))
        result = db.session.execute(statement, {"rows": document})
    else:
        result = db.session.connection().execute(_insert(table, returning), rows)
    return result.all() if returning else []


@cache
def _from_document(table: Table, names: tuple[str, ...], returning: tuple, record_type: str):
    """The INSERT that takes its rows from the JSON document bound as `rows`, built once per
    table and columns (building it took longer than a registration's own statements)."""
    record = literal_column(f"NULL::{record_type}")
    given = func.json_populate_recordset(record, cast(bindparam("rows", type_=Text), JSON))
    statement = insert(table).from_select(list(names), select(given.table_valued(*names)))
    return statement.returning(*returning) if returning else statement


@cache
def _insert(table: Table, returning: tuple):
    """The plain INSERT into `table`, built once: its cache key is then found at once."""
    return insert(table).returning(*returning) if returning else insert(table)


def _bound(table: Table, rows: list[dict], names: list[str], dialect) -> list[dict]:
    """The rows with each value as its column type binds it (enum → its value, datetime → UTC),
    JSON columns left as they are: they go into the document as they are."""
    processors = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names
                  if not isinstance(table.c[name].type, JSON)]
    processors = [(name, process) for name, process in processors if process]
    if not processors:
        return rows
    bound = []
    for row in rows:
        row = dict(row)
        for name, process in processors:
            row[name] = process(row[name])
        bound.append(row)
    return bound


def _iso(value):
    if isinstance(value, (date, time)):  # datetimes too
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
