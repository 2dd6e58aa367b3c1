"""The coordinators' search for a person in a real browser: by keyboard from the start page,
axe on a wide and a narrow screen, the hint for an empty search, and a result's link."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .keyboard import log_in_as_coordinator, tab_to, type_into
from .viewports import each_width


@pytest.mark.backends("sqlite")
@each_width
def test_search_by_keyboard_and_open_a_result(page, demo, axe_check, viewport):
    page.set_viewport_size(viewport)
    log_in_as_coordinator(page, demo)
    page.wait_for_url("**/coordinatie")

    tab_to(page, "#q")
    page.keyboard.press("Enter")  # nothing typed: the hint, at the field and in the summary
    page.wait_for_url("**/coordinatie/zoeken?q=")
    expect(page.locator("#q-error")).to_contain_text("Typ een naam of e-mailadres")
    expect(page.locator("#error-summary")).to_be_focused()
    axe_check(page)

    type_into(page, "#q", "JANSEN")
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/zoeken?q=JANSEN")
    expect(page.locator("#q")).to_have_value("JANSEN")
    expect(page.locator("#search-summary")).to_contain_text("resulta")
    expert_link = page.locator("#experts a", has_text="Jansen").first
    expect(expert_link).to_be_visible()
    axe_check(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]

    tab_to(page, "#experts a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/experts/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jansen")
