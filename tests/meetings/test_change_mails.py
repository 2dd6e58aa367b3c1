"""What a participant reads when their session changes (whether they can still cancel when the
change does not suit them), and in the mails after the session."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import changes, services
from ontwikkelbijeenkomsten.meetings.models import Meeting
from tests.factories import applicant


def changed_mails(email: str) -> list[OutboxMail]:
    rows = list(db.session.scalars(select(OutboxMail).where(
        OutboxMail.kind == "session_changed", OutboxMail.recipient == email).order_by(OutboxMail.id)))
    render_pending(rows)
    return rows


def new_times(meeting: Meeting, coordinator, starts: time, ends: time) -> None:
    with unit_of_work():
        changes.change_details(meeting, changes.Details(meeting.title, meeting.description, meeting.location,
                                                        meeting.online_url, starts, ends), coordinator)


def test_a_participant_whose_session_changes_time_may_cancel_if_it_does_not_suit_them(make_training, coordinator):
    """The mail said only "Meer informatie": nothing told a participant who cannot come at the
    new time to give their place to the waiting list."""
    lead = make_training()
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    new_times(lead, coordinator, time(13, 30), time(16, 0))
    [row] = changed_mails(registration.email)
    for body in (row.text_body, row.html_body):
        assert "Komt de wijziging u niet uit? Meld u dan af via de link hieronder" in body
        assert "Uw aanmelding bekijken of afmelden" in body and "Meer informatie" not in body
    [expert_mail] = changed_mails("expert@example.org")
    assert "Komt de wijziging u niet uit" not in expert_mail.text_body


def test_once_the_series_has_begun_a_change_asks_to_reply_instead(make_training, coordinator):
    lead = make_training(parts=2)
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    lead.starts_at, lead.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(hours=1)
    db.session.commit()
    new_times(lead.parts[0], coordinator, time(13, 30), time(16, 0))
    [row] = changed_mails(registration.email)
    for body in (row.text_body, row.html_body):
        assert "Komt de wijziging u niet uit? Laat het ons weten: beantwoord deze e-mail." in body
        assert "afmelden" not in body and "Uw aanmelding bekijken" in body


def test_the_evaluation_and_certificate_mails_do_not_say_the_registration_is_for_every_dagdeel(
        make_training, coordinator):
    """After the series they said "uw aanmelding geldt voor alle dagdelen", also to someone whose
    certificate counts one of the two."""
    lead = make_training(parts=2)
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    now = utcnow()
    for days, part in ((8, lead), (1, lead.parts[0])):
        part.starts_at, part.ends_at = now - timedelta(days=days, hours=3), now - timedelta(days=days)
        part.date = part.starts_at.date()
    db.session.commit()
    with unit_of_work():
        services.mark_attendance(lead, {registration.id}, coordinator)
        services.mark_attendance(lead.parts[0], set(), coordinator)
    rows = list(db.session.scalars(select(OutboxMail).where(
        OutboxMail.recipient == registration.email,
        OutboxMail.kind.in_(["registration_evaluation", "registration_certificate"]))))
    render_pending(rows)
    assert sorted(row.kind for row in rows) == ["registration_certificate", "registration_evaluation"]
    for row in rows:
        for body in (row.text_body, row.html_body):
            assert "Deze training bestaat uit 2 dagdelen:" in body and "geldt voor alle dagdelen" not in body
