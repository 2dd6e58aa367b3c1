"""A request that gets another contact person: the sessions not yet begun go to the new
contact with their calendar invites, and leave the previous contact's calendar (scheduling/hooks.py)."""
from __future__ import annotations

import icalendar
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import services as meetings
from ontwikkelbijeenkomsten.requests import contact_change
from ontwikkelbijeenkomsten.requests.contact_change import Contact

from tests.factories import applicant

from .test_services import book


def test_booked_sessions_move_from_the_old_contacts_calendar_to_the_new_one(plan):
    meeting = book(plan, plan.moments[0]).meeting
    sequence = meeting.sequence
    since = db.session.scalar(select(db.func.max(OutboxMail.id)))
    contact_change.change_contact(plan.request, Contact("Joris Bakker", "joris@example.org", "06 12345678"),
                                  "Andere baan.", plan.coordinator)
    rows = db.session.scalars(select(OutboxMail).where(OutboxMail.id > since).order_by(OutboxMail.id)).all()
    assert [(m.recipient, m.kind, m.calendar_method) for m in rows] == [
        ("joris@example.org", "request_contact_welcome", None), ("ilse@example.org", "request_contact_replaced", None),
        ("joris@example.org", "session_booked", "REQUEST"), ("ilse@example.org", "session_contact_released", "CANCEL")]
    render_pending(rows)
    invite, cancel = (icalendar.Calendar.from_ical(m.calendar).walk("VEVENT")[0] for m in rows[2:])
    assert str(invite["UID"]) == str(cancel["UID"]) == meeting.uid
    assert int(invite["SEQUENCE"]) == int(cancel["SEQUENCE"]) == sequence + 1, "BUG: older invites outrank them"
    assert str(cancel["ATTENDEE"]).lower() == "mailto:ilse@example.org" and str(cancel["STATUS"]) == "CANCELLED"
    assert rows[3].subject == f"Uit uw agenda gehaald: {meeting.title}"
    assert "gaat zonder u door" in rows[3].text_body and "/aanvraag/" not in rows[3].text_body


def test_an_old_contact_who_is_also_a_participant_keeps_the_session(plan):
    meeting = book(plan, plan.moments[0]).meeting
    with unit_of_work():
        meetings.register(meeting, applicant(1, email="ilse@example.org"))
    since = db.session.scalar(select(db.func.max(OutboxMail.id)))
    contact_change.change_contact(plan.request, Contact("Joris Bakker", "joris@example.org", "06 12345678"),
                                  "Andere baan.", plan.coordinator)
    kinds = db.session.scalars(select(OutboxMail.kind).where(OutboxMail.id > since)).all()
    assert "session_contact_released" not in kinds, "BUG: a CANCEL takes away a session she still attends"
