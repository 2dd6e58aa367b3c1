"""The terminal summary "what ran where": database tests per backend, and browser tests.

Each test's kind travels on its reports (``user_properties``), so the count is right under
pytest-xdist too, where the controller never sees the items.
"""
from __future__ import annotations

from collections import Counter

import pytest

from tests.plugins.backends import BACKENDS

_KIND = "what-ran-where"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item):
    callspec = getattr(item, "callspec", None)
    backend = callspec.params.get("db_backend") if callspec else None
    if not any(name == _KIND for name, _ in item.user_properties):
        item.user_properties.append((_KIND, (backend, item.get_closest_marker("browser") is not None)))


def _kind(report):
    for name, value in getattr(report, "user_properties", ()):
        if name == _KIND:
            return tuple(value)
    return None


def pytest_terminal_summary(terminalreporter):
    outcome: dict[str, str] = {}
    kinds: dict[str, tuple] = {}
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    for category, reports in terminalreporter.stats.items():
        for report in reports:
            nodeid = getattr(report, "nodeid", None)
            kind = _kind(report)
            if kind is None or not hasattr(report, "when"):
                continue
            if category == "passed":
                result = "passed"
            elif category in ("skipped", "xfailed"):
                result = "skipped"
            elif category in ("failed", "error", "xpassed"):
                result = "failed"
            else:
                continue
            kinds[nodeid] = kind
            if nodeid not in outcome or rank[result] > rank[outcome[nodeid]]:
                outcome[nodeid] = result
    if not outcome:
        return
    per_backend = {name: Counter() for name in BACKENDS}
    browser = Counter()
    for nodeid, result in outcome.items():
        backend, is_browser = kinds[nodeid]
        if backend:
            per_backend[backend][result] += 1
        if is_browser:
            browser[result] += 1

    def describe(counter: Counter) -> str:
        return ", ".join(f"{counter[r]} {r}" for r in ("passed", "failed", "skipped") if counter[r]) or "none"

    terminalreporter.section("what ran where")
    terminalreporter.write_line(
        "database tests: "
        + ", ".join(f"{describe(per_backend[name])} on {name}" for name in BACKENDS)
    )
    terminalreporter.write_line(f"browser tests: {describe(browser)}")
