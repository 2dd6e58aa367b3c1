"""The region overview, a region page and the periods page in a real browser: keyboard and axe."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .keyboard import log_in_as_coordinator, tab_to

OVERVIEW = "/coordinatie/regios"






def test_sort_the_overview_and_set_a_quota_with_the_keyboard(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto(OVERVIEW)
    expect(page.locator("tbody tr")).to_have_count(42)
    axe_check(page)

    granted = 'thead a[href*="sort=granted"]'
    tab_to(page, granted)
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=granted**")
    expect(page.locator('th[aria-sort="ascending"] a[href*="sort=granted"]')).to_have_count(1)
    tab_to(page, granted)
    page.keyboard.press("Enter")
    page.wait_for_url("**order=desc**")
    expect(page.locator('th[aria-sort="descending"] a[href*="sort=granted"]')).to_have_count(1)
    granted_column = [int(text) for text in page.locator("tbody tr td:nth-of-type(3)").all_inner_texts()]
    assert granted_column == sorted(granted_column, reverse=True) and granted_column[0] > 0
    first = page.locator("tbody tr").first
    code = first.locator("td").first.inner_text()
    scheduled = int(first.locator("td").nth(3).inner_text())
    quota = int(first.locator("td").nth(1).inner_text())
    target = float(first.locator(".ob-chart__target").get_attribute("width"))
    assert round(target, 1) == round(100 * granted_column[0] / quota, 1)  # granted, the outline
    booked = first.locator(".ob-chart__part--booked")
    assert (booked.count() == 0) if scheduled == 0 else (float(booked.get_attribute("width")) > 0)

    tab_to(page, "tbody tr:first-child th a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/regios/*")
    expect(page.locator("h1")).to_contain_text(code)

    tab_to(page, "#quota-quota")
    page.keyboard.press("Control+A")
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    page.keyboard.type("Extra dagdelen voor de pilot met het wijkteam.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    expect(page.locator(".ob-alert")).to_contain_text("6")
    expect(page.locator("tbody").first.locator("tr").first).to_contain_text("6")
    expect(page.get_by_role("cell", name="Extra dagdelen voor de pilot met het wijkteam.")).to_be_visible()
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_quota_errors_are_accessible(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto(OVERVIEW)
    page.locator("tbody tr th a").first.click()
    page.locator("#quota-quota").fill("zes")
    page.locator('form[action$="/quotum"] button[type="submit"]').click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#quota-quota-error")).to_be_visible()
    expect(page.locator("#quota-reason-error")).to_be_visible()
    expect(page.locator("#quota-quota")).to_have_value("zes")
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_periods_page_with_and_without_errors(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto("/coordinatie/periodes")
    expect(page.locator("tbody tr")).to_have_count(2)  # the demo's current and past school year
    axe_check(page)
    page.locator("#name").fill("Extra voorjaar")
    page.locator("#starts_on").fill("2031-03-01")
    page.locator("#ends_on").fill("2031-02-01")
    page.locator("#default_quota").fill("30")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#default_quota-error")).to_be_visible()
    axe_check(page)
    page.locator("#default_quota").fill("2")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#ends_on-error")).to_be_visible()
    expect(page.locator("#name")).to_have_value("Extra voorjaar")
    page.locator("#ends_on").fill("2031-06-30")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("tbody tr")).to_have_count(3)

    page.locator("tbody tr a").first.click()
    page.wait_for_url("**/coordinatie/periodes/*")
    axe_check(page)
    page.locator("#ends_on").fill("2000-01-01")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#ends_on-error")).to_be_visible()
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_new_region_page_is_accessible(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto("/coordinatie/regios/nieuw")
    axe_check(page)
    page.locator("#code").fill("JZ01")
    page.locator("#name").fill("Groningen")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#code-error")).to_be_visible()
    axe_check(page)
