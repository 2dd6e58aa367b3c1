"""The registration POST reads the training and what the address did there before in one
statement, before the lock (issue 17, item 4). What that statement read decides as the separate
reads did: an address with a place is offered its confirmation again, one that cancelled gets an
invite that outranks its cancellation, a part's address counts at its series' first part, and a
series still gets its mail and an invite per part."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import queries, services
from ontwikkelbijeenkomsten.meetings.links import registration_for_token
from ontwikkelbijeenkomsten.meetings.models import Meeting, RegistrationState
from tests.factories import applicant
from tests.meetings.test_public_pages import FORM, post_form, register_url, registrations
from tests.meetings.test_registration_statements import verbs
from tests.queries import count_queries

ADDRESS = FORM["email"].lower()


def mails() -> list[OutboxMail]:
    db.session.expire_all()
    rows = list(db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == ADDRESS).order_by(OutboxMail.id)))
    render_pending(rows)
    return rows


def invite(row: OutboxMail):
    return Calendar.from_ical(row.calendar).walk("VEVENT")[0]


@pytest.mark.backends("postgresql")
def test_one_statement_reads_everything_before_the_lock(client, training):
    url = register_url(training)
    with count_queries() as statements:
        assert post_form(client, url).status_code == 302
    assert verbs(statements) == ["SELECT", "UPDATE", "INSERT", "INSERT"]


def test_the_same_address_in_other_letters_is_offered_its_confirmation_again(client, training):
    assert post_form(client, register_url(training)).status_code == 302
    again = post_form(client, register_url(training), email=ADDRESS.upper())
    assert again.status_code == 200 and 'name="registration"' in again.get_data(as_text=True)
    assert len(registrations(training)) == 1


def test_an_address_that_cancelled_gets_an_invite_that_outranks_its_cancellation(client, training):
    assert post_form(client, register_url(training)).status_code == 302
    [first] = registrations(training)
    with unit_of_work():
        services.cancel_registration(first)
    assert post_form(client, register_url(training)).status_code == 302
    sent = [(row.calendar_method, int(invite(row)["SEQUENCE"])) for row in mails() if row.calendar]
    [(m1, s1), (m2, s2), (m3, s3)] = sent
    assert (m1, m2, m3) == ("REQUEST", "CANCEL", "REQUEST") and s1 < s2 < s3
    assert [r.state for r in registrations(training)] == [RegistrationState.CANCELLED, RegistrationState.CONFIRMED]


def test_registering_through_a_part_counts_at_the_series_first_part(client, make_training):
    lead = make_training(parts=2)
    part = lead.parts[0]
    assert post_form(client, register_url(part)).status_code == 302
    again = post_form(client, register_url(lead))
    assert again.status_code == 200 and 'name="registration"' in again.get_data(as_text=True)
    [saved] = registrations(lead)
    assert saved.state is RegistrationState.CONFIRMED and not registrations(part)


def test_a_series_gets_its_mail_and_an_invite_per_part(client, make_training):
    lead = make_training(parts=3)
    assert post_form(client, register_url(lead)).status_code == 302
    sent = mails()
    assert [row.kind for row in sent] == ["registration_confirmed", "session_invite", "session_invite"]
    assert len({str(invite(row)["UID"]) for row in sent}) == 3
    assert all(row.calendar_method == "REQUEST" for row in sent)


def test_a_session_moved_while_registering_waited_for_the_lock_is_in_the_invite_as_it_is_now(training):
    """The confirmation is built before the lock; when the UPDATE finds the session moved in the
    meantime (a higher SEQUENCE, another start), the invite is built again from the moved one."""
    lead = db.session.get(Meeting, training.id)
    later, ends = lead.starts_at + timedelta(days=7), lead.ends_at + timedelta(days=7)
    db.session.execute(update(Meeting.__table__).where(Meeting.id == lead.id)  # another transaction's move
                       .values(sequence=lead.sequence + 1, starts_at=later, ends_at=ends,
                               date=lead.date + timedelta(days=7), location="Stadhuis, Zaal 2"))
    with unit_of_work():
        services.register(lead, applicant(1, email=ADDRESS))
    [row] = mails()
    event = invite(row)
    assert int(event["SEQUENCE"]) == lead.sequence
    assert (event["DTSTART"].dt, event["DTEND"].dt, str(event["LOCATION"])) == (later, ends, "Stadhuis, Zaal 2")


def test_a_confirmation_built_before_the_lock_links_to_the_new_registration(client, training):
    """The link is put in after the INSERT; a token carries the second it was made, so the mailed
    link is read back rather than compared with a new one."""
    assert post_form(client, register_url(training)).status_code == 302
    [saved] = registrations(training)
    [row] = mails()
    link = row.context["person"]["link"]
    prefix = absolute_url("meetings.registration", token="-")[:-1]
    assert link.startswith(prefix) and registration_for_token(link.removeprefix(prefix)).id == saved.id
    assert link in row.text_body and link in row.calendar.replace("\r\n ", "")


def test_cancelling_and_registering_again_in_one_transaction_keeps_each_invite_above_the_last(training):
    """The new invite outranks the cancellation made earlier in the same transaction."""
    lead = db.session.get(Meeting, training.id)
    with unit_of_work():
        first = services.register(lead, applicant(1, email=ADDRESS))
        services.cancel_registration(first)
        services.register(lead, applicant(1, email=ADDRESS))
    sent = [(row.calendar_method, int(invite(row)["SEQUENCE"])) for row in mails() if row.calendar]
    [(m1, s1), (m2, s2), (m3, s3)] = sent
    assert (m1, m2, m3) == ("REQUEST", "CANCEL", "REQUEST") and s1 < s2 < s3


def test_what_the_transaction_changed_on_the_training_before_registering_is_kept(training):
    """The UPDATE that takes the place runs after what is pending is written: a raised SEQUENCE
    and a new capacity of the same transaction are neither lost nor overwritten by its RETURNING."""
    db.session.expire_all()
    lead, earlier = queries.meeting_to_register(training.id, ADDRESS)
    before = lead.sequence
    with unit_of_work():
        lead.raise_sequence()
        lead.capacity = 25
        services.register(lead, applicant(1, email=ADDRESS), earlier=earlier)
    db.session.expire_all()
    assert db.session.execute(select(Meeting.sequence, Meeting.capacity).where(Meeting.id == training.id)).one() \
        == (before + 1, 25)
