"""The expert's assignments: access, accept and decline rules, the coordinators' mail, query counts."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.experts.models import ExpertProfile
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import assignments as services
from ontwikkelbijeenkomsten.meetings.links import answer_token
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
)
from ontwikkelbijeenkomsten.regions.models import (
    OrganisationType,
    ProgrammePeriod,
    Region,
)
from ontwikkelbijeenkomsten.regions.services import school_year_containing
from ontwikkelbijeenkomsten.requests.models import LocationKind, Request, RequestState
from tests.factories import PASSWORD
from tests.helpers import login

from ..queries import queries_for

MAX_ID = 2147483647


# ---- building sessions directly with the models ------------------------------------------------
def add_meeting(day: date, dagdeel: Dagdeel = Dagdeel.MIDDAG, **fields) -> Meeting:
    starts_at, ends_at = dagdeel.bounds(day)
    values = {"kind": MeetingKind.OPEN_TRAINING, "title": "Samen leren signaleren",
              "location": "Jaarbeurs Utrecht", "confirmed_count": 0, "capacity": 20}
    values.update(fields)
    meeting = Meeting(date=day, dagdeel=dagdeel, starts_at=starts_at, ends_at=ends_at, **values)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def assign(meeting: Meeting, expert, state: AssignmentState = AssignmentState.ASSIGNED) -> MeetingExpert:
    item = MeetingExpert(meeting=meeting, expert=expert, date=meeting.date, dagdeel=meeting.dagdeel, state=state)
    db.session.add(item)
    db.session.commit()
    return item


def in_days(days: int) -> date:
    return today_local() + timedelta(days=days)


def page_url(expert_id: int) -> str:
    return f"/experts/{expert_id}/opdrachten"


def action_url(item: MeetingExpert, action: str, expert_id: int | None = None) -> str:
    return f"{page_url(expert_id or item.expert_id)}/{item.id}/{action}"


def decline_field(item: MeetingExpert) -> str:
    return f"decline-{item.id}-reason"


def has_field_error(html: str, field: str) -> bool:
    control = re.search(rf'<textarea[^>]*\bid="{field}"[^>]*>', html)
    return f'id="{field}-error"' in html and control is not None and 'aria-invalid="true"' in control.group(0)


def state_of(item: MeetingExpert) -> AssignmentState:
    return db.session.scalar(select(MeetingExpert.state).where(MeetingExpert.id == item.id))


def outbox() -> list[OutboxMail]:
    return db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()


@pytest.fixture
def regional_meeting(app, coordinator, expert):
    """A regional session next month whose request is handled by `coordinator`."""
    name, starts, ends = school_year_containing(today_local())
    region = Region(code="JZ22", name="Utrecht")
    request = Request(
        region=region, period=ProgrammePeriod(name=name, starts_on=starts, ends_on=ends),
        state=RequestState.SCHEDULED, organisation_name="Gemeente Utrecht",
        organisation_type=OrganisationType.GEMEENTE, contact_name="Linda Visser",
        contact_email="l.visser@example.org", contact_phone="06 12345678", dagdelen_wanted=1,
        dagdelen_granted=1, goal="Ondersteuningsteam en wijkteam", location_kind=LocationKind.ADDRESS,
        location="Stadhuis", consent_at=utcnow(), assigned_coordinator_id=coordinator.id,
    )
    meeting = add_meeting(in_days(30), Dagdeel.OCHTEND, kind=MeetingKind.REGIONAL, request=request, region=region,
                          title="Werkconferentie ondersteuningsteam", location="Stadhuis Utrecht, zaal 2")
    return assign(meeting, expert)


@pytest.fixture
def training(app, expert):
    return assign(add_meeting(in_days(20)), expert)


# ---- access ------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_log_in(client, training):
    responses = [client.get(page_url(training.expert_id))] + [
        client.post(action_url(training, action)) for action in ("accepteren", "afwijzen")
    ] + [client.post(page_url(training.expert_id) + "/agenda-link")]
    for response in responses:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/inloggen")
    assert state_of(training) is AssignmentState.ASSIGNED


def test_an_expert_sees_their_own_assignments(app, expert, training, regional_meeting):
    client = login(app.test_client(), expert)
    html = client.get(page_url(expert.id)).get_data(as_text=True)
    assert html.count("<h1") == 1 and "Mijn opdrachten</h1>" in html and "Mijn agenda-abonnement" in html
    assert "Werkconferentie ondersteuningsteam" in html and "Samen leren signaleren" in html
    assert "Gemeente Utrecht" in html and "Stadhuis Utrecht, zaal 2" in html
    assert html.index("Samen leren signaleren") < html.index("Werkconferentie ondersteuningsteam")  # soonest first
    for item in (training, regional_meeting):
        assert action_url(item, "accepteren") in html and f'id="{decline_field(item)}"' in html
    token = db.session.get(ExpertProfile, expert.id).feed_token
    assert token and f"http://localhost/agenda/{token}.ics" in html and f"webcal://localhost/agenda/{token}.ics" in html


def test_another_expert_gets_404_everywhere(app, expert, other_expert, training):
    client = login(app.test_client(), other_expert)
    foreign = [
        client.get(page_url(expert.id)),
        client.post(action_url(training, "accepteren")),
        client.post(action_url(training, "afwijzen"), data={decline_field(training): "Geen tijd"}),
        client.post(page_url(expert.id) + "/agenda-link"),
        # their own page, with the other expert's assignment id
        client.post(action_url(training, "accepteren", expert_id=other_expert.id)),
        client.post(action_url(training, "afwijzen", expert_id=other_expert.id),
                    data={decline_field(training): "Geen tijd"}),
    ]
    assert [r.status_code for r in foreign] == [404] * len(foreign)
    assert state_of(training) is AssignmentState.ASSIGNED
    assert db.session.get(ExpertProfile, expert.id).feed_token is None
    assert outbox() == []


def test_forged_ids_give_404(app, expert, coordinator, training):
    client = login(app.test_client(), expert)
    urls = [page_url(n) for n in (coordinator.id, 9999, MAX_ID + 1, -1)] + ["/experts/abc/opdrachten"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for suffix in ("9999/accepteren", f"{MAX_ID + 1}/accepteren", "abc/afwijzen", f"{training.id}/weggooien"):
        assert client.post(f"{page_url(expert.id)}/{suffix}").status_code in (404, 405), suffix


def test_a_coordinator_sees_and_answers_for_any_expert(app, coordinator, expert, training):
    client = login(app.test_client(), coordinator)
    html = client.get(page_url(expert.id)).get_data(as_text=True)
    assert "Opdrachten van Eva Jansen</h1>" in html and action_url(training, "accepteren") in html
    assert client.post(action_url(training, "accepteren")).status_code == 302
    assert state_of(training) is AssignmentState.ACCEPTED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "meeting_experts"))
    assert (event.action, event.actor_id, event.from_state, event.to_state) == (
        "assignment.accepted", coordinator.id, "assigned", "accepted")


# ---- accept ------------------------------------------------------------------------------------
def test_accept_once_then_the_buttons_change(app, expert, training):
    client = login(app.test_client(), expert)
    response = client.post(action_url(training, "accepteren"))
    assert response.status_code == 302 and response.headers["Location"] == page_url(expert.id)
    assert state_of(training) is AssignmentState.ACCEPTED
    html = client.get(page_url(expert.id)).get_data(as_text=True)
    assert action_url(training, "accepteren") not in html  # nothing left to accept
    assert action_url(training, "afwijzen") in html  # an accepted assignment can still be declined
    client.post(action_url(training, "accepteren"))  # a second click changes nothing
    assert db.session.scalar(select(sa.func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize("case", ["cancelled", "past", "declined", "released"])
def test_what_cannot_be_accepted_or_declined(app, expert, case):
    day = in_days(-3 if case == "past" else 10)
    meeting = add_meeting(day, state=MeetingState.CANCELLED if case == "cancelled" else MeetingState.PLANNED)
    states = {"declined": AssignmentState.DECLINED, "released": AssignmentState.RELEASED}
    state = states.get(case, AssignmentState.ASSIGNED)
    item = assign(meeting, expert, state)
    with pytest.raises(services.StateError):
        services.accept(item, expert)
    with pytest.raises(services.StateError):
        services.decline(item, "Ziek", expert)
    client = login(app.test_client(), expert)
    html = client.get(page_url(expert.id)).get_data(as_text=True)
    assert action_url(item, "accepteren") not in html and action_url(item, "afwijzen") not in html
    assert client.post(action_url(item, "accepteren")).status_code == 302
    assert client.post(action_url(item, "afwijzen"), data={decline_field(item): "Ziek"}).status_code == 302
    assert state_of(item) is state
    assert outbox() == []


def test_only_the_expert_or_a_coordinator_may_answer(expert, other_expert, training):
    with pytest.raises(services.NotAllowed):
        services.accept(training, other_expert)
    with pytest.raises(services.NotAllowed):
        services.decline(training, "Geen tijd", other_expert)
    assert state_of(training) is AssignmentState.ASSIGNED


# ---- decline -----------------------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "   ", "x" * 10_000])
def test_decline_needs_a_reason_of_sensible_length(app, expert, training, reason):
    client = login(app.test_client(), expert)
    response = client.post(action_url(training, "afwijzen"), data={decline_field(training): reason})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert has_field_error(html, decline_field(training))
    if not reason.strip():
        assert "Geef de reden waarom u weigert." in html
    assert 'id="error-summary"' in html and f'href="#{decline_field(training)}"' in html
    assert "<title>Fout: Mijn opdrachten" in html
    assert "<details class=\"ob-section\" open>" in html
    assert state_of(training) is AssignmentState.ASSIGNED
    assert outbox() == []


def test_control_characters_in_the_reason_are_dropped(app, expert, training):
    client = login(app.test_client(), expert)
    response = client.post(action_url(training, "afwijzen"), data={decline_field(training): "Ziek\x00 vandaag"})
    assert response.status_code == 302
    assert db.session.get(MeetingExpert, training.id).decline_reason == "Ziek vandaag"


def test_the_service_refuses_an_empty_reason(expert, training):
    with pytest.raises(services.RuleViolation) as caught:
        services.decline(training, "  ", expert)
    assert caught.value.field == "reason"


def test_decline_mails_the_coordinator_of_the_request(app, coordinator, expert, regional_meeting):
    create_user("tweede@example.org", "Tweede Coördinator", Role.COORDINATOR, PASSWORD)
    db.session.commit()
    client = login(app.test_client(), expert)
    reason = "Ik ben die dag <script>alert(1)</script> op cursus."
    response = client.post(action_url(regional_meeting, "afwijzen"), data={decline_field(regional_meeting): reason})
    assert response.status_code == 302
    item = db.session.get(MeetingExpert, regional_meeting.id)
    assert (item.state, item.decline_reason) == (AssignmentState.DECLINED, reason)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.declined"))
    assert (event.actor_id, event.from_state, event.to_state) == (expert.id, "assigned", "declined")
    [mail] = [m for m in outbox() if m.kind == "assignment_declined"]  # only the coordinator who handles the request
    [own] = [m for m in outbox() if m.recipient == expert.email]  # the expert's calendar loses the event
    assert (own.kind, own.calendar_method) == ("session_declined", "CANCEL")
    assert (mail.recipient, mail.kind) == (coordinator.email, "assignment_declined")
    assert mail.subject == "Eva Jansen heeft een bijeenkomst geweigerd"
    link = f"http://localhost/coordinatie/aanvragen/{item.meeting.request_id}"
    assert link in mail.text_body and link in mail.html_body
    for body in (mail.text_body, mail.html_body):
        assert "Eva Jansen" in body and "Werkconferentie ondersteuningsteam" in body
        assert "09:00" in body and "12:30" in body and "Stadhuis Utrecht, zaal 2" in body
    assert reason in mail.text_body
    assert "<script>" not in mail.html_body and "&lt;script&gt;" in mail.html_body


def test_decline_of_an_open_training_mails_every_active_coordinator(app, coordinator, expert, training):
    create_user("tweede@example.org", "Tweede", Role.COORDINATOR, PASSWORD)
    create_user("oud@example.org", "Oud", Role.COORDINATOR, PASSWORD).active = False
    db.session.commit()
    services.accept(training, expert)  # an accepted assignment can be declined too
    services.decline(training, "Verhinderd", expert)
    assert state_of(training) is AssignmentState.DECLINED
    told = [m for m in outbox() if m.kind == "assignment_declined"]
    assert sorted(m.recipient for m in told) == ["coordinator@example.org", "tweede@example.org"]
    assert all("/coordinatie/aanvragen/" not in m.text_body for m in told)


def test_decline_of_a_training_dagdeel_links_the_coordinator_to_the_training(app, coordinator, expert):
    lead = add_meeting(in_days(20))
    part = assign(add_meeting(in_days(27), series=lead), expert)
    services.decline(part, "Verhinderd", expert)
    [mail] = [m for m in outbox() if m.kind == "assignment_declined"]
    link = f"http://localhost/coordinatie/trainingen/{lead.id}"
    assert f"Open de training:\n{link}" in mail.text_body
    assert f'href="{link}"' in mail.html_body and "Training openen" in mail.html_body


def test_the_decline_mail_shows_the_address_and_the_online_link(coordinator, expert, training):
    online = "https://meet.example.org/samen-leren"
    training.meeting.online_url = online
    db.session.commit()
    services.decline(training, "Verhinderd", expert)
    [mail] = [m for m in outbox() if m.kind == "assignment_declined"]
    assert f"Locatie: Jaarbeurs Utrecht\nOnline: {online}\n" in mail.text_body
    assert f'Jaarbeurs Utrecht<br>Online: <a href="{online}"' in mail.html_body


def test_the_decline_mail_says_when_another_expert_still_leads_the_session(coordinator, expert, other_expert, training):
    """With a second expert on it the session goes ahead: the mail asked for another expert anyway."""
    assign(training.meeting, other_expert, AssignmentState.ACCEPTED)
    services.decline(training, "Verhinderd", expert)
    [mail] = [m for m in outbox() if m.kind == "assignment_declined"]
    for body in (mail.text_body, mail.html_body):
        assert f"De bijeenkomst gaat door met {other_expert.name}." in body
        assert "Zoek een andere expert" not in body
    assert db.session.get(Meeting, training.meeting_id).state is not MeetingState.EXPERT_NEEDED


def test_decline_frees_the_slot(expert, training):
    other = add_meeting(training.meeting.date, training.dagdeel, title="Andere bijeenkomst")
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(MeetingExpert(meeting=other, expert=expert, date=other.date, dagdeel=other.dagdeel))
    services.decline(training, "Dubbel geboekt", expert)
    second = assign(db.session.get(Meeting, other.id), expert)
    assert state_of(second) is AssignmentState.ASSIGNED


# ---- the list ----------------------------------------------------------------------------------
def test_upcoming_first_then_past(app, expert):
    items = [assign(add_meeting(in_days(days), title=f"Bijeenkomst {days}"), expert) for days in (30, -30, 5, -5)]
    rows = services.assignments(expert)
    assert [r.meeting.title for r in rows] == [
        "Bijeenkomst 5", "Bijeenkomst 30", "Bijeenkomst -5", "Bijeenkomst -30"]
    assert [r.upcoming for r in rows] == [True, True, False, False]
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    assert html.index('id="past-title"') < html.index("Bijeenkomst -5") < html.index("Bijeenkomst -30")
    assert html.index("Bijeenkomst 30") < html.index('id="past-title"')
    assert action_url(items[1], "afwijzen") not in html


def section_of(html: str, key: str) -> str:
    """The HTML of one section of the page, from its heading to the next section."""
    start = html.index(f'id="{key}-title"')
    return html[start:html.index("</section>", start)]


def test_sections_in_order_with_counts(app, expert):
    pending = [assign(add_meeting(in_days(days), title=f"Open {days}"), expert) for days in (5, 9)]
    scheduled = assign(add_meeting(in_days(12), title="Ingepland 12"), expert, AssignmentState.ACCEPTED)
    given = assign(add_meeting(in_days(-3), title="Gegeven -3"), expert, AssignmentState.ACCEPTED)
    unanswered = assign(add_meeting(in_days(-8), title="Vergeten -8"), expert)
    declined = assign(add_meeting(in_days(15), title="Geweigerd 15"), expert, AssignmentState.DECLINED)
    cancelled = assign(add_meeting(in_days(20), title="Afgelast 20", state=MeetingState.CANCELLED), expert)
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)

    assert "<strong>2 te beantwoorden</strong>" in html
    headings = ["Te beantwoorden (2)", "Ingepland (1)", "Geweest (2)", "Geweigerd of geannuleerd (2)"]
    positions = [html.index(h + "</h2>") for h in headings]
    assert positions == sorted(positions)
    assert "Open 5" in section_of(html, "to-answer") and "Open 9" in section_of(html, "to-answer")
    for item in pending:  # a pending question keeps its full card with both answers
        assert action_url(item, "accepteren") in html and action_url(item, "afwijzen") in html
    assert "Ingepland 12" in section_of(html, "scheduled") and action_url(scheduled, "afwijzen") in html
    assert action_url(scheduled, "accepteren") not in html

    past = section_of(html, "past")
    assert "Gegeven -3" in past and "Vergeten -8" in past and past.index("Gegeven -3") < past.index("Vergeten -8")
    assert "Gegeven</span>" in past and "Geweest zonder antwoord</span>" in past
    assert "Nog niet beantwoord" not in past and "Gepland" not in past
    for item in (given, unanswered):
        assert action_url(item, "accepteren") not in html and action_url(item, "afwijzen") not in html

    closed = section_of(html, "closed")
    assert "Geweigerd 15" in closed and "Afgelast 20" in closed
    assert "Geweigerd</span>" in closed and "Geannuleerd</span>" in closed
    for item in (declined, cancelled):
        assert action_url(item, "afwijzen") not in html


def test_nothing_to_answer_says_so(app, expert):
    assign(add_meeting(in_days(-2), title="Vorige week"), expert)
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    assert "Niets te beantwoorden" in html and "Te beantwoorden (0)" in html
    assert "Vorige week" in section_of(html, "past") and "Nog niet beantwoord" not in html
    assert 'id="scheduled-title"' not in html and 'id="closed-title"' not in html


def assert_queries_stay(client, expert, grow, few: int, many: int) -> None:
    """The expert's page takes as many queries after `grow(few, many)` added rows as after
    `grow(0, few)`."""
    grow(0, few)
    client.get(page_url(expert.id))  # the first visit makes the feed token
    db.session.commit()
    small = queries_for(client, page_url(expert.id))
    grow(few, many)
    db.session.commit()
    assert queries_for(client, page_url(expert.id)) == small


def test_mixed_sections_keep_the_query_count(app, expert):
    client = login(app.test_client(), expert)
    states = [AssignmentState.ASSIGNED, AssignmentState.ACCEPTED, AssignmentState.DECLINED]

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            days = 10 + n if n % 2 else -10 - n
            assign(add_meeting(in_days(days), title=f"Bijeenkomst {n}"), expert, states[n % 3])

    assert_queries_stay(client, expert, grow, 4, 30)


def test_page_queries_do_not_grow_with_the_assignments(app, expert, regional_meeting):
    client = login(app.test_client(), expert)
    request = regional_meeting.meeting.request

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            regional = {"kind": MeetingKind.REGIONAL, "request_id": request.id, "region_id": request.region_id}
            kind = regional if n % 2 else {}
            assign(add_meeting(in_days(40 + n), title=f"Bijeenkomst {n}", **kind), expert)

    assert_queries_stay(client, expert, grow, 2, 29)  # with the fixture's session: 3, then 30
    assert len(services.assignments(expert)) == 30


def test_a_later_dagdeel_of_a_series_shows_the_places_of_the_training(app, expert):
    lead = add_meeting(in_days(10), title="Samen in de klas", capacity=12, confirmed_count=5)
    second = add_meeting(in_days(17), title="Samen in de klas", capacity=None, series=lead)
    assign(second, expert)
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    card = section_of(html, "to-answer")
    assert "5 van de 12 plaatsen bezet" in card and "0 deelnemers" not in card


def test_series_on_the_page_keep_the_query_count(app, expert):
    client = login(app.test_client(), expert)

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            lead = add_meeting(in_days(10 + 2 * n), title=f"Reeks {n}", capacity=12)
            assign(add_meeting(in_days(11 + 2 * n), title=f"Reeks {n}", capacity=None, series=lead), expert)

    assert_queries_stay(client, expert, grow, 2, 12)


def test_a_session_with_an_address_and_an_online_link_shows_both(app, expert):
    online = "https://meet.example.org/samen-leren"
    assign(add_meeting(in_days(10), location="Jaarbeurs Utrecht", online_url=online), expert)
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    card = section_of(html, "to-answer")
    assert "Jaarbeurs Utrecht" in card and f'href="{online}"' in card


def test_the_card_says_what_the_region_asks_and_whom_to_contact(app, expert, regional_meeting):
    """The "Nieuwe opdracht" mail gives the region's question and the contact person; the page
    where the expert answers gives them too, so nobody has to search the mail to prepare."""
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    card = section_of(html, "to-answer")
    assert "Vraag van de regio" in card and "Ondersteuningsteam en wijkteam" in card
    assert "Contactpersoon" in card and "Linda Visser" in card
    assert 'href="mailto:l.visser@example.org"' in card and 'href="tel:0612345678"' in card


def test_the_card_names_the_coordinator_to_ask(app, coordinator, expert, regional_meeting):
    """An expert with a question about an assignment writes to the coordinator who handles the
    region's request, not to a general address."""
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    card = section_of(html, "to-answer")
    assert "Vragen over deze opdracht" in card
    assert f"{coordinator.name} (coördinator)" in card and f'href="mailto:{coordinator.email}"' in card


