"""A participant opens their page after their training was cancelled: it says so at the top,
with the reason and the way to the agenda; axe on a wide and a narrow screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.models import Role, User
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import trainings
from ontwikkelbijeenkomsten.meetings.links import registration_token
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind, Registration, RegistrationState

from .viewports import each_width, fits


def cancelled_registration(live_server) -> str:
    """The token of a demo participant with a place in an open training to come, cancelled now."""
    with live_server.app.app_context():
        found = db.session.scalars(select(Registration).join(Registration.meeting).where(
            Registration.state == RegistrationState.CONFIRMED, Meeting.kind == MeetingKind.OPEN_TRAINING,
            Meeting.starts_at > utcnow())).first()
        coordinator = db.session.scalars(select(User).where(User.role == Role.COORDINATOR)).first()
        with unit_of_work():
            trainings.cancel_training(found.meeting, "De zaal is niet beschikbaar.", coordinator)
        token = registration_token(found)
        db.session.remove()
    return token


@pytest.mark.backends("sqlite")
@each_width
def test_the_page_of_a_cancelled_training_says_so_first(page, axe_check, demo, live_server, viewport):
    page.set_viewport_size(viewport)
    token = cancelled_registration(live_server)
    page.goto(f"/aanmelding/{token}")
    status = page.locator(".ob-status")
    expect(status).to_contain_text("Bijeenkomst geannuleerd")
    expect(status).to_contain_text("Reden: De zaal is niet beschikbaar.")
    expect(page.locator("#other-trainings")).to_be_visible()
    expect(page.locator("#register-number-title")).to_have_count(0)
    axe_check(page)
    fits(page)
