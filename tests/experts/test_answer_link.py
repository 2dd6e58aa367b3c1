"""Accepting or declining an assignment from the e-mail: "Nieuwe opdracht" carries a signed
link to a page that shows the session(s) and asks to confirm; opening it changes nothing, the
buttons answer for the expert without a login, and a tampered link is a 404."""
from __future__ import annotations

import re
from datetime import timedelta

import icalendar

from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.mail.services import render_pending
from ontwikkelbijeenkomsten.meetings.models import AssignmentState, MeetingState
from ontwikkelbijeenkomsten.scheduling import services as scheduling
from tests.meetings.test_trainings import create, part
from tests.scheduling.test_services import EXPERT, book


def answer_path(email: str = EXPERT) -> str:
    rows = list(db.session.scalars(select(OutboxMail).where(
        OutboxMail.recipient == email, OutboxMail.kind == "session_assigned").order_by(OutboxMail.id)))
    render_pending(rows)
    (path,) = set(re.findall(r"https?://[^/\s]+(/opdracht/[^\s<\"]+)", rows[-1].text_body))
    assert path in rows[-1].html_body
    return path


def states(meetings) -> list[AssignmentState]:
    db.session.expire_all()
    return [a.state for m in meetings for a in m.experts]


def test_the_mail_link_accepts_after_confirming(plan, client):
    meeting = book(plan).meeting
    path = answer_path()
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert 'id="accept-button"' in html and 'id="decline-button"' in html and meeting.title in html
    assert states([meeting]) == [AssignmentState.ASSIGNED]  # opening the link changes nothing

    assert client.post(path + "/accepteren").status_code == 302
    assert states([meeting]) == [AssignmentState.ACCEPTED]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.accepted"))
    assert event.actor_id == plan.expert.id
    html = client.get(path).get_data(as_text=True)
    assert 'id="accept-button"' not in html and 'id="decline-button"' in html  # an accepted one can be declined


def test_the_mail_link_declines_a_whole_series_with_a_reason(plan, client):
    lead = create(plan, parts=[part(40), part(47)])
    path = answer_path()
    html = client.post(path + "/afzeggen", data={"decline-reason": ""}).get_data(as_text=True)
    assert 'id="decline-reason-error"' in html  # the reason is required, said at the field
    assert client.post(path + "/afzeggen", data={"decline-reason": "Ik ben dan op vakantie."}).status_code == 302
    assert states(lead.all_parts) == [AssignmentState.DECLINED, AssignmentState.DECLINED]
    assert [p.state for p in lead.all_parts] == [MeetingState.EXPERT_NEEDED] * 2
    html = client.get(path).get_data(as_text=True)
    assert 'id="closed"' in html and "Ik ben dan op vakantie." not in html


def test_accepting_a_series_from_the_mail_confirms_every_dagdeel_in_the_calendar(plan, client):
    """One mail about the series with the first dagdeel's invite, then a short mail with each
    other dagdeel's invite, all CONFIRMED: the TENTATIVE ones the expert holds are replaced."""
    lead = create(plan, parts=[part(40), part(47)])
    path = answer_path()
    since = db.session.scalar(select(func.max(OutboxMail.id)))
    assert client.post(path + "/accepteren").status_code == 302
    mails = list(db.session.scalars(select(OutboxMail).where(OutboxMail.id > since).order_by(OutboxMail.id)))
    render_pending(mails)
    assert [m.kind for m in mails] == ["session_accepted", "session_invite"]
    events = [icalendar.Calendar.from_ical(m.calendar).walk("VEVENT")[0] for m in mails]
    assert [(str(e["UID"]), str(e["STATUS"])) for e in events] == [(p.uid, "CONFIRMED") for p in lead.all_parts]
    assert "elk ander dagdeel" in mails[0].text_body.lower()
    assert "agenda-uitnodiging gestuurd" in client.get(path).get_data(as_text=True)


