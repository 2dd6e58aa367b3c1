"""A private link works for as long as what it points to exists, and is a 404 once that is removed
(as the retention rules will): the participant's page, its evaluation and calendar file, and a
regional session's registration page. The request's status link: tests/requests/test_public_pages.py."""
from __future__ import annotations

from sqlalchemy import delete

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.models import Meeting, Registration
from tests.factories import applicant

from .test_public_pages import regional_meeting


def remove(model, row_id: int) -> None:
    db.session.execute(delete(model).where(model.id == row_id))
    db.session.commit()
    db.session.expire_all()


def test_the_participants_links_end_with_the_registration(client, training):
    with unit_of_work():
        registration = services.register(training, applicant(1))
    token = links.registration_token(registration)
    pages = [f"/aanmelding/{token}", f"/aanmelding/{token}/evaluatie", f"/aanmelding/{token}/agenda.ics"]
    assert [client.get(page).status_code for page in pages] == [200, 200, 200]

    remove(Registration, registration.id)
    assert [client.get(page).status_code for page in pages] == [404, 404, 404]
    assert client.post(f"/aanmelding/{token}/afmelden", data={"sure": "y"}).status_code == 404
    assert client.post(f"/aanmelding/{token}/evaluatie", data={"score": "5"}).status_code == 404


def test_a_regional_meetings_link_ends_with_the_meeting(client, plan):
    meeting = regional_meeting(plan)
    page = "/bijeenkomst/" + links.meeting_token(meeting)
    assert client.get(page).status_code == 200

    remove(Meeting, meeting.id)
    assert client.get(page).status_code == 404
    assert client.post(page, data={"name": "Fatima"}).status_code == 404
