"""The coordinator's newer forms in a real browser, at 1280 px and at 390 px: the themes, a
request's "Contactpersoon wijzigen" and "Minder dagdelen toekennen", a training's "Training
annuleren" and the privacy page's deleting of an expert's address. Each with axe, by keyboard
only: a refused form puts the focus on the error summary, whose link takes it to the field, and
no page scrolls sideways."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.services import find_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.experts import services as experts
from ontwikkelbijeenkomsten.meetings.models import Meeting
from ontwikkelbijeenkomsten.requests.models import Request, RequestState
from tests.factories import make_expert

from .keyboard import check_box, log_in_as_coordinator, submit_refused, tab_to, type_into
from .viewports import NARROW, WIDE, fits

WIDTHS = (WIDE, NARROW)


def _settled(value):
    db.session.commit()  # end the read: on SQLite it would hold up the server's writes
    return value


@pytest.mark.backends("sqlite")
def test_themes_are_added_and_no_longer_offered_by_keyboard(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    add = 'section[aria-labelledby="new-theme-heading"] button[type=submit]'
    for size, name in zip(WIDTHS, ("Thuiszitters in beeld", "Schoolverzuim")):
        page.set_viewport_size(size)
        page.goto("/coordinatie/themas")
        axe_check(page)
        fits(page)
        submit_refused(page, add, "#name")  # no name
        expect(page.locator("#name-error")).to_be_visible()
        axe_check(page)
        fits(page)
        page.keyboard.type(name)
        tab_to(page, add)
        page.keyboard.press("Enter")
        expect(page.locator("#themes")).to_contain_text(name)

    # the edit page, with the box "Dit thema aanbieden"
    edit = page.locator('#themes tr:has-text("Schoolverzuim") a').get_attribute("href")
    tab_to(page, f'#themes a[href="{edit}"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/themas/*")
    save = "main form button[type=submit]"
    for size in WIDTHS:
        page.set_viewport_size(size)
        expect(page.locator("#offered")).to_be_checked()
        axe_check(page)
        fits(page)
        type_into(page, "#name", " ")
        submit_refused(page, save, "#name")
        axe_check(page)
        fits(page)
    type_into(page, "#name", "Schoolverzuim en thuiszitten")
    tab_to(page, "#offered")
    page.keyboard.press("Space")
    expect(page.locator("#offered")).not_to_be_checked()
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.locator('#themes tr:has-text("Schoolverzuim en thuiszitten")')).to_contain_text("niet meer")
    axe_check(page)
    fits(page)


@pytest.mark.backends("sqlite")
def test_a_granted_requests_contact_person_and_fewer_dagdelen_by_keyboard(page, demo, axe_check):
    request_id = _settled(db.session.scalar(select(Request.id).where(Request.state == RequestState.GRANTED)))
    log_in_as_coordinator(page, demo)
    contact = 'form[action$="/contactpersoon"] button[type=submit]'
    lower = 'form[action$="/minder-dagdelen"] button[type=submit]'
    for size in WIDTHS:
        page.set_viewport_size(size)
        page.goto(f"/coordinatie/aanvragen/{request_id}")
        axe_check(page)
        fits(page)
        submit_refused(page, contact, "#contact-contact_name")
        expect(page.locator("#contact-contact_email-error")).to_be_visible()
        axe_check(page)
        fits(page)
        submit_refused(page, lower, "#lower-reason")
        expect(page.locator("#lower-dagdelen")).to_have_value("1")
        axe_check(page)
        fits(page)

    type_into(page, "#contact-contact_name", "Noor Willems")
    type_into(page, "#contact-contact_email", "n.willems@example.org")
    type_into(page, "#contact-contact_phone", "06 87654321")
    type_into(page, "#contact-note", "Ilse is met verlof; Noor neemt het over.")
    tab_to(page, contact)
    page.keyboard.press("Enter")
    expect(page.locator(".ob-alert").first).to_contain_text("Noor Willems is nu de contactpersoon")
    type_into(page, "#lower-reason", "De tweede bijeenkomst gaat niet door.")
    tab_to(page, lower)
    page.keyboard.press("Enter")
    expect(page.locator("#booked-count")).to_contain_text("van 1 dagdeel")
    axe_check(page)
    fits(page)


@pytest.mark.backends("sqlite")
def test_a_training_is_cancelled_by_keyboard(page, demo, axe_check):
    training_id = _settled(db.session.scalar(
        select(Meeting.id).where(Meeting.title == "Samen in de klas: passend onderwijs en jeugdhulp")))
    log_in_as_coordinator(page, demo)
    cancel = 'form[action$="/annuleren"] button[type=submit]'
    for size in WIDTHS:
        page.set_viewport_size(size)
        page.goto(f"/coordinatie/trainingen/{training_id}")
        expect(page.locator("#cancel-title")).to_have_text("Training annuleren")
        axe_check(page)
        fits(page)
        submit_refused(page, cancel, "#cancel-reason")
        expect(page.locator("#cancel-reason-error")).to_be_visible()
        axe_check(page)
        fits(page)
    page.keyboard.type("De zaal is niet beschikbaar.")
    tab_to(page, cancel)
    page.keyboard.press("Enter")
    expect(page.locator(".ob-alert").first).to_contain_text("geannuleerd")
    axe_check(page)
    fits(page)


@pytest.mark.backends("sqlite")
def test_the_privacy_page_deletes_a_closed_experts_address_and_refuses_an_active_one(page, demo, axe_check):
    closed = "gesloten.expert@example.org"
    with unit_of_work():
        expert = make_expert(closed, "Gea Gesloten", [])
        experts.deactivate(expert, find_user(demo.DEMO_COORDINATOR_EMAIL))
    db.session.remove()
    log_in_as_coordinator(page, demo)
    look_up = 'form[action="/coordinatie/privacy"] button[type=submit]'
    delete = 'form[action$="/wissen"] button[type=submit]'
    for size in WIDTHS:
        page.set_viewport_size(size)
        page.goto("/coordinatie/privacy")
        type_into(page, "#email", "m.jansen@example.org")  # an active expert
        tab_to(page, look_up)
        page.keyboard.press("Enter")
        expect(page.locator("#account-refusals")).to_be_visible()
        expect(page.locator(delete)).to_have_count(0)
        axe_check(page)
        fits(page)

        type_into(page, "#email", closed)
        tab_to(page, look_up)
        page.keyboard.press("Enter")
        expect(page.locator("#found-counts")).to_be_visible()
        axe_check(page)
        fits(page)
        submit_refused(page, delete, "#sure")  # without ticking the box
        axe_check(page)
        fits(page)
    page.keyboard.press("Space")
    expect(page.locator("#sure")).to_be_checked()
    tab_to(page, delete)
    page.keyboard.press("Enter")
    expect(page.locator(".ob-alert[role=status]")).to_contain_text("geanonimiseerd")
    axe_check(page)
    fits(page)
