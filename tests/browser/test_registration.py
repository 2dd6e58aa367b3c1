"""Issue 6, done when: a participant finds a training in the agenda, registers, cancels through
the link and sees the place come back; by keyboard only, and axe on every page (the agenda as a
list and as a month, the training with and without errors, the participant's page and the
evaluation with errors)."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.models import (
    Meeting,
    MeetingExpert,
    MeetingKind,
    Registration,
    RegistrationState,
)
from tests import factories
from tests.factories import future_day, make_expert

from .keyboard import check_box, tab_to, type_into

EMAIL = "fatima@example.org"


def seed(live_server) -> SimpleNamespace:
    """An open training of two dagdelen with 5 places, one of them taken by someone who has
    attended an earlier training (for the evaluation page)."""
    with live_server.app.app_context():
        (theme,) = factories.themes(1)
        expert = make_expert("expert@example.org", "Eva Jansen", [theme])
        lead = None
        for week in range(2):
            day = future_day(21 + 7 * week)
            starts, ends = Dagdeel.MIDDAG.bounds(day)
            part = Meeting(kind=MeetingKind.OPEN_TRAINING, title="Samen signaleren en arrangeren",
                           description="Onderwijs en jeugdhulp leren samen.", date=day, dagdeel=Dagdeel.MIDDAG,
                           starts_at=starts, ends_at=ends, location="Stadhuis, Markt 1, Maastricht",
                           capacity=None if lead else 5, themes=[theme], series=lead)
            part.experts.append(MeetingExpert(expert=expert, date=day, dagdeel=Dagdeel.MIDDAG))
            db.session.add(part)
            lead = lead or part
        db.session.commit()
        day = future_day(14)
        starts, ends = Dagdeel.MIDDAG.bounds(day)
        earlier = Meeting(kind=MeetingKind.OPEN_TRAINING, title="Samen signaleren: de basis",
                          description="De eerste stap.", date=day, dagdeel=Dagdeel.MIDDAG, starts_at=starts,
                          ends_at=ends, location="Stadhuis, Markt 1, Maastricht", capacity=None, themes=[theme])
        db.session.add(earlier)
        db.session.commit()
        joris = services.Applicant("Joris Smit", "joris@example.org", Sector.JEUGDHULP, "Wijkteam Noord",
                                   "Jeugdprofessional")
        with unit_of_work():
            services.register(lead, joris)
            other = services.register(earlier, joris)
        other.state = RegistrationState.ATTENDED
        gone = timedelta(days=28)  # the earlier training is over
        earlier.date, earlier.starts_at, earlier.ends_at = day - gone, starts - gone, ends - gone
        db.session.commit()
        found = SimpleNamespace(training_id=lead.id, evaluation_token=links.registration_token(other))
        db.session.remove()
    return found


def press(page, selector: str) -> None:
    """Tab to a link or button and press Enter; it loads another page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def places_left(page) -> int:
    return int(re.search(r"\d+", page.locator("#places-left").inner_text()).group(0))


def registration_state(live_server) -> RegistrationState:
    with live_server.app.app_context():
        state = db.session.scalars(select(Registration.state).where(Registration.email == EMAIL)).one()
        db.session.remove()
    return state


def test_find_register_cancel_and_see_the_place_come_back(page, live_server, axe_check):
    data = seed(live_server)
    detail = f"/agenda/{data.training_id}"

    # the agenda as a list, then as a month
    page.goto("/agenda")
    expect(page.locator(f"#training-{data.training_id}")).to_contain_text("Samen signaleren en arrangeren")
    axe_check(page)
    press(page, "#view-month")
    expect(page.locator("#agenda-month caption")).to_be_visible()
    axe_check(page)
    if page.locator(f'#agenda-month a[href="{detail}"]').count() == 0:  # it is next month
        press(page, "#month-next")
    expect(page.locator(f'#agenda-month a[href="{detail}"]').first).to_be_visible()
    axe_check(page)

    # find the training in the list and open it with the keyboard
    press(page, "#view-list")
    press(page, f'#training-{data.training_id} a[href="{detail}"]')
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samen signaleren en arrangeren")
    expect(page.locator("#sector-mix")).to_be_visible()
    assert places_left(page) == 4
    axe_check(page)

    # sending the empty form: errors at the fields and in the summary
    press(page, "#register-button")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#name-error")).to_be_visible()
    expect(page.locator("#consent-error")).to_be_visible()
    axe_check(page)

    # register with the keyboard only
    type_into(page, "#name", "Fatima el Amrani")
    type_into(page, "#email", EMAIL)
    type_into(page, "#organisation", "Basisschool De Linde")
    tab_to(page, "#sector-0")
    page.keyboard.press("Space")
    expect(page.locator("#sector-0")).to_be_checked()
    type_into(page, "#function", "Intern begeleider")
    check_box(page, "#consent")
    press(page, "#register-button")
    page.wait_for_url("**/aanmelding/*")
    expect(page.locator(".ob-flashes")).to_contain_text(EMAIL)
    expect(page.locator("#cancel-button")).to_be_visible()
    assert registration_state(live_server) is RegistrationState.CONFIRMED
    axe_check(page)
    mine = page.url

    press(page, "#session-link")
    page.wait_for_url(f"**{detail}")
    assert places_left(page) == 3

    # cancel through the private page: the box must be ticked first
    page.goto(mine)
    press(page, "#cancel-button")
    expect(page.locator("#sure-error")).to_be_visible()
    assert registration_state(live_server) is RegistrationState.CONFIRMED
    axe_check(page)
    check_box(page, "#sure")
    press(page, "#cancel-button")
    expect(page.locator("#cancel-button")).to_have_count(0)
    assert registration_state(live_server) is RegistrationState.CANCELLED
    axe_check(page)

    # the place has come back
    press(page, "#session-link")
    page.wait_for_url(f"**{detail}")
    assert places_left(page) == 4

    # the evaluation of someone who attended, sent without a score
    page.goto(f"/aanmelding/{data.evaluation_token}/evaluatie")
    axe_check(page)
    press(page, "#evaluation-button")
    expect(page.locator("#score-error")).to_be_visible()
    axe_check(page)
    tab_to(page, "#score-0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#score-3")).to_be_checked()
    type_into(page, "#went_well", "Samen oefenen met casussen.")
    press(page, "#evaluation-button")
    expect(page.locator("#evaluation-done")).to_be_visible()
