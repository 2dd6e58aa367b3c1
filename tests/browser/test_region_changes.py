"""A region changes its request and asks the coordinators a question, in a real browser: by
keyboard from the private status page, with axe on a wide and a narrow screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.requests import services
from ontwikkelbijeenkomsten.requests.models import Request, RequestState

from .keyboard import tab_to, type_into
from .viewports import each_width


def submitted_request(live_server) -> tuple[str, int]:
    """The status token of the demo's request that waits for a decision, and its participants."""
    with live_server.app.app_context():
        found = db.session.scalars(select(Request).where(Request.state == RequestState.SUBMITTED)).first()
        token, expected = services.status_token(found), found.expected_participants
        db.session.remove()
    return token, expected


def fits(page, viewport) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.backends("sqlite")
@each_width
def test_a_region_changes_its_request_and_asks_a_question_by_keyboard(page, axe_check, demo, live_server, viewport):
    page.set_viewport_size(viewport)
    token, expected = submitted_request(live_server)
    page.goto(f"/aanvraag/{token}")
    axe_check(page)

    tab_to(page, "#change-link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/aanvraag/{token}/wijzigen")
    expect(page.locator("#expected_participants")).to_have_value(str(expected))
    axe_check(page)
    fits(page, viewport)

    type_into(page, "#expected_participants", "veel")  # not a number: the error at the field
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#expected_participants-error")).to_be_visible()
    expect(page.locator("#expected_participants")).to_have_value("veel")
    axe_check(page)

    type_into(page, "#expected_participants", "35")
    tab_to(page, "#sectors-3")
    was_checked = page.locator("#sectors-3").is_checked()
    page.keyboard.press("Space")
    assert page.locator("#sectors-3").is_checked() is not was_checked
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/aanvraag/{token}")
    expect(page.locator(".ob-alert").first).to_contain_text("Uw aanvraag is gewijzigd.")
    expect(page.locator(".ob-history")).to_contain_text("U hebt de aanvraag gewijzigd.")

    tab_to(page, "#question")
    page.keyboard.press("Shift+Tab")
    tab_to(page, "#question-title ~ form button[type=submit]")
    page.keyboard.press("Enter")  # nothing typed
    expect(page.locator("#question-error")).to_contain_text("Schrijf eerst uw vraag.")
    axe_check(page)

    type_into(page, "#question", "Kan de bijeenkomst ook bij de gemeente?")
    tab_to(page, "#question-title ~ form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**#history-title")
    expect(page.locator(".ob-history")).to_contain_text("Kan de bijeenkomst ook bij de gemeente?")
    axe_check(page)
    fits(page, viewport)
