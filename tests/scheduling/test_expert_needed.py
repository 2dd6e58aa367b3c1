"""An expert's decline is visible: the session moves to "Expert nodig", the start page counts
it, the request's page shows a banner with the experts free in that dagdeel, one click gives
the session to one of them; and the expert who declined gets a CANCEL for their calendar."""
from __future__ import annotations

import re

from flask_babel import force_locale
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import assignments, changes
from ontwikkelbijeenkomsten.meetings.models import MEETING_STATES, AssignmentState, MeetingExpert, MeetingState
from ontwikkelbijeenkomsten.reports import start

from .test_services import EXPERT, add_expert, book, last_mail_id, meeting_mails


def decline(meeting, expert, reason="Ik ben die dag ziek."):
    (assignment,) = [a for a in meeting.experts if a.expert_id == expert.id and a.state is AssignmentState.ASSIGNED]
    with unit_of_work():
        assignments.decline(assignment, reason, expert)
    return assignment


def test_a_decline_without_another_expert_makes_the_session_need_one(plan):
    meeting = book(plan).meeting
    sequence = meeting.sequence
    since = last_mail_id()
    decline(meeting, plan.expert)

    assert meeting.state is MeetingState.EXPERT_NEEDED
    with force_locale("nl"):
        assert MEETING_STATES.label(meeting.state) == "Expert nodig"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == plan.request.id,
                                                          AuditEvent.subject_type == "requests"))
    assert "session.expert_needed" in list(actions)
    assert start.todo().sessions[start.Attention.DECLINED] == 1
    assert [m.id for m in start.attention_meetings(start.Attention.DECLINED)] == [meeting.id]

    # the expert's calendar loses the event: a CANCEL that outranks the invite they had
    (cancel,) = [m for m in meeting_mails(since) if m.recipient == EXPERT]
    assert (cancel.kind, cancel.calendar_method) == ("session_declined", "CANCEL")
    assert meeting.sequence == sequence + 1 == cancel.context["session"]["sequence"]
    assert "STATUS:CANCELLED" in cancel.calendar and meeting.uid in cancel.calendar


def test_a_decline_while_another_expert_stays_keeps_the_session_planned(plan, make_training):
    training = make_training()
    training.experts[0].state = AssignmentState.ACCEPTED
    other = add_expert(plan, "piet@example.org", "Piet Tweede")
    training.experts.append(MeetingExpert(expert=other, date=training.date, dagdeel=training.dagdeel))
    db.session.commit()
    decline(training, other)
    assert training.state is MeetingState.PLANNED
    assert start.todo().sessions[start.Attention.DECLINED] == 0


