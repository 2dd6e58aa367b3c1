"""Counting the SQL a page runs, to prove the count does not grow with the number of rows."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from ontwikkelbijeenkomsten.core.extensions import db

COUNTED = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def count_queries():
    """Collects the data statements run meanwhile (not BEGIN, SAVEPOINT or PRAGMA)."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in COUNTED:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def queries_for(client, url: str) -> int:
    """How many statements a successful GET of `url` runs."""
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)