def test_without_a_coordinator_the_card_gives_the_programme_address(app, coordinator, expert, regional_meeting,
                                                                     training, monkeypatch):
    """An open training has no request, and a closed account answers nobody: the programme's
    address instead."""
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "werkagenda@example.org")
    coordinator.active = False
    db.session.commit()
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    cards = section_of(html, "to-answer")
    assert cards.count("Vragen over deze opdracht") == 2 and coordinator.name not in cards
    assert cards.count('href="mailto:werkagenda@example.org"') == 2


def test_the_answer_link_names_the_coordinator_to_ask(app, coordinator, expert, regional_meeting):
    html = app.test_client().get(f"/opdracht/{answer_token([regional_meeting])}").get_data(as_text=True)
    assert "Vragen over deze opdracht" in html and f'href="mailto:{coordinator.email}"' in html


def test_a_scheduled_row_says_where_how_many_and_whom_to_contact(app, expert, regional_meeting):
    regional_meeting.state = AssignmentState.ACCEPTED
    regional_meeting.meeting.confirmed_count = 7
    db.session.commit()
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    row = section_of(html, "scheduled")
    assert "Stadhuis Utrecht, zaal 2" in row and "7 van de 20 plaatsen bezet" in row
    assert "Linda Visser" in row and 'href="mailto:l.visser@example.org"' in row


