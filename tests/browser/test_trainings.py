"""Issue 6, open trainings: a coordinator creates a training of two dagdelen with the keyboard,
after a first try with an error, sees it in the list and opens it again; the region contact
finds the registration link of its meeting on the status page. axe on every page."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.scheduling import services as scheduling
from tests import factories
from tests.factories import future_day, make_expert, submission

from .keyboard import check_box, tab_to, type_date, type_into
from .test_scheduling import COORDINATOR, choose, log_in, press

REGIONAL = (future_day(14), Dagdeel.OCHTEND)
FIRST, SECOND = future_day(30), future_day(37)


def seed(live_server) -> SimpleNamespace:
    """A coordinator, an expert free at the training's dagdelen, and a region whose request has
    one meeting booked (so its status page has a registration link)."""
    with live_server.app.app_context():
        period = factories.period()
        (region,) = factories.regions(1)
        themes = factories.themes(2)
        coordinator = factories.coordinator(COORDINATOR)
        expert = make_expert("expert@example.org", "Eva Jansen", themes)
        for day, dagdeel in [REGIONAL, (FIRST, Dagdeel.MIDDAG), (SECOND, Dagdeel.OCHTEND)]:
            factories.available(expert, day, dagdeel)
        saved = factories.granted_request(
            submission(SimpleNamespace(region=region, themes=themes), dagdelen_wanted=1, moments=[REGIONAL]),
            period, coordinator, 1)
        db.session.commit()
        with unit_of_work():
            meeting = scheduling.book(saved, expert.id, *REGIONAL, coordinator).meeting
        found = SimpleNamespace(token=requests.status_token(saved), meeting_id=meeting.id, expert_id=expert.id,
                                theme_id=themes[0].id)
        db.session.remove()
    return found


def type_time(page, selector: str, value: str) -> None:
    """Type a time like 13:30 into a time input, in the order of its segments (a browser
    that ignores the locale shows hh:mm AM/PM)."""
    hours, minutes = (int(part) for part in value.split(":"))
    tab_to(page, selector)
    page.keyboard.type(f"{hours:02d}{minutes:02d}")
    if page.locator(selector).input_value() != value:
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(f"{hours % 12 or 12:02d}{minutes:02d}{'AM' if hours < 12 else 'PM'}")
    expect(page.locator(selector)).to_have_value(value)


def trainings(live_server) -> list[Meeting]:
    with live_server.app.app_context():
        found = list(db.session.scalars(select(Meeting).where(Meeting.kind == MeetingKind.OPEN_TRAINING)
                                        .order_by(Meeting.starts_at)))
        for meeting in found:
            db.session.expunge(meeting)
        db.session.remove()
    return found


def test_create_a_training_of_two_dagdelen_by_keyboard(page, live_server, axe_check):
    data = seed(live_server)
    log_in(page, COORDINATOR)

    page.goto("/coordinatie/trainingen")
    expect(page.locator("main table")).to_have_count(0)
    axe_check(page)
    press(page, 'main a[href="/coordinatie/trainingen/nieuw"]')
    page.wait_for_url("**/coordinatie/trainingen/nieuw")
    expect(page.locator('input[name="parts-5-date"]')).to_be_attached()
    axe_check(page)

    # sent without a title: the error is in the summary and at the field, and what was typed stays
    type_into(page, "#location", "Stadhuis, Markt 1, Maastricht")
    press(page, 'main form button[type="submit"]')
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#title-error")).to_be_visible()
    expect(page.locator("#location")).to_have_value("Stadhuis, Markt 1, Maastricht")
    axe_check(page)

    type_into(page, "#title", "Samen signaleren")
    type_into(page, "#target_groups", "Intern begeleiders en jeugdprofessionals")
    check_box(page, f'input[name="theme_ids"][value="{data.theme_id}"]')
    type_into(page, "#capacity", "20")
    type_date(page, "#parts-0-date", SECOND)
    choose(page, "#parts-0-dagdeel", "Och", "ochtend")
    type_time(page, "#parts-0-starts", "09:30")
    type_date(page, "#parts-1-date", FIRST)
    choose(page, "#parts-1-dagdeel", "Mid", "middag")
    check_box(page, f'input[name="expert_ids"][value="{data.expert_id}"]')
    press(page, 'main form button[type="submit"]')
    page.wait_for_url("**/coordinatie/trainingen")

    first, second = trainings(live_server)
    assert (first.date, first.dagdeel, first.series_id) == (FIRST, Dagdeel.MIDDAG, None)
    assert (second.date, second.dagdeel, second.series_id) == (SECOND, Dagdeel.OCHTEND, first.id)
    assert first.capacity == 20 and first.location == "Stadhuis, Markt 1, Maastricht"
    row = page.locator(f"#training-{first.id}")
    expect(row).to_contain_text("Samen signaleren")
    expect(row).to_contain_text("09:30")
    expect(row.locator(f'a[href="/coordinatie/bijeenkomsten/{second.id}"]')).to_be_visible()
    expect(page.get_by_role("status")).to_be_visible()
    axe_check(page)

    # open it again from the list: the form is filled in, with the times of both dagdelen
    press(page, f'#training-{first.id} th a')
    page.wait_for_url(f"**/coordinatie/trainingen/{first.id}")
    expect(page.locator("#title")).to_have_value("Samen signaleren")
    expect(page.locator("#parts-1-starts")).to_have_value("09:30")
    axe_check(page)


def test_the_region_finds_the_registration_link_on_its_status_page(page, live_server, axe_check):
    data = seed(live_server)
    page.goto(f"/aanvraag/{data.token}")
    link = page.locator(f"#share-{data.meeting_id}")
    expect(link).to_have_attribute("readonly", "")
    expect(page.locator(f'label[for="share-{data.meeting_id}"]')).to_be_visible()
    url = urlsplit(link.input_value())
    assert url.path.startswith("/bijeenkomst/") and url.scheme in ("http", "https")
    axe_check(page)
    tab_to(page, f"#share-{data.meeting_id}")  # reachable by keyboard, to select and copy

    page.goto(url.path)  # what the people the region invites open
    expect(page.get_by_role("heading", level=1)).to_be_visible()
