"""The region's status page (issue 18, item 8): the step tracker, and the copy button beside the
participants' link, which copies by keyboard and says so in a live region. Without JavaScript the
button stays hidden and the link is selectable text. With axe, at 1280 and at 390 px."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingState
from ontwikkelbijeenkomsten.requests import services

from .keyboard import tab_to
from .test_request_form import browser_without_js  # noqa: F401 (a fixture)


def _token_of_a_request_with_a_session_to_come(live_server) -> str:
    with live_server.app.app_context():
        meeting = db.session.scalars(select(Meeting).where(
            Meeting.request_id.is_not(None), Meeting.state == MeetingState.PLANNED, Meeting.starts_at > datetime.now(timezone.utc),
        ).order_by(Meeting.id)).first()
        token = services.status_token(meeting.request)
        db.session.remove()
    return token


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("width", [1280, 390])
def test_the_copy_button_copies_the_link_and_says_so(page, live_server, axe_check, demo, width):
    token = _token_of_a_request_with_a_session_to_come(live_server)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"/aanvraag/{token}")
    expect(page.locator(".ob-progress [aria-current='step']")).to_have_count(1)
    done = page.locator(".ob-progress__step--done").first  # a check mark drawn beside its text
    assert done.evaluate("el => getComputedStyle(el, '::after').content") == '""'
    button = page.locator("button[data-copy]").first
    expect(button).to_be_visible()
    field = page.locator(f"#{button.get_attribute('data-copy')}")
    tab_to(page, f"button[data-copy='{button.get_attribute('data-copy')}']")
    page.keyboard.press("Enter")
    status = page.locator(f"#{button.get_attribute('data-copy')}-status")
    expect(status).to_have_text("Gekopieerd")
    assert page.evaluate("() => navigator.clipboard.readText()") == field.input_value()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_without_javascript_the_link_stays_selectable_text(browser_without_js, live_server, demo):  # noqa: F811
    token = _token_of_a_request_with_a_session_to_come(live_server)
    page = browser_without_js
    page.goto(f"{live_server.url}/aanvraag/{token}")
    expect(page.locator("button[data-copy]").first).to_be_hidden()
    expect(page.locator(".ob-share__link").first).to_have_attribute("readonly", "")
    expect(page.locator(".ob-share").first).to_contain_text("Selecteer en kopieer de link.")
