"""The request form in a real browser: keyboard only, WCAG 2.1 A/AA by axe, then the private
status page and withdrawing the request.

Everything a person does here is done with the keyboard: Tab to move, typing, Space for
checkboxes and radio buttons, arrow keys inside a radio group or a list, Enter to send.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.requests.models import Request, RequestState

from .keyboard import check_box, tab_to, type_date, type_into


def choose_radio(page, group: str, index: int) -> None:
    """Tab into a radio group (the focus lands on its first option) and arrow to option `index`."""
    tab_to(page, f"#{group}-0")
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{group}-{index}")).to_be_checked()


def press_the_send_button(page) -> None:
    tab_to(page, "form.ob-request-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def demo_region_with_a_grant(live_server):
    """The demo region whose request was granted: it has fewer than all its dagdelen left."""
    with live_server.app.app_context():
        granted = db.session.scalars(select(Request).where(Request.state == RequestState.GRANTED)).first()
        [region] = quota.statuses(granted.period, granted.region_id)
        db.session.remove()
    assert region.remaining < region.quota
    return region


def moment_day(weeks: int) -> date:
    """A Tuesday some weeks ahead, inside the demo's programme period."""
    today = today_local()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7 * weeks)


@pytest.mark.backends("sqlite")
def test_a_region_requests_follows_and_withdraws_with_the_keyboard_only(page, axe_check, demo, live_server):
    region = demo_region_with_a_grant(live_server)

    # The empty form.
    page.goto("/aanvragen")
    expect(page.get_by_role("heading", name="Dagdelen aanvragen", level=1)).to_be_visible()
    axe_check(page)

    # Send it empty: the error summary gets the focus and lists the problems.
    press_the_send_button(page)
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary a").count() >= 10
    axe_check(page)

    # The first link in the summary takes the focus to the region list.
    tab_to(page, "#error-summary a[href='#region_id']")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#region_id"

    # Fill in the form from the top. The search box narrows the regions; one match is chosen.
    page.keyboard.press("Shift+Tab")  # back to just before the search box, whatever had focus
    seen: list[str] = []
    tab_to(page, "#region-filter", seen)
    page.keyboard.type(region.name.lower())
    expect(page.locator("#region_id")).to_have_value(str(region.id))
    expect(page.locator("#region-remaining")).to_contain_text(
        f"Uw regio heeft in deze periode nog {region.remaining} van de {region.quota} dagdelen"
    )

    type_into(page, "#organisation_name", "Samenwerkingsverband Zuid-Limburg")
    choose_radio(page, "organisation_type", 1)  # samenwerkingsverband VO
    type_into(page, "#participating_organisations", "Gemeente Maastricht, wijkteams")
    type_into(page, "#contact_name", "Ilse Claessens")
    type_into(page, "#contact_email", "ilse@example.org")
    type_into(page, "#contact_phone", "06 12345678")
    type_into(page, "#contact_function", "Beleidsadviseur")
    check_box(page, "#theme_ids-0")
    check_box(page, "#theme_ids-2")
    choose_radio(page, "dagdelen_wanted", 1)  # 2 dagdelen
    type_date(page, "#moments-0-date", moment_day(3))
    tab_to(page, "#moments-0-dagdeel")
    page.keyboard.press("ArrowDown")  # from "Kies een dagdeel" to the morning
    expect(page.locator("#moments-0-dagdeel")).to_have_value("ochtend")
    type_date(page, "#moments-1-date", moment_day(4))
    tab_to(page, "#moments-1-dagdeel")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#moments-1-dagdeel")).to_have_value("middag")
    type_into(page, "#expected_participants", "25")
    check_box(page, "#sectors-0")
    check_box(page, "#sectors-1")
    type_into(page, "#goal", "Samen signaleren en arrangeren: één route voor school en wijkteam.")
    choose_radio(page, "location_kind", 0)
    type_into(page, "#location", "Stadhuis Maastricht, zaal 2")
    check_box(page, "#consent")
    tab_to(page, "form.ob-request-form button[type=submit]", seen)
    assert "website" not in seen, "the honeypot field can be reached with the Tab key"
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    # The confirmation.
    expect(page.get_by_role("heading", name="Uw aanvraag is verstuurd", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("ilse@example.org")
    axe_check(page)
    with live_server.app.app_context():
        saved = db.session.scalars(select(Request).where(Request.contact_email == "ilse@example.org")).one()
        assert saved.state is RequestState.SUBMITTED and saved.dagdelen_wanted == 2
        assert len(saved.preferred_moments) == 2 and len(saved.themes) == 2
        recipients = set(db.session.scalars(select(OutboxMail.recipient)))
        assert "ilse@example.org" in recipients
        request_id = saved.id
        db.session.remove()

    # The private status page, through the link on the confirmation.
    tab_to(page, "main a[href^='/aanvraag/']")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Uw aanvraag", level=1)).to_be_visible()
    expect(page.locator("#status-title")).to_contain_text("Ingediend")
    expect(page.locator("main")).to_contain_text("Samenwerkingsverband Zuid-Limburg")
    axe_check(page)

    # Withdraw: first the question, then the answer.
    tab_to(page, "main a[href$='/intrekken']")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Uw aanvraag intrekken?", level=1)).to_be_visible()
    axe_check(page)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".ob-flashes")).to_contain_text("Uw aanvraag is ingetrokken")
    expect(page.locator("#status-title")).to_contain_text("Ingetrokken")
    expect(page.locator("main a[href$='/intrekken']")).to_have_count(0)
    axe_check(page)
    with live_server.app.app_context():
        assert db.session.get(Request, request_id).state is RequestState.WITHDRAWN
        db.session.remove()


@pytest.mark.backends("sqlite")
def test_the_status_page_of_a_scheduled_request_has_no_wcag_violations(page, axe_check, demo, live_server):
    from ontwikkelbijeenkomsten.requests import services

    with live_server.app.app_context():
        scheduled = db.session.scalars(select(Request).where(Request.state == RequestState.SCHEDULED)).first()
        token = services.status_token(scheduled)
        db.session.remove()
    page.goto(f"/aanvraag/{token}")
    expect(page.get_by_role("heading", name="Uw bijeenkomsten")).to_be_visible()
    axe_check(page)


@pytest.mark.browser
@pytest.mark.backends("sqlite")
def test_the_form_works_without_javascript(browser_without_js, live_server, demo):
    region = demo_region_with_a_grant(live_server)
    page = browser_without_js
    page.goto(f"{live_server.url}/aanvragen")
    expect(page.locator("#region-filter")).to_have_count(0)
    option = page.locator(f"#region_id option[value='{region.id}']")
    expect(option).to_have_text(f"{region.name} (nog {region.remaining} van {region.quota})")
    page.locator("#region_id").select_option(str(region.id))
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.locator("#region-remaining")).to_contain_text(
        f"Uw regio heeft in deze periode nog {region.remaining} van de {region.quota} dagdelen"
    )


@pytest.fixture
def browser_without_js(_browser):
    context = _browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