def test_a_past_or_closed_row_leaves_out_the_preparation(app, expert, regional_meeting):
    regional_meeting.state = AssignmentState.DECLINED
    regional_meeting.decline_reason = "Ziek."
    db.session.commit()
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    row = section_of(html, "closed")
    assert "Linda Visser" not in row and "plaatsen bezet" not in row


def test_each_dagdeel_of_a_series_says_which_of_how_many(app, expert):
    """Three cards with one title looked like the same question three times."""
    lead = add_meeting(in_days(10), title="Samen in de klas", capacity=12)
    parts = [lead] + [add_meeting(in_days(10 + 7 * n), title="Samen in de klas", capacity=None, series=lead)
                      for n in (1, 2)]
    for part in parts[:2]:
        assign(part, expert)
    assign(parts[2], expert, AssignmentState.ACCEPTED)
    single = assign(add_meeting(in_days(12), title="Los"), expert)
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    cards = section_of(html, "to-answer")
    assert cards.index("(dagdeel 1 van 3)") < cards.index("(dagdeel 2 van 3)")
    assert "(dagdeel 3 van 3)" in section_of(html, "scheduled")
    card = html[html.index(f'id="assignment-{single.id}"'):]
    assert "(dagdeel " not in card[:card.index("</article>")]


def test_a_cancelled_session_says_why(app, expert, coordinator, training):
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.scheduling import services as scheduling

    with unit_of_work():
        scheduling.cancel(training.meeting, "De zaal is niet beschikbaar.", coordinator)
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    row = section_of(html, "closed")
    assert "Geannuleerd" in row and "Reden van de annulering: " in row and "De zaal is niet beschikbaar." in row


