"""Shared test fixtures: one app per backend and config, each test in a rolled-back transaction,
on SQLite and PostgreSQL.

The fixtures live in plugins (tests/plugins/), one module per concern; each module's docstring
documents its fixtures:

tests/plugins/backends.py   ``db_backend``: every database test runs on SQLite and PostgreSQL;
                            ``@pytest.mark.backends(...)``; the ``browser`` and ``committing``
                            markers; CI=true turns a skip for a missing service into a failure
tests/plugins/database.py   ``database_url``: a session database per backend; each test in a
                            transaction that is rolled back, or, marked ``committing`` (race
                            tests, live server), with real commits and a cleanup afterwards
tests/plugins/apps.py       ``make_app``, ``app``, ``client``, ``demo``, ``live_server``: apps
                            built once per session and config, with one template cache
tests/plugins/browser.py    ``page``, ``axe_check``: Playwright in Debian's chromium, axe-core
tests/plugins/data.py       the test data every package shares: ``coordinator``, ``themes``,
                            ``regions``, ``world``, ``plan``, ``make_training``, logged-in clients
tests/plugins/redis.py      ``redis_url``: a throwaway redis-server for limits shared by processes
tests/plugins/summary.py    the terminal summary: database tests per backend, browser tests

Rows are built by tests/factories.py (directly, without the services); ``login`` and the
other shared helpers are in tests/helpers.py.

Missing PostgreSQL, redis-server or chromium skips the tests that need them, with the reason. With
``CI=true`` in the environment such a skip fails the test instead, so CI cannot go green
without them. The terminal summary counts the database tests per backend and the browser tests.
"""
import pytest

# The plugins and the shared modules are imported by this file (and by test modules) before
# pytest would load them: have their asserts rewritten all the same.
pytest.register_assert_rewrite("tests.plugins", "tests.factories", "tests.helpers")

pytest_plugins = [
    "tests.plugins.backends",
    "tests.plugins.database",
    "tests.plugins.apps",
    "tests.plugins.browser",
    "tests.plugins.data",
    "tests.plugins.redis",
    "tests.plugins.summary",
]
