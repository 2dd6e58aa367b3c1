"""Issue 16, item 4: a coordinator holds places per sector on a training's participant list by
keyboard (first with too many places: the error at its field, the numbers kept), sees them used,
and the training's page says in its registration block what is left per sector, at 1280 and
390 px without sideways scrolling. axe on each page."""
from __future__ import annotations

from playwright.sync_api import expect

from ontwikkelbijeenkomsten.core.extensions import db
from tests import factories

from .keyboard import type_into, unfold
from .test_registration import seed
from .test_scheduling import log_in, press
from .viewports import NARROW, WIDE

COORDINATOR = "coordinator@example.org"


def test_places_held_per_sector_from_the_list_to_the_training_page(page, live_server, axe_check):
    data = seed(live_server)  # 5 places, one taken by someone from jeugdhulp
    with live_server.app.app_context():
        factories.period()
        factories.coordinator(COORDINATOR)
        db.session.commit()
        db.session.remove()
    log_in(page, COORDINATOR)
    page.goto(f"/bijeenkomsten/{data.training_id}/deelnemers")

    unfold(page, "#places-form")  # in the panel beside the details, folded
    type_into(page, "#places-onderwijs", "4")
    type_into(page, "#places-jeugdhulp", "3")
    press(page, 'form[action$="/plaatsen-per-sector"] button[type="submit"]')
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#places-onderwijs-error")).to_contain_text("hoogstens 5 plaatsen")
    expect(page.locator("#places-onderwijs")).to_have_value("4")
    expect(page.locator("#places-jeugdhulp")).to_have_value("3")
    expect(page.locator("#places-form")).to_have_attribute("open", "")  # sent with an error: open
    axe_check(page)

    type_into(page, "#places-onderwijs", "2")
    press(page, 'form[action$="/plaatsen-per-sector"] button[type="submit"]')
    expect(page.get_by_role("status")).to_contain_text("De plaatsen per sector zijn opgeslagen")
    expect(page.locator("#held-places")).to_contain_text("Onderwijs: 0 van 2 vastgehouden plaatsen gebruikt")
    expect(page.locator("#held-places")).to_contain_text("Jeugdhulp: 1 van 3 vastgehouden plaatsen gebruikt")
    axe_check(page)

    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        page.goto(f"/agenda/{data.training_id}")
        held = page.locator("#signup #held-places")
        expect(page.locator("#signup-title")).to_have_text("Aanmelden – nog 4 plaatsen")
        expect(held).to_contain_text("Nog 2 plaatsen voor onderwijs")
        expect(held).to_contain_text("Nog 2 plaatsen voor jeugdhulp")
        expect(held).not_to_contain_text("alle sectoren")  # nothing is left for the other sectors
        until = page.locator("#held-until")
        expect(until).to_contain_text("De overige plaatsen zijn tot ")
        expect(until).to_contain_text(" vastgehouden voor onderwijs en jeugdhulp. Daarna zijn ze open voor iedereen.")
        expect(until).to_contain_text("Andere sectoren kunnen zich tot dan aanmelden voor de wachtlijst.")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
        axe_check(page)
