"""Playwright in Debian's chromium, and axe-core.

Fixtures
--------
page
    A Playwright (sync) page in Debian's chromium (``/usr/bin/chromium``): one browser per
    session, a new context per test with locale nl-NL and time zone Europe/Amsterdam, and the
    ``live_server`` as base URL (``page.goto("/inloggen")``). Tests that use it get the
    ``browser`` marker. Playwright's timeouts (actions and ``expect``) are 20 s.
axe_check(page, context=None)
    Runs axe-core (axe-playwright-python) with the WCAG 2.1 A/AA tags on the page and fails the
    test with a readable list when it finds any violation.

Missing chromium skips the tests that need it, with the reason (fails them with ``CI=true``).
"""
from __future__ import annotations

import os

import pytest

from tests.plugins.backends import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_TIMEOUT_MS = 20_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def _browser():
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, expect, sync_playwright
    except ImportError as exc:
        skip_or_fail(f"playwright is not installed: {exc}")
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)  # generous: CI machines have two cores
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as exc:
        playwright.stop()
        skip_or_fail(f"{CHROMIUM} did not start: {exc}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", base_url=live_server.url)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        tags = ", ".join(t for t in v.get("tags", ()) if t.startswith("wcag"))
        lines.append(f"- {v['id']} ({v.get('impact')}; {tags}): {v.get('help')}")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in v.get("nodes", ()):
            lines.append(f"    at {' '.join(map(str, node.get('target', [])))}")
            lines.append(f"       {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_check():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, context=None) -> None:
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        results = axe.run(page, context=context, options=options)
        violations = results.response["violations"]
        if violations:
            pytest.fail(
                f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n"
                + _format_violations(violations),
                pytrace=False,
            )

    return check