def test_a_session_that_is_on_stays_scheduled_until_it_ends(app, expert):
    """During the session the expert opens the page to mark attendance: it is not 'Gegeven' under
    'Geweest' yet, but still with the sessions to come, with its place and participant list."""
    now = utcnow()
    meeting = add_meeting(today_local(), title="Nu bezig")
    meeting.starts_at, meeting.ends_at = now - timedelta(hours=1), now + timedelta(hours=2)
    item = assign(meeting, expert, AssignmentState.ACCEPTED)
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    row = section_of(html, "scheduled")
    assert "Nu bezig" in row and "Geaccepteerd</span>" in row and "Jaarbeurs Utrecht" in row
    assert f"/bijeenkomsten/{meeting.id}/deelnemers" in row
    assert 'id="past-title"' not in html and "Gegeven" not in html
    assert action_url(item, "afwijzen") not in html  # begun: no longer to decline

    meeting.starts_at, meeting.ends_at = now - timedelta(hours=3), now - timedelta(minutes=1)
    db.session.commit()
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    assert "Gegeven</span>" in section_of(html, "past") and 'id="scheduled-title"' not in html


def test_an_expert_taken_off_a_session_reads_niet_meer_nodig_as_in_the_mail(app, expert, training):
    """The mail says 'U bent niet meer nodig'; the page said 'Ingetrokken door de coördinator',
    the word for a region that takes back its request."""
    training.state = AssignmentState.RELEASED
    db.session.commit()
    html = login(app.test_client(), expert).get(page_url(expert.id)).get_data(as_text=True)
    row = section_of(html, "closed")
    assert "Niet meer nodig</span>" in row and "Ingetrokken" not in html


def test_an_open_trainings_card_and_mail_say_for_whom_and_what_it_is_about(plan, expert_client):
    """An open training has no region's question: the expert reads its target groups and
    description instead, on the card and in the mail that asks them to accept."""
    from ontwikkelbijeenkomsten.mail.services import render_pending
    from tests.meetings.test_trainings import create

    lead = create(plan, target_groups="Leerplichtambtenaren", description="Thuiszitters samen terug naar school.")
    page = expert_client.get(f"/experts/{plan.expert.id}/opdrachten").get_data(as_text=True)
    card = page[page.index(f'id="assignment-{lead.experts[0].id}"'):]
    card = card[:card.index("</article>")]
    assert "Leerplichtambtenaren" in card and "Thuiszitters samen terug naar school." in card, "BUG: nothing on the card"
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "session_assigned")).one()
    render_pending([mail])
    for body in (mail.text_body, mail.html_body):
        assert "Voor wie" in body and "Leerplichtambtenaren" in body
        assert "Thuiszitters samen terug naar school." in body
