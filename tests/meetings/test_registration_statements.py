"""Issue 17, item 4: one registration POST is a handful of statements, and the training's row
lock (taken by the conditional UPDATE) covers only the INSERTs that follow it and the commit;
nothing is read back after the commit."""
from __future__ import annotations

import pytest

from ontwikkelbijeenkomsten.meetings.models import RegistrationState
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
