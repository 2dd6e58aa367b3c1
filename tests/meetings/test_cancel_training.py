"""Cancelling a whole open training at once: every dagdeel that has not begun is cancelled, and
each person involved gets one mail about the training with the first dagdeel's CANCEL, and a
short mail with the CANCEL of each other dagdeel, instead of a full mail per dagdeel."""
from __future__ import annotations

from datetime import time, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import local_to_utc, today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings import changes, services, trainings
from ontwikkelbijeenkomsten.meetings.models import AssignmentState, MeetingState
from tests.factories import applicant
from tests.meetings.test_trainings import create, edit_url, html_of, part
from tests.scheduling.test_services import EXPERT


def last_mail_id() -> int:
    return db.session.scalar(select(func.max(OutboxMail.id))) or 0


def mails_since(since: int) -> list[OutboxMail]:
    found = list(db.session.scalars(select(OutboxMail).where(OutboxMail.id > since).order_by(OutboxMail.id)))
    render_pending(found)
    return found


def training_with_two_people(plan):
    lead = create(plan, parts=[part(40), part(47), part(54)])
    with unit_of_work():
        for number in (1, 2):
            services.register(lead, applicant(number))
    return lead


def test_every_dagdeel_is_cancelled_with_one_mail_per_person_and_a_cancel_per_dagdeel(plan):
    lead = training_with_two_people(plan)
    since = last_mail_id()
    with unit_of_work():
        cancelled = trainings.cancel_training(lead, "  Te weinig aanmeldingen.  ", plan.coordinator)
    db.session.expire_all()
    parts = lead.all_parts
    assert cancelled == parts and [p.state for p in parts] == [MeetingState.CANCELLED] * 3
    assert [a.state for p in parts for a in p.experts] == [AssignmentState.RELEASED] * 3  # the slots are free
    assert {p.cancel_reason for p in parts} == {"Te weinig aanmeldingen."}

    sent = mails_since(since)
    people = [EXPERT, applicant(1).email, applicant(2).email]
    for email in people:
        theirs = [m for m in sent if m.recipient == email]
        assert [m.kind for m in theirs] == ["session_cancelled", "session_invite", "session_invite"], (
            f"BUG: {email} gets {[m.kind for m in theirs]}: a full mail per dagdeel instead of one about the training")
        events = [icalendar.Calendar.from_ical(m.calendar).walk("VEVENT")[0] for m in theirs]
        assert [(str(e["UID"]), str(e["STATUS"])) for e in events] == [(p.uid, "CANCELLED") for p in parts]
        assert all(m.calendar_method == "CANCEL" for m in theirs)
        assert "Te weinig aanmeldingen." in theirs[0].text_body
        assert "De training hieronder is geannuleerd, met al haar dagdelen." in theirs[0].text_body
        assert "haalt het eerste dagdeel uit uw agenda" in theirs[0].text_body
    assert len(sent) == 3 * len(people)


def test_the_reason_is_required_and_nothing_changes_without_it(plan):
    lead = training_with_two_people(plan)
    since = last_mail_id()
    with pytest.raises(RuleViolation) as caught:
        with unit_of_work():
            trainings.cancel_training(lead, "   ", plan.coordinator)
    assert caught.value.field == "reason"
    db.session.expire_all()
    assert [p.state for p in lead.all_parts] == [MeetingState.PLANNED] * 3 and mails_since(since) == []


def test_a_training_that_has_begun_is_not_cancelled_at_once(plan):
    lead = create(plan)
    yesterday = today_local() - timedelta(days=1)
    lead.date, lead.starts_at = yesterday, local_to_utc(yesterday, time(13))
    lead.ends_at = lead.starts_at + timedelta(hours=3)
    db.session.commit()
    with pytest.raises(RuleViolation) as caught:
        with unit_of_work():
            trainings.cancel_training(lead, "Te laat.", plan.coordinator)
    assert caught.value.field == "meeting"


# ---- the page ----------------------------------------------------------------------------------
def test_the_training_page_cancels_it_and_says_what_happened(coordinator_client, plan):
    lead = training_with_two_people(plan)
    page = html_of(coordinator_client.get(edit_url(lead)))
    assert 'id="cancel-title"' in page and "Alle 3 dagdelen worden in één keer geannuleerd" in page
    response = coordinator_client.post(edit_url(lead) + "/annuleren", data={"cancel-reason": "Zaal niet beschikbaar."})
    assert response.status_code == 302 and response.headers["Location"] == edit_url(lead)
    page = html_of(coordinator_client.get(edit_url(lead)))
    assert "De training is geannuleerd (3 dagdelen)." in page
    assert "Deze training is geannuleerd." in page and 'id="cancel-title"' not in page
    db.session.expire_all()
    assert [p.state for p in lead.all_parts] == [MeetingState.CANCELLED] * 3


def test_an_empty_reason_is_shown_at_its_field_and_keeps_the_page(coordinator_client, plan):
    lead = training_with_two_people(plan)
    response = coordinator_client.post(edit_url(lead) + "/annuleren", data={"cancel-reason": ""})
    html = html_of(response)
    assert response.status_code == 200 and 'id="error-summary"' in html and 'href="#cancel-reason"' in html
    assert 'id="cancel-reason-error"' in html and html.count("<title>Fout:") == 1
    db.session.expire_all()
    assert [p.state for p in lead.all_parts] == [MeetingState.PLANNED] * 3


def test_a_part_of_a_series_or_an_unknown_training_is_not_found(coordinator_client, plan):
    lead = create(plan, parts=[part(40), part(47)])
    second = lead.all_parts[1]
    assert coordinator_client.post(f"/coordinatie/trainingen/{second.id}/annuleren",
                                   data={"cancel-reason": "x"}).status_code == 404
    assert coordinator_client.post("/coordinatie/trainingen/999999/annuleren",
                                   data={"cancel-reason": "x"}).status_code == 404


def test_the_lists_say_a_cancelled_training_is_cancelled_not_how_full_it_is(coordinator_client, plan):
    lead = training_with_two_people(plan)
    with unit_of_work():
        changes.cancel(lead, "Zaal niet beschikbaar.", plan.coordinator)  # the first dagdeel only
    assert "2 van de 20 plaatsen bezet" in html_of(coordinator_client.get("/coordinatie/trainingen"))
    with unit_of_work():
        trainings.cancel_training(lead, "Te weinig aanmeldingen.", plan.coordinator)
    for url in ("/coordinatie/trainingen", f"/bijeenkomsten/{lead.id}/deelnemers",
                f"/coordinatie/bijeenkomsten/{lead.id}"):
        page = html_of(coordinator_client.get(url))
        assert "Geannuleerd; 2 deelnemers hadden een plaats" in page, url
        assert "plaatsen bezet" not in page, f"BUG: {url} shows a cancelled training as filling up"