def test_the_request_page_offers_a_replacement_and_one_click_books_it(plan, coordinator_client):
    m1, _ = plan.moments
    meeting = book(plan, m1).meeting
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    decline(meeting, plan.expert, "Ik ben die dag ziek.")

    page = coordinator_client.get(f"/coordinatie/aanvragen/{plan.request.id}").get_data(as_text=True)
    assert f'id="expert-needed-{meeting.id}"' in page and "Ik ben die dag ziek." in page
    assert f'id="replace-{meeting.id}-{piet.id}"' in page
    assert f'id="replace-{meeting.id}-{plan.expert.id}"' not in page  # who declined is not free there

    since = last_mail_id()
    response = coordinator_client.post(f"/coordinatie/bijeenkomsten/{meeting.id}/verplaatsen", data={
        "move-day": m1[0].isoformat(), "move-dagdeel": m1[1].value, "move-expert_id": str(piet.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.state is MeetingState.CHANGED
    assert [(a.expert.name, a.state) for a in meeting.experts if a.state is AssignmentState.ASSIGNED] == [
        ("Piet Tweede", AssignmentState.ASSIGNED)]
    assert ("session_assigned", "piet@example.org") in [(m.kind, m.recipient) for m in meeting_mails(since)]
    assert start.todo().sessions[start.Attention.DECLINED] == 0
    page = coordinator_client.get(f"/coordinatie/aanvragen/{plan.request.id}").get_data(as_text=True)
    assert f'id="expert-needed-{meeting.id}"' not in page


def test_the_session_page_offers_the_free_experts_too(plan, coordinator_client):
    """The start page's list of declined sessions leads to the session's own page: it shows the
    same banner, so the coordinator sees who is free in that dagdeel without going elsewhere."""
    m1, _ = plan.moments
    meeting = book(plan, m1).meeting
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1])
    url = f"/coordinatie/bijeenkomsten/{meeting.id}"
    assert f'id="expert-needed-{meeting.id}"' not in coordinator_client.get(url).get_data(as_text=True)
    decline(meeting, plan.expert, "Ik ben die dag ziek.")

    page = coordinator_client.get(url).get_data(as_text=True)
    banner = page.split(f'id="expert-needed-{meeting.id}"')[1].split("</section>")[0]
    assert "Ik ben die dag ziek." in banner and f'id="replace-{meeting.id}-{piet.id}"' in banner
    assert f'action="{url}/verplaatsen"' in banner
    assert f'href="{url}"' not in banner and 'href="#move-title"' in banner  # no link to the page itself
    assert page.index(f'id="expert-needed-{meeting.id}"') < page.index('id="move-title"')


def test_the_training_page_shows_the_banner_of_its_dagdeel_that_needs_an_expert(plan, make_training, coordinator_client):
    lead = make_training(parts=2)
    part = lead.all_parts[1]
    piet = add_expert(plan, "piet@example.org", "Piet Tweede", slots=[(part.date, part.dagdeel)])
    url = f"/coordinatie/trainingen/{lead.id}"
    assert 'id="expert-needed-' not in coordinator_client.get(url).get_data(as_text=True)
    decline(part, plan.expert, "Ik ben die dag ziek.")

    page = coordinator_client.get(url).get_data(as_text=True)
    assert f'id="expert-needed-{part.id}"' in page and "Ik ben die dag ziek." in page
    assert f'id="expert-needed-{lead.id}"' not in page
    assert f'id="replace-{part.id}-{piet.id}"' in page and "past bij de aanvraag" not in page


def test_a_change_while_the_expert_is_needed_keeps_the_state(plan):
    meeting = book(plan).meeting
    decline(meeting, plan.expert)
    starts, ends = changes.local_times(meeting)
    with unit_of_work():
        changes.change_details(meeting, changes.Details(meeting.title, "", "Elders 1, Sittard", "", starts, ends),
                               plan.coordinator)
    assert meeting.state is MeetingState.EXPERT_NEEDED


def queue_state_cell(page: str, request_id: int) -> str:
    """The text of the state cell in the queue's row of this request."""
    row = re.search(rf'href="/coordinatie/aanvragen/{request_id}".*?</tr>', page, re.S).group(0)
    cell = re.search(r'data-label="Status">(.*?)</td>', row, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_the_queue_marks_a_request_whose_session_needs_an_expert(plan, coordinator_client):
    """The request stays Ingepland when an expert declines: the queue says its session needs one."""
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    book(plan, m2)
    assert queue_state_cell(coordinator_client.get("/coordinatie/aanvragen").get_data(as_text=True),
                            plan.request.id) == "Ingepland"
    decline(meeting, plan.expert)
    page = coordinator_client.get("/coordinatie/aanvragen").get_data(as_text=True)
    assert queue_state_cell(page, plan.request.id) == "Ingepland Expert nodig"
    assert "utrecht-status-badge--danger\">Expert nodig" in page


def test_the_start_page_counts_it_in_the_word_lists_words(plan, coordinator_client):
    """An expert weigert (docs/woordenlijst.md); the count links to the list of those sessions."""
    decline(book(plan).meeting, plan.expert)
    page = re.sub(r"\s+", " ", coordinator_client.get("/coordinatie").get_data(as_text=True))
    assert "bijeenkomst in de toekomst die de expert heeft geweigerd, zonder andere expert" in page
    assert 'href="/coordinatie/aandacht/geweigerd-door-expert"' in page and "afgewezen" not in page
    assert coordinator_client.get("/coordinatie/aandacht/geweigerd-door-expert").status_code == 200
