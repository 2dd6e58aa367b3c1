"""The expert's own pages at 1280 px and at 390 px, with axe and by keyboard only: Mijn opdrachten
with a series, a cancelled training and sessions to answer, and the weekly pattern form of Mijn
beschikbaarheid. A refused form puts the focus on the error summary, whose link takes it to the
field, and no page scrolls sideways."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.services import find_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import trainings
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert

from .keyboard import submit_refused, tab_to, type_date, unfold
from .test_availability import log_in_as_expert
from .viewports import NARROW, WIDE, fits

EXPERT_EMAIL = "m.jansen@example.org"  # the demo's expert of the series and of a training
TRAINING = "Samen leren: signaleren en arrangeren voor onderwijs en jeugdhulp"
SERIES = "Leergang doorgaande lijnen: van voorschool tot mbo"


@pytest.mark.backends("sqlite")
def test_my_assignments_with_a_series_a_cancelled_training_and_one_to_answer(page, demo, axe_check):
    with unit_of_work():
        training = db.session.scalar(select(Meeting).where(Meeting.title == TRAINING))
        trainings.cancel_training(training, "De zaal is niet beschikbaar.", find_user(demo.DEMO_COORDINATOR_EMAIL))
    expert = find_user(EXPERT_EMAIL)
    expert_id = expert.id
    first, second = db.session.scalars(
        select(MeetingExpert.id).join(Meeting, MeetingExpert.meeting_id == Meeting.id)
        .where(MeetingExpert.expert_id == expert_id, Meeting.title == SERIES).order_by(Meeting.starts_at)
    ).all()[:2]
    db.session.commit()  # end the read: on SQLite it would hold up the server's writes
    log_in_as_expert(page, demo)

    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        page.goto(f"/experts/{expert_id}/opdrachten")
        expect(page.locator("#closed-title")).to_be_visible()
        expect(page.locator('section[aria-labelledby="closed-title"]')).to_contain_text(TRAINING)
        expect(page.locator(f"#assignment-{second}")).to_contain_text("dagdeel 2 van 3")
        axe_check(page)
        fits(page)
        # decline without a reason
        card = f"#assignment-{second}"
        unfold(page, f"{card} details")
        submit_refused(page, f"{card} form[action$='/afwijzen'] button", f"#decline-{second}-reason")
        expect(page.locator(f"#decline-{second}-reason-error")).to_be_visible()
        axe_check(page)
        fits(page)

    # accept the first dagdeel of the series; the second stays to answer
    tab_to(page, f"#assignment-{first} form[action$='/accepteren'] button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("U hebt de opdracht")
    expect(page.locator(f"#assignment-{second} form[action$='/accepteren'] button")).to_be_visible()
    axe_check(page)
    fits(page)


@pytest.mark.backends("sqlite")
def test_the_weekly_pattern_form_refused_and_corrected_by_keyboard(page, demo, axe_check):
    user_id = find_user(EXPERT_EMAIL).id
    db.session.commit()
    log_in_as_expert(page, demo)
    start = today_local() + timedelta(days=120)  # after the demo's availability
    save = 'form[action*="/beschikbaarheid/regel"] button[type=submit]'
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        page.goto(f"/experts/{user_id}/beschikbaarheid?maand={start:%Y-%m}")
        axe_check(page)
        fits(page)
        submit_refused(page, save, "#rule-end")  # only the start, which is filled in with today
        expect(page.locator("#rule-weekdays-error")).to_be_visible()
        axe_check(page)
        fits(page)
    type_date(page, "#rule-start", start)
    type_date(page, "#rule-end", start + timedelta(days=27))
    tab_to(page, "#error-summary a[href='#rule-weekdays-0']")
    page.keyboard.press("Enter")
    expect(page.locator("#rule-weekdays-0")).to_be_focused()
    page.keyboard.press("Tab")  # Tuesday
    page.keyboard.press("Space")
    expect(page.locator("#rule-weekdays-1")).to_be_checked()
    tab_to(page, "#rule-dagdelen-2")
    page.keyboard.press("Space")
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.locator(".ob-alert")).to_contain_text("Weekpatroon opgeslagen: elke dinsdag, avond")
    axe_check(page)
    fits(page)
