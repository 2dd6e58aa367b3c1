"""Driving pages the way keyboard users do: Tab to a control, type, press Enter."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

MAX_TABS = 300


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector)


def tab_to(page, selector: str, seen: list[str] | None = None, limit: int = MAX_TABS) -> None:
    """Press Tab until `selector` has the focus; fails when the keyboard cannot reach it."""
    if focused_matches(page, selector):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        if seen is not None:
            seen.append(page.evaluate(
                "() => document.activeElement ? (document.activeElement.id"
                " || document.activeElement.name || document.activeElement.tagName) : ''"
            ))
        if focused_matches(page, selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key", pytrace=False)


def type_into(page, selector: str, text: str) -> None:
    """Tab to a text field, replace what it holds, and type."""
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def log_in_as_coordinator(page, demo) -> None:
    page.goto("/inloggen")
    page.locator("#email").fill(demo.DEMO_COORDINATOR_EMAIL)
    page.locator("#password").fill(demo.DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.locator(".ob-nav__logout")).to_be_visible()


def type_date(page, selector: str, day: date) -> None:
    """Type a date into a date input, in the order of its segments (nl-NL: dd-mm-jjjj)."""
    tab_to(page, selector)
    page.keyboard.type(day.strftime("%d%m%Y"))
    if page.locator(selector).input_value() != day.isoformat():  # a browser with mm/dd/yyyy
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.locator(selector).input_value() == day.isoformat()


def check_box(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    expect(page.locator(selector)).to_be_checked()


def unfold(page, details: str) -> None:
    """Open a folded part (`<details>`) from its summary, with the keyboard."""
    tab_to(page, f"{details} > summary")
    page.keyboard.press("Enter")
    expect(page.locator(details)).to_have_attribute("open", "")


def submit_refused(page, button: str, field: str) -> None:
    """Press Enter on `button` of a form that will be refused: the page's title starts with
    "Fout:", the error summary gets the focus, and its link to `field` (a selector like "#name")
    moves the focus to that field."""
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    tab_to(page, f"#error-summary a[href='{field}']")
    page.keyboard.press("Enter")
    expect(page.locator(field)).to_be_focused()
