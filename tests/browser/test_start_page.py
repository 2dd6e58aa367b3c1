"""The coordinators' start page in a real browser: landing there after login, axe on a wide and a
narrow screen and in print, and a count that leads to its list."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .keyboard import log_in_as_coordinator
from .viewports import NARROW, WIDE


@pytest.mark.backends("sqlite")
def test_land_on_the_start_page_and_follow_a_count(page, demo, axe_check):
    page.set_viewport_size(WIDE)
    log_in_as_coordinator(page, demo)
    page.wait_for_url("**/coordinatie")  # where a coordinator lands
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat vraagt vandaag uw aandacht")
    axe_check(page)
    page.set_viewport_size(NARROW)
    axe_check(page)
    page.emulate_media(media="print")
    axe_check(page)
    page.emulate_media(media="screen")
    page.set_viewport_size(WIDE)

    new_requests = page.locator(".ob-todo__item a", has_text="nieuwe aanvraag")
    expect(new_requests).to_have_text("1 nieuwe aanvraag")  # the demo's submitted request
    new_requests.click()
    page.wait_for_url("**/coordinatie/aanvragen?state=submitted&order=oudste")  # oldest first, to work them in order
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Amsterdam-Amstelland")
