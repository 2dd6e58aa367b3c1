"""Issue 18, problem 9: a session's page for the coordinator in two columns at desktop width, the
details left and the actions (move, another expert, cancel) in a panel beside them; the
participant list likewise, with its forms in the panel and the list below both columns, whole.
One column at 390 px without sideways scroll. The keyboard reaches the actions; axe finds nothing."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind, MeetingState

from .keyboard import log_in_as_coordinator, tab_to, type_into, unfold
from .viewports import NARROW, WIDE
from .workspace import (
    ACTIONS,
    DETAILS,
    box,
    assert_actions_beside_the_details,
    assert_one_column_without_sideways_scroll,
)


def planned_regional_session(live_server) -> int:
    with live_server.app.app_context():
        found = db.session.scalars(select(Meeting.id).where(
            Meeting.kind == MeetingKind.REGIONAL, Meeting.state == MeetingState.PLANNED).order_by(Meeting.id)).first()
        db.session.remove()
    return found


@pytest.mark.backends("sqlite")
def test_the_actions_sit_beside_the_details_and_the_keyboard_reaches_them(page, demo, live_server, axe_check):
    meeting_id = planned_regional_session(live_server)
    page.set_viewport_size(WIDE)
    log_in_as_coordinator(page, demo)
    page.goto(f"/coordinatie/bijeenkomsten/{meeting_id}")
    panel = page.locator(ACTIONS)
    assert_actions_beside_the_details(page)
    expect(panel.get_by_role("heading", level=2, name="Verplaatsen of andere expert")).to_be_visible()
    expect(panel.get_by_role("heading", level=2, name="Annuleren")).to_be_visible()
    axe_check(page)

    # the free dagdelen in the panel fill in the move form, by keyboard
    first_free = panel.locator('a[href*="datum="]').first
    day = first_free.get_attribute("href").split("datum=")[1][:10]
    tab_to(page, f'{ACTIONS} a[href*="datum="]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**datum={day}**")
    expect(page.locator("#move-day")).to_have_value(day)
    tab_to(page, f'{ACTIONS} form[action$="/verplaatsen"] button[type="submit"]')
    axe_check(page)

    page.set_viewport_size(NARROW)
    assert_one_column_without_sideways_scroll(page)
    axe_check(page)

    # cancel from the panel, keyboard only: the reason first
    page.set_viewport_size(WIDE)
    cancel = f'{ACTIONS} form[action$="/annuleren"] button[type="submit"]'
    tab_to(page, cancel)
    page.keyboard.press("Enter")
    expect(page.locator("#cancel-reason-error")).to_be_visible()
    assert_actions_beside_the_details(page)
    axe_check(page)
    type_into(page, "#cancel-reason", "De regio stelt de bijeenkomst uit.")
    tab_to(page, cancel)
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinatie/aanvragen/*")
    expect(page.get_by_role("status")).to_contain_text("De bijeenkomst is geannuleerd.")

    # a cancelled session: the panel says why there is nothing left to do
    page.goto(f"/coordinatie/bijeenkomsten/{meeting_id}")
    expect(page.locator("main form:not([method=get])")).to_have_count(0)
    expect(panel.locator("#closed")).to_be_visible()
    assert_actions_beside_the_details(page)
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_the_participant_lists_forms_sit_beside_it_and_the_list_follows_whole(page, demo, axe_check):
    page.set_viewport_size(WIDE)
    log_in_as_coordinator(page, demo)
    page.goto("/coordinatie/trainingen")  # the demo's training with a waiting list
    page.goto(page.locator('a[href$="/deelnemers"]:has-text("Samen leren: signaleren en arrangeren")').first
              .get_attribute("href"))
    assert_actions_beside_the_details(page)
    # the lists come after both columns, as wide as both together, and nothing in them scrolls
    details, panel, lists = box(page, DETAILS), box(page, ACTIONS), box(page, ".ob-workspace__history")
    assert lists["y"] >= max(details["y"] + details["height"], panel["y"] + panel["height"])
    assert abs(lists["x"] - details["x"]) < 2 and abs(lists["width"] - (panel["x"] + panel["width"] - details["x"])) < 2
    for table in ("#confirmed", "#waiting"):
        assert page.locator(table).evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    axe_check(page)

    # add someone from the panel, by keyboard: the training is full, so the waiting list
    unfold(page, "#add-form")
    axe_check(page)
    type_into(page, "#add-name", "Noor Visser")
    type_into(page, "#add-email", "noor.visser@example.org")
    type_into(page, "#add-organisation", "OBS De Linde")
    tab_to(page, "#add-sector-0")
    page.keyboard.press("Space")
    type_into(page, "#add-function", "Leerkracht")
    tab_to(page, f'{ACTIONS} form[action$="/deelnemers/toevoegen"] button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Noor Visser")
    expect(page.locator("#waiting")).to_contain_text("Noor Visser")
    expect(page.locator("#add-form")).not_to_have_attribute("open", "")
    assert_actions_beside_the_details(page)
    axe_check(page)

    page.set_viewport_size(NARROW)
    assert_one_column_without_sideways_scroll(page)
    assert box(page, ".ob-workspace__history")["y"] >= box(page, ACTIONS)["y"] + box(page, ACTIONS)["height"]
    axe_check(page)
