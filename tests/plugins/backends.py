"""Every database test runs once per backend; a missing service fails instead of skipping in CI.

``db_backend`` is ``"sqlite"`` or ``"postgresql"``. Every test that uses it (directly, or through
``database_url``, ``app``, ``client``, ``make_app``, ``live_server`` or ``page``) runs once per
backend, with test ids ``[sqlite]`` and ``[postgresql]``; the PostgreSQL runs carry the
``postgres`` marker. ``@pytest.mark.backends("sqlite")`` limits a test to the backends it names.

Markers added here: ``browser`` (a test that uses a browser: ``page`` or ``_browser``) and
``committing`` (a test that needs real commits seen by other connections: see
tests/plugins/database.py), set on tests that use ``live_server`` and on the race tests
(``test_*race*.py``) without being written on them.
"""
from __future__ import annotations

import fnmatch
import os
import signal

import pytest

BACKENDS = ("sqlite", "postgresql")
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}
#: Modules whose tests race threads with connections of their own against each other.
RACE_MODULES = "test_*race*.py"


def skip_or_fail(reason: str) -> None:
    """Skip with the reason; under CI=true a missing service is an error, not a skip."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config):
    config.addinivalue_line("markers", "backends(*names): run this test only on these backends")
    config.addinivalue_line(
        "markers",
        "committing: the test needs real commits that other connections (threads, other apps, a "
        "live server) see; it gets no rolled-back transaction but a database emptied afterwards",
    )
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # `timeout pytest ...` sends SIGTERM: end like Ctrl-C so that the fixtures stop the
        # throwaway PostgreSQL and the browser instead of leaving them running.
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_generate_tests(metafunc):
    if "db_backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    names = marker.args if marker else BACKENDS
    unknown = set(names) - set(BACKENDS)
    if unknown:
        raise pytest.UsageError(f"unknown backend(s) {sorted(unknown)} on {metafunc.definition.nodeid}")
    metafunc.parametrize(
        "db_backend",
        [
            pytest.param(name, id=name, marks=[pytest.mark.postgres] if name == "postgresql" else [])
            for name in names
        ],
        indirect=True,
    )


def pytest_collection_modifyitems(items):
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "page" in names or "_browser" in names:
            item.add_marker(pytest.mark.browser)
        if "live_server" in names or fnmatch.fnmatch(item.path.name, RACE_MODULES):
            item.add_marker(pytest.mark.committing)


@pytest.fixture
def db_backend(request) -> str:
    return request.param
