"""Registering a second time with the same address (issue 18, item 5): the notice comes first,
with the focus, instead of a form that looks as if nothing happened; the confirmation can be
sent again from there. By keyboard, with axe, at 1280 and at 390 px."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.models import Meeting

from .keyboard import check_box, tab_to, type_into
from .test_registration import EMAIL, seed


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("width", [1280, 390])
def test_the_same_address_again_gets_the_notice_with_the_focus(page, live_server, axe_check, width):
    data = seed(live_server)
    with live_server.app.app_context():
        with unit_of_work():
            services.register(db.session.get(Meeting, data.training_id), services.Applicant(
                "Fatima el Amrani", EMAIL, Sector.ONDERWIJS, "Basisschool De Linde", "Intern begeleider"))
        db.session.remove()
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"/agenda/{data.training_id}")
    type_into(page, "#name", "Fatima el Amrani")
    type_into(page, "#email", EMAIL.upper())
    type_into(page, "#organisation", "Basisschool De Linde")
    tab_to(page, "#sector-0")
    page.keyboard.press("Space")
    type_into(page, "#function", "Intern begeleider")
    check_box(page, "#consent")
    tab_to(page, "#register-button")
    page.keyboard.press("Enter")

    notice = page.locator("#already-registered")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("Dit e-mailadres is al aangemeld")
    assert notice.bounding_box()["y"] < 400, "the notice is at the top of the page"
    expect(page.locator("#register-button")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    axe_check(page)

    tab_to(page, "#resend")
    page.keyboard.press("Enter")
    expect(page.locator(".ob-flashes")).to_contain_text("opnieuw")
    axe_check(page)
