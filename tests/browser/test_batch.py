"""The planning page in a real browser: reach it by keyboard, check it with axe, confirm the plan;
what was just scheduled, at 1280 px and as stacked rows at 390 px."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .keyboard import log_in_as_coordinator, tab_to


def test_plan_and_confirm_with_the_keyboard(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto("/")
    tab_to(page, 'nav a[href="/coordinatie/planning"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/planning")
    expect(page.locator("#plan-summary")).to_contain_text("2 van 2 dagdelen kunnen worden ingepland voor 1 aanvraag")
    expect(page.locator("#bookings tbody tr")).to_have_count(2)
    expect(page.locator("#regions")).to_contain_text("Zuid-Limburg")
    axe_check(page)

    tab_to(page, 'a[href="#confirm-title"]')
    page.keyboard.press("Enter")
    tab_to(page, 'form[method="post"][action="/coordinatie/planning"] button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/planning?period=*")
    expect(page.locator(".ob-alert").last).to_contain_text(
        "2 dagdelen ingepland; de contactpersonen en experts krijgen een e-mail.")
    expect(page.locator("#plan-summary")).to_contain_text("geen toegekende dagdelen meer in te plannen")
    expect(page.get_by_role("button", name="Alles inplannen")).to_have_count(0)
    axe_check(page)

    # what the confirmation scheduled, with links to each session and request; also after a reload
    expect(page.locator("#just-scheduled-title")).to_have_text("Zojuist ingepland")
    rows = page.locator("#just-scheduled tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator('a[href^="/coordinatie/bijeenkomsten/"]')).to_have_count(2)
    expect(rows.locator('a[href^="/coordinatie/aanvragen/"]')).to_have_count(2)
    expect(rows.first).to_contain_text("Zuid-Limburg")
    page.reload()
    expect(page.locator("#just-scheduled tbody tr")).to_have_count(2)
    expect(page.locator(".ob-alert")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    axe_check(page)
    # at 390 px the table is stacked rows, each value after its column's name, nothing cut off
    expect(page.locator("#just-scheduled")).to_have_class(re.compile(r"\bob-cards\b"))
    expect(rows.first).to_have_css("display", "block")
    expect(rows.first.locator("td").first).to_have_attribute("data-label", "Datum")
    assert page.evaluate("""() => [...document.querySelectorAll('#just-scheduled, #just-scheduled *')]
        .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'hidden')
        .map(el => el.outerHTML.slice(0, 80))""") == []
    tab_to(page, '#just-scheduled a[href^="/coordinatie/aanvragen/"]')
    link = page.locator('#just-scheduled a[href^="/coordinatie/aanvragen/"]').first.bounding_box()
    assert link["x"] >= 0 and link["x"] + link["width"] <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    tab_to(page, '#just-scheduled a[href^="/coordinatie/bijeenkomsten/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/bijeenkomsten/*")
