"""A participant changes their own details in a real browser: by keyboard from their private
page, an error at the field, then saved; axe on a wide and a narrow screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings.links import registration_token
from ontwikkelbijeenkomsten.meetings.models import Meeting, Registration, RegistrationState

from .keyboard import tab_to, type_into
from .viewports import each_width


def a_registration(live_server) -> str:
    """The private token of a demo participant with a place in a session to come."""
    with live_server.app.app_context():
        found = db.session.scalars(select(Registration).join(Registration.meeting).where(
            Registration.state == RegistrationState.CONFIRMED, Meeting.starts_at > utcnow())).first()
        token = registration_token(found)
        db.session.remove()
    return token


def fits(page, viewport) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.backends("sqlite")
@each_width
def test_a_participant_changes_their_details_by_keyboard(page, axe_check, demo, live_server, viewport):
    page.set_viewport_size(viewport)
    token = a_registration(live_server)
    page.goto(f"/aanmelding/{token}")
    tab_to(page, "#details-link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/aanmelding/{token}/gegevens")
    axe_check(page)
    fits(page, viewport)

    type_into(page, "#name", " ")
    type_into(page, "#needs", "Een rolstoeltoegankelijke zaal")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#name-error")).to_be_visible()
    expect(page.locator("#needs")).to_have_value("Een rolstoeltoegankelijke zaal")
    axe_check(page)

    type_into(page, "#name", "Anna de Vries")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/aanmelding/{token}")
    expect(page.locator(".ob-alert").first).to_contain_text("Uw gegevens zijn opgeslagen.")
    expect(page.locator("main")).to_contain_text("Anna de Vries")
    axe_check(page)
