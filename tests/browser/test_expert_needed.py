"""Issue 18, problem 1 and the answer from the e-mail, in a real browser: the expert declines
from the signed link in "Nieuwe opdracht" (confirmed on its page, by keyboard), the session then
says "Expert nodig", and the coordinator gives it to a replacement from the banner on the
request's page, by keyboard. Axe on every page, at 1280 and 390 px where a person would use both."""
from __future__ import annotations

import re
from types import SimpleNamespace

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.services import find_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import assignments
from ontwikkelbijeenkomsten.meetings.models import Meeting
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.requests.models import Request
from ontwikkelbijeenkomsten.scheduling import services as scheduling
from tests import factories
from tests.factories import make_expert

from .keyboard import tab_to, type_into
from .test_scheduling import COORDINATOR, EXPERT, PREFERRED, log_in, seed
from .viewports import NARROW, WIDE

REPLACEMENT = "piet@example.org"


def booked_with_a_replacement_free(live_server) -> SimpleNamespace:
    """test_scheduling's request granted and booked with Eva Jansen at its first preferred
    moment, and Piet Tweede (the same themes) free at that moment too."""
    data = seed(live_server)
    with live_server.app.app_context():
        request = db.session.get(Request, data.request_id)
        coordinator = find_user(COORDINATOR)
        piet = make_expert(REPLACEMENT, "Piet Tweede", list(request.themes))
        factories.available(piet, *PREFERRED[0])
        db.session.commit()
        with unit_of_work():
            requests.take_into_review(request, coordinator)
            requests.grant(request, 1, coordinator)
        with unit_of_work():
            booked = scheduling.book(request, data.expert_id, *PREFERRED[0], coordinator)
        data.meeting_id, data.title, data.replacement_id = booked.meeting.id, booked.meeting.title, piet.id
        db.session.remove()
    return data


def answer_link(live_server) -> str:
    """The link in the expert's "Nieuwe opdracht" mail, as the outbox holds it."""
    with live_server.app.app_context():
        (mail,) = db.session.scalars(select(OutboxMail).where(
            OutboxMail.recipient == EXPERT, OutboxMail.kind == "session_assigned"))
        render_pending([mail])
        (path,) = set(re.findall(r"https?://[^/\s]+(/opdracht/[^\s<\"]+)", mail.text_body))
        db.session.remove()
    return path


def test_the_expert_declines_from_the_mail_link_and_the_session_needs_an_expert(page, live_server, axe_check):
    data = booked_with_a_replacement_free(live_server)
    path = answer_link(live_server)

    for size in (NARROW, WIDE):
        page.set_viewport_size(size)
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(data.title)
        expect(page.locator("#decline-button")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
        axe_check(page)

    # declining asks for a reason first
    tab_to(page, "#decline-button")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#decline-reason-error")).to_be_visible()
    axe_check(page)
    type_into(page, "#decline-reason", "Ik ben die dag in Groningen.")
    tab_to(page, "#decline-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("U hebt de opdracht geweigerd.")
    expect(page.locator("#decline-button")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Geweigerd")
    axe_check(page)

    # the coordinator sees it on the session's page: "Expert nodig", with the reason
    log_in(page, COORDINATOR)
    page.goto(f"/coordinatie/bijeenkomsten/{data.meeting_id}")
    details = page.locator(".ob-workspace__details dl")
    expect(details).to_contain_text("Expert nodig")
    expect(details).to_contain_text("Ik ben die dag in Groningen.")
    expect(details).not_to_contain_text("Ingepland")
    axe_check(page)


def test_the_coordinator_gives_the_session_to_a_replacement_from_the_banner(page, live_server, axe_check):
    data = booked_with_a_replacement_free(live_server)
    with live_server.app.app_context():
        (assignment,) = db.session.get(Meeting, data.meeting_id).experts
        with unit_of_work():
            assignments.decline(assignment, "Ik ben die dag ziek.", assignment.expert)
        db.session.remove()
    banner = f"#expert-needed-{data.meeting_id}"
    choice, button = f"#replace-{data.meeting_id}-{data.replacement_id}", f"#replace-{data.meeting_id}"

    log_in(page, COORDINATOR)
    page.goto(f"/coordinatie/aanvragen/{data.request_id}")
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)
        expect(page.locator(banner)).to_contain_text("Expert nodig")
        expect(page.locator(banner)).to_contain_text("Eva Jansen heeft deze bijeenkomst geweigerd.")
        expect(page.locator(banner)).to_contain_text("Ik ben die dag ziek.")
        expect(page.locator(choice)).to_be_checked()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
        axe_check(page)

    tab_to(page, choice)
    page.keyboard.press("Space")
    tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/coordinatie/bijeenkomsten/{data.meeting_id}")
    expect(page.get_by_role("status")).to_contain_text("met Piet Tweede")
    details = page.locator(".ob-workspace__details dl")
    expect(details).to_contain_text("Piet Tweede")
    expect(details).not_to_contain_text("Expert nodig")
    axe_check(page)

    page.goto(f"/coordinatie/aanvragen/{data.request_id}")
    expect(page.locator(banner)).to_have_count(0)
    expect(page.locator(f"#session-{data.meeting_id}")).to_contain_text("Piet Tweede")
    axe_check(page)