def test_a_tampered_or_foreign_link_is_a_404(plan, client):
    book(plan)
    path = answer_path()
    assert client.get(path + "x").status_code == 404
    assert client.post(path + "x/accepteren").status_code == 404
    assert client.get("/opdracht/niets").status_code == 404


def test_the_dutch_mail_and_page_say_weigeren_as_the_word_list_does(plan, client):
    book(plan)
    path = answer_path()
    (mail,) = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "session_assigned")).all()
    assert "Meteen accepteren of weigeren, zonder in te loggen" in mail.html_body
    assert "afzeggen" not in mail.html_body + mail.text_body
    html = client.get(path).get_data(as_text=True)
    assert "Weigeren met een reden" in html and ">Weigeren<" in re.sub(r">\s+", ">", html)


def test_the_mail_link_shows_the_address_and_the_online_link(plan, client):
    online = "https://meet.example.org/samen-signaleren"
    create(plan, online_url=online)
    html = client.get(answer_path()).get_data(as_text=True)
    assert "Stadhuis, Markt 1, Maastricht" in html and f'href="{online}"' in html


def test_the_mail_link_says_what_the_region_asks_and_whom_to_contact(plan, client):
    book(plan)
    html = client.get(answer_path()).get_data(as_text=True)
    request = plan.request
    assert "Vraag van de regio" in html and request.goal in html
    assert request.contact_name in html and f'href="mailto:{request.contact_email}"' in html


def test_the_mail_link_of_a_cancelled_session_says_cancelled_and_why(plan, client):
    """Not "Ingetrokken door de coördinator": the expert was not taken off, the session was called off."""
    meeting = book(plan).meeting
    path = answer_path()
    with unit_of_work():
        scheduling.cancel(meeting, "De zaal is niet beschikbaar.", plan.coordinator)
    html = client.get(path).get_data(as_text=True)
    assert "Bijeenkomst geannuleerd" in html and "De zaal is niet beschikbaar." in html
    assert "Ingetrokken door de coördinator" not in html and 'id="closed"' in html


def test_the_mail_link_of_a_session_that_is_over_says_what_happened(plan, client):
    meeting = book(plan).meeting
    path = answer_path()
    meeting.starts_at, meeting.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert "Geweest zonder antwoord" in html and "Nog niet beantwoord" not in html


def test_declining_a_series_from_the_mail_sends_one_mail_per_coordinator_listing_the_dagdelen(plan, client):
    """One answer, one reason: each coordinator gets one mail that lists the declined dagdelen,
    and the expert one mail about the series plus a short one with each other cancellation."""
    lead = create(plan, parts=[part(40), part(47)])
    path = answer_path()
    since = db.session.scalar(select(func.max(OutboxMail.id)))
    assert client.post(path + "/afzeggen", data={"decline-reason": "Ik ben dan op vakantie."}).status_code == 302
    mails = list(db.session.scalars(select(OutboxMail).where(OutboxMail.id > since).order_by(OutboxMail.id)))
    render_pending(mails)
    told = [m for m in mails if m.kind == "assignment_declined"]
    assert told and len({m.recipient for m in told}) == len(told)
    for mail in told:
        assert mail.subject == f"{plan.expert.name} heeft 2 dagdelen geweigerd"
        assert mail.text_body.count("Ik ben dan op vakantie.") == 1
        assert "Geweigerde dagdelen" in mail.text_body and "Geweigerde dagdelen" in mail.html_body
        for p in lead.all_parts:
            assert f"{p.starts_at.day} " in mail.text_body
        assert mail.text_body.count("zoek een andere expert") == 2
    own = [m for m in mails if m.recipient == plan.expert.email]
    assert [m.kind for m in own] == ["session_declined", "session_invite"]
    assert all(m.calendar_method == "CANCEL" for m in own)
    assert "U hebt de dagdelen hieronder geweigerd." in own[0].text_body
