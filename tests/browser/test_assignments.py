"""An expert declines an assignment in a real browser, with the keyboard only, and axe checks each step."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.services import find_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    MeetingExpert,
    MeetingKind,
)

from ontwikkelbijeenkomsten.meetings import assignments
from ontwikkelbijeenkomsten.meetings.links import answer_token

from .keyboard import tab_to, type_into

EXPERT_EMAIL = "a.elamrani@example.org"


def test_an_expert_declines_the_regional_meeting_with_the_keyboard(page, demo, axe_check):
    expert = find_user(EXPERT_EMAIL)
    item = db.session.scalar(select(MeetingExpert).where(MeetingExpert.expert_id == expert.id))
    assert item.meeting.kind is MeetingKind.REGIONAL
    expert_id, item_id = expert.id, item.id
    title, location, organisation = item.meeting.title, item.meeting.location, item.meeting.request.organisation_name
    earlier = set(db.session.scalars(select(OutboxMail.id)))  # the demo's own mails
    db.session.rollback()  # SQLite: an open transaction here would hold the server's writes back
    card, reason = f"#assignment-{item_id}", f"#decline-{item_id}-reason"
    button = f"{card} form[action$='/afwijzen'] button"

    page.goto("/inloggen")
    type_into(page, "#email", EXPERT_EMAIL)
    type_into(page, "#password", demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".ob-nav__logout")).to_be_visible()

    page.goto(f"/experts/{expert_id}/opdrachten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn opdrachten")
    expect(page.locator(f"{card} h3")).to_have_text(title)
    expect(page.locator(card)).to_contain_text(location)
    expect(page.locator(card)).to_contain_text(organisation)
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/agenda/[\w-]{43}\.ics$"))
    axe_check(page)

    # open the decline form and send it empty: the reason is required
    tab_to(page, f"{card} summary")
    page.keyboard.press("Enter")
    expect(page.locator(reason)).to_be_visible()
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator(f"#error-summary a[href='{reason}']")).to_be_visible()
    expect(page.locator(reason)).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"{reason}-error")).to_contain_text("Geef de reden waarom u weigert.")
    axe_check(page)

    type_into(page, reason, "Ik geef die dag een training in Groningen.")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("U hebt de opdracht geweigerd.")
    expect(page.locator(reason)).to_have_count(0)
    axe_check(page)

    assert db.session.get(MeetingExpert, item_id).state is AssignmentState.DECLINED
    # the coordinator hears why; the expert's calendar gets a CANCEL
    assert sorted(db.session.scalars(select(OutboxMail.recipient).where(OutboxMail.id.not_in(earlier)))) == sorted(
        [demo.DEMO_COORDINATOR_EMAIL, EXPERT_EMAIL])


def test_an_expert_accepts_from_the_mail_link_with_the_keyboard(page, demo, axe_check):
    """The link in "Nieuwe opdracht" leads to a page that asks to confirm; no login needed."""
    expert = find_user(EXPERT_EMAIL)
    item = next(row.assignment for row in assignments.assignments(expert) if row.can_accept)
    item_id, title, path = item.id, item.meeting.title, f"/opdracht/{answer_token([item])}"
    db.session.rollback()

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        axe_check(page)
    tab_to(page, "#accept-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("U hebt de opdracht")
    expect(page.locator("#accept-button")).to_have_count(0)
    axe_check(page)
    assert db.session.get(MeetingExpert, item_id).state is AssignmentState.ACCEPTED
