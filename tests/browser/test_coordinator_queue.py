"""The coordinator's request queue and detail page in a real browser: keyboard only, and axe."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .keyboard import log_in_as_coordinator, tab_to, type_into
from .viewports import NARROW, WIDE
from .workspace import (
    ACTIONS,
    assert_actions_beside_the_details,
    assert_one_column_without_sideways_scroll,
)

QUEUE = "/coordinatie/aanvragen"
GRANT_BUTTON = 'form[action$="/toekennen"] button[type="submit"]'


def test_filter_open_and_grant_with_the_keyboard_only(page, demo, axe_check):
    page.set_viewport_size(WIDE)
    log_in_as_coordinator(page, demo)
    page.goto(QUEUE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanvragen")
    axe_check(page)

    tab_to(page, "#state")
    page.keyboard.press("ArrowDown")  # "Ingediend"
    page.keyboard.press("ArrowDown")  # "In behandeling"
    assert page.locator("#state").input_value() == "in_review"
    tab_to(page, 'form[method="get"] button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**state=in_review**")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("In behandeling")

    tab_to(page, "tbody a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/aanvragen/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aanvraag van")
    expect(page.locator("#quota")).to_contain_text("nog 4 van 4 dagdelen")
    assert_actions_beside_the_details(page)
    axe_check(page)

    # more than the region has left: the form refuses it
    type_into(page, "#dagdelen", "9")
    tab_to(page, GRANT_BUTTON)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(page.locator("#dagdelen-error")).to_contain_text("nog maar 4 dagdelen over")
    expect(page.locator("#dagdelen")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    # fewer than asked without an explanation: the service asks for one
    type_into(page, "#dagdelen", "2")
    tab_to(page, GRANT_BUTTON)
    page.keyboard.press("Enter")
    expect(page.locator("#explanation-error")).to_be_visible()
    expect(page.locator("#dagdelen")).to_have_value("2")
    axe_check(page)

    type_into(page, "#explanation", "Twee dagdelen passen beter bij de vraag.")
    tab_to(page, GRANT_BUTTON)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("U hebt 2 dagdelen toegekend.")
    expect(page.locator("#quota")).to_contain_text("nog 2 van 4 dagdelen")
    expect(page.locator("main")).to_contain_text("Aanvraag toegekend")
    assert_actions_beside_the_details(page)
    expect(page.locator(ACTIONS).locator("#schedule-link")).to_have_text("Dagdelen inplannen")
    axe_check(page)
    detail = page.url

    page.set_viewport_size(NARROW)
    assert_one_column_without_sideways_scroll(page)
    axe_check(page)
    page.set_viewport_size(WIDE)

    # the message leads on to the next step: the booking part of the scheduling page
    next_step = page.get_by_role("status").get_by_role("link", name="Nu inplannen")
    tab_to(page, '.ob-flashes a[href*="/inplannen#"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/inplannen#proposals-title")
    expect(page.get_by_role("heading", level=2, name="Voorstellen", exact=True)).to_be_in_viewport()
    axe_check(page)

    # the panel's link is within reach of the keyboard too
    page.goto(detail)
    expect(next_step).to_have_count(0)  # the message is shown once
    tab_to(page, "#schedule-link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inplannen")


@pytest.mark.backends("sqlite")
def test_the_queue_with_a_forged_filter_has_no_wcag_violations(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto(QUEUE + "?region=abc&state=ingediend")
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(page.locator("#region")).to_have_attribute("aria-invalid", "true")
    axe_check(page)


def test_find_the_requests_nobody_took_oldest_first_with_the_keyboard(page, demo, axe_check):
    """Many requests, several coordinators: the queue keeps the ones nobody has taken, oldest first."""
    page.set_viewport_size(WIDE)
    log_in_as_coordinator(page, demo)
    page.goto(QUEUE)
    tab_to(page, "#coordinator")
    page.keyboard.press("ArrowDown")  # "Nog niemand"
    assert page.locator("#coordinator").input_value() == "niemand"
    tab_to(page, "#order")
    page.keyboard.press("ArrowDown")  # "Oudste eerst"
    assert page.locator("#order").input_value() == "oudste"
    tab_to(page, 'form[method="get"] button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**coordinator=niemand**")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)  # the demo's submitted request; the others have Sanne de Vries
    expect(rows.first).to_contain_text("nog niemand")
    expect(page.locator("#coordinator")).to_have_value("niemand")
    expect(page.locator("#order")).to_have_value("oudste")
    axe_check(page)
    page.set_viewport_size(NARROW)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]
    axe_check(page)
