"""Issue 17, item 4: one registration POST is a handful of statements, and the training's row
lock (taken by the conditional UPDATE) covers only the INSERTs that follow it and the commit;
nothing is read back after the commit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import insert

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.meetings import queries

from ontwikkelbijeenkomsten.meetings.models import Registration, RegistrationState
from tests.meetings.test_public_pages import post_form, register_url, registrations
from tests.queries import count_queries

MAX_STATEMENTS = 5


def verbs(statements: list[str]) -> list[str]:
    return [statement.lstrip().split(None, 1)[0].upper() for statement in statements]


@pytest.mark.backends("postgresql")
def test_a_registration_post_takes_at_most_five_statements_and_locks_only_for_the_inserts(client, training):
    url = register_url(training)
    with count_queries() as statements:
        assert post_form(client, url).status_code == 302
    assert len(statements) <= MAX_STATEMENTS
    done = verbs(statements)
    after_lock = done[done.index("UPDATE") + 1:]
    assert after_lock == ["INSERT", "INSERT"]  # the registration and its mail; no reload after the commit
    [saved] = registrations(training)
    assert saved.state is RegistrationState.CONFIRMED


@pytest.mark.backends("postgresql")
def test_the_read_before_the_lock_is_planned_once_and_finds_the_address_by_its_index(training):
    """psycopg prepares a statement it runs often, and PostgreSQL then plans it once (a generic
    plan) unless planning it anew each time looks cheaper. The address's active registration is
    found through the unique index of active registrations only when the plan sees which state
    is excluded: with the state as a parameter, the generic plan lost that index and every POST
    planned the read again (two thirds of a millisecond of the database's time)."""
    compiled = queries._to_register().compile(dialect=db.engine.dialect)
    names: list[str] = []
    sql = re.sub(r"%\((\w+)\)s", lambda found: f"${names.append(found.group(1)) or len(names)}", str(compiled))
    values = {**compiled.params, "meeting_id": training.id, "email": "someone@example.org"}
    arguments = ", ".join(repr(values[name]) if isinstance(values[name], int) else f"'{values[name]}'" for name in names)
    connection = db.session.connection()
    _fill(connection, training.id)
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    connection.exec_driver_sql(f"PREPARE to_register AS {sql}")
    try:
        plan = "\n".join(connection.exec_driver_sql(f"EXPLAIN EXECUTE to_register({arguments})").scalars())
    finally:
        connection.exec_driver_sql("DEALLOCATE to_register")
    assert "uq_registrations_active_email" in plan


def _fill(connection, meeting_id: int, count: int = 400) -> None:
    """A training with a few hundred registrations, and statistics that say so: on the near-empty
    tables of a test the planner's choice between the indexes of `registrations` followed what
    earlier tests had left in the statistics."""
    now = utcnow()
    connection.execute(insert(Registration.__table__), [dict(
        meeting_id=meeting_id, state=RegistrationState.CONFIRMED, name=f"Deelnemer {n}",
        email=f"deelnemer-{n}@example.org", organisation="SWV", sector=Sector.ONDERWIJS, function="IB",
        needs="", locale="nl", consent_at=now, created_at=now) for n in range(count)])
    connection.exec_driver_sql("ANALYZE registrations")
