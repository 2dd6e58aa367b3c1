"""A coordinator e-mails all participants of a training in a real browser: by keyboard from the
session page, preview, send, with axe on a wide and a narrow screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind

from .keyboard import log_in_as_coordinator, tab_to, type_into
from .viewports import each_width


def training_with_people(live_server) -> tuple[int, int]:
    """A demo training to come with people who have a place: its id and how many they are."""
    with live_server.app.app_context():
        found = db.session.scalars(select(Meeting).where(
            Meeting.kind == MeetingKind.OPEN_TRAINING, Meeting.series_id.is_(None), Meeting.confirmed_count > 0,
            Meeting.starts_at > utcnow()).order_by(Meeting.starts_at)).first()
        result = found.id, found.confirmed_count
        db.session.remove()
    return result


def queued(live_server) -> int:
    with live_server.app.app_context():
        count = len(db.session.scalars(select(OutboxMail.id).where(OutboxMail.kind == "participant_message")).all())
        db.session.remove()
    return count


def fits(page, viewport) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.backends("sqlite")
@each_width
def test_mail_all_participants_by_keyboard(page, axe_check, demo, live_server, viewport):
    page.set_viewport_size(viewport)
    meeting_id, people = training_with_people(live_server)
    log_in_as_coordinator(page, demo)
    page.goto(f"/coordinatie/bijeenkomsten/{meeting_id}")
    tab_to(page, "#message-link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/coordinatie/bijeenkomsten/{meeting_id}/bericht")
    axe_check(page)
    fits(page, viewport)

    type_into(page, "#subject", "Andere zaal")
    tab_to(page, "button[value=preview]")
    page.keyboard.press("Enter")  # no text: the error at the field, the subject kept
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#body-error")).to_be_visible()
    expect(page.locator("#subject")).to_have_value("Andere zaal")
    axe_check(page)

    type_into(page, "#body", "We zitten in zaal 2.")
    tab_to(page, "button[value=preview]")
    page.keyboard.press("Enter")
    expect(page.locator("#preview-title")).to_be_focused()
    expect(page.locator("#preview-text")).to_contain_text("We zitten in zaal 2.")
    axe_check(page)
    fits(page, viewport)
    assert queued(live_server) == 0

    tab_to(page, "#send")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/coordinatie/bijeenkomsten/{meeting_id}#messages-title")
    expect(page.locator(".ob-alert").first).to_contain_text("Uw bericht is onderweg")
    expect(page.locator("#sent-messages")).to_contain_text("Andere zaal")
    assert queued(live_server) == people
    axe_check(page)
