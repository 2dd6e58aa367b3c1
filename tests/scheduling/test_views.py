"""The coordinator's scheduling pages: the request's scheduling section, booking a proposal or
another slot, and a session's page with its three forms. Access, bad input, query counts."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.i18n import dagdeel_label, long_date
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import changes
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingState,
    RegistrationState,
)
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.requests.models import (
    PreferredMoment,
    Request,
    RequestState,
)
from ontwikkelbijeenkomsten.scheduling import services
from tests.factories import AVOND, MIDDAG, OCHTEND, future_day, submission
from tests.queries import count_queries
from tests.requests.test_coordinator_pages import has_field_error

from .test_services import (
    add_expert,
    book,
    counts,
    last_mail_id,
    meeting_mails,
    register,
    sent,
)

CONTACT = "ilse@example.org"
EXPERT = "expert@example.org"


# ---- helpers -----------------------------------------------------------------------------------
def schedule_url(request) -> str:
    return f"/coordinatie/aanvragen/{request.id}/inplannen"


def meeting_url(meeting) -> str:
    return f"/coordinatie/bijeenkomsten/{meeting.id}"


def slot(moment, expert) -> str:
    return f"{moment[0].isoformat()}|{moment[1].value}|{expert.id}"


def html_of(response) -> str:
    return response.get_data(as_text=True)


def flashes(client, url: str) -> str:
    """The page the redirect leads to, with its flash messages."""
    return html_of(client.get(url))


def pick(client, plan, moment=None, expert=None, **data):
    """POST the proposal form with the proposal for `moment` (default the first) and `expert`."""
    data.setdefault("proposal-title", "Werkconferentie")
    data.setdefault("proposal-proposal", slot(moment or plan.moments[0], expert or plan.expert))
    return client.post(schedule_url(plan.request), data=data)


def manual(client, plan, moment, expert, request=None, **data):
    values = {
        "manual-expert_id": str(expert.id) if hasattr(expert, "id") else expert,
        "manual-day": moment[0].isoformat() if hasattr(moment[0], "isoformat") else moment[0],
        "manual-dagdeel": moment[1].value if hasattr(moment[1], "value") else moment[1],
        "manual-title": "Werkconferentie",
    }
    values.update(data)
    return client.post(f"{schedule_url(request or plan.request)}/handmatig", data=values)


def meetings_of(request) -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.scalars(select(Meeting).where(Meeting.request_id == request.id).order_by(Meeting.id)))


def state_of(request) -> RequestState:
    db.session.expire_all()
    return db.session.get(Request, request.id).state


def booked_meeting(plan, moment=None, **kwargs) -> Meeting:
    return book(plan, moment, **kwargs).meeting


# ---- access ------------------------------------------------------------------------------------
def _routes(plan) -> list[tuple[str, str]]:
    meeting = booked_meeting(plan)
    return [
        ("get", schedule_url(plan.request)), ("post", schedule_url(plan.request)),
        ("post", schedule_url(plan.request) + "/handmatig"),
        ("get", meeting_url(meeting)), ("post", meeting_url(meeting) + "/gegevens"),
        ("post", meeting_url(meeting) + "/verplaatsen"), ("post", meeting_url(meeting) + "/annuleren"),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(app, plan):
    client = app.test_client()
    routes = _routes(plan)
    before = counts()
    for method, url in routes:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen"), url
    assert counts() == before


def test_experts_may_not_open_the_scheduling_pages(expert_client, plan):
    routes = _routes(plan)
    before = counts()
    for method, url in routes:
        assert getattr(expert_client, method)(url).status_code == 403, url
    assert counts() == before


@pytest.mark.parametrize("url", [
    "/coordinatie/aanvragen/999999/inplannen", "/coordinatie/aanvragen/2147483648/inplannen",
    "/coordinatie/aanvragen/99999999999999999999/inplannen/handmatig", "/coordinatie/bijeenkomsten/999999",
    "/coordinatie/bijeenkomsten/2147483648", "/coordinatie/bijeenkomsten/999999/annuleren",
    "/coordinatie/bijeenkomsten/-1", "/coordinatie/bijeenkomsten/abc",
])
def test_unknown_and_huge_ids_are_not_found(coordinator_client, url):
    method = coordinator_client.post if url.endswith(("handmatig", "annuleren")) else coordinator_client.get
    assert method(url).status_code == 404


# ---- the request's detail page -----------------------------------------------------------------
def test_the_request_page_shows_what_is_booked_and_links_to_scheduling(coordinator_client, plan):
    detail = f"/coordinatie/aanvragen/{plan.request.id}"
    html = html_of(coordinator_client.get(detail))
    assert "0 van 2 dagdelen ingepland" in html
    assert f'href="{schedule_url(plan.request)}"' in html and "Dagdelen inplannen" in html

    meeting = booked_meeting(plan)
    html = html_of(coordinator_client.get(detail))
    assert "1 van 2 dagdelen ingepland" in html
    row = re.search(rf'<tr[^>]*id="session-{meeting.id}".*?</tr>', html, re.DOTALL).group(0)
    assert f'href="{meeting_url(meeting)}"' in row and "ochtend" in row and "09:00" in row
    assert "Eva Jansen" in row and "Nog niet beantwoord" in row and "Ingepland" in row
    assert f'href="{schedule_url(plan.request)}"' in html

    book(plan, plan.moments[1])
    html = html_of(coordinator_client.get(detail))
    assert "2 van 2 dagdelen ingepland" in html and f'href="{schedule_url(plan.request)}"' not in html


def test_the_queue_shows_how_many_granted_dagdelen_are_scheduled(coordinator_client, plan):
    """The start page counts granted dagdelen not yet scheduled and leads to the queue: each row
    there says how many of its granted dagdelen are scheduled, so the one still to do is found."""
    def row() -> dict[str, str]:
        html = html_of(coordinator_client.get("/coordinatie/aanvragen?state=granted"))
        found = re.search(rf'<tr[^>]*>\s*<td[^>]*><a [^>]*href="/coordinatie/aanvragen/{plan.request.id}".*?</tr>',
                          html, re.DOTALL).group(0)
        return {label: " ".join(re.sub(r"<[^>]+>", " ", value).split())
                for label, value in re.findall(r'data-label="([^"]+)">(.*?)</td>', found, re.DOTALL)}

    assert (row()["Toegekende dagdelen"], row()["Ingeplande dagdelen"]) == ("2", "0")
    meeting = booked_meeting(plan)
    book(plan, plan.moments[1])
    with unit_of_work():
        services.cancel(meeting, "De spreker is ziek.", plan.coordinator)
    assert (row()["Toegekende dagdelen"], row()["Ingeplande dagdelen"]) == ("2", "1")  # the cancelled one not


def test_a_request_that_is_not_granted_has_no_scheduling(coordinator_client, plan):
    world = SimpleNamespace(region=plan.region, themes=plan.themes)
    with unit_of_work():
        submitted = requests.submit(submission(world, contact_email="ander@example.org"))
    html = html_of(coordinator_client.get(f"/coordinatie/aanvragen/{submitted.id}"))
    assert schedule_url(submitted) not in html and 'id="scheduling-title"' not in html
    response = coordinator_client.get(schedule_url(submitted))
    assert response.status_code == 302 and response.headers["Location"] == f"/coordinatie/aanvragen/{submitted.id}"
    assert "Alleen een toegekende aanvraag kan worden ingepland." in flashes(coordinator_client, response.headers["Location"])


# ---- the scheduling page -----------------------------------------------------------------------
def test_the_scheduling_page_shows_the_request_and_the_ranked_proposals(coordinator_client, plan):
    html = html_of(coordinator_client.get(schedule_url(plan.request)))
    assert "Zuid-Limburg" in html and "OOGO" in html and "Stadhuis Maastricht" in html
    assert 'value="Ontwikkelbijeenkomst Zuid-Limburg"' in html  # the default title
    values = re.findall(r'name="proposal-proposal" value="([^"]+)"', html)
    assert values == [slot(m, plan.expert) for m in plan.moments]
    first = re.search(r'<label[^>]*for="proposal-proposal-0">(.*?)</label>', html, re.DOTALL).group(1)
    day = plan.moments[0][0]
    assert f"{day.day} " in first and "ochtend" in first and "09:00" in first and "12:30" in first
    assert "Eva Jansen" in first and "Voorkeursmoment 1 van de regio" in first and "OOGO" in first
    assert '<fieldset' in html and "<legend" in html and "Plan dit voorstel in" in html
    assert 'action="' + schedule_url(plan.request) + '/handmatig"' in html
    assert f'<option value="{plan.expert.id}">Eva Jansen</option>' in html
    assert f'<option value="{plan.other_expert.id}">Omar Bakker</option>' in html


def test_booking_a_proposal_creates_one_meeting_and_mails_contact_and_expert(coordinator_client, plan):
    response = pick(coordinator_client, plan)
    assert response.status_code == 302 and response.headers["Location"] == schedule_url(plan.request)
    html = flashes(coordinator_client, response.headers["Location"])
    day = plan.moments[0][0]
    assert re.search(rf"Ingepland: \w+ {day.day} \w+ {day.year}, ochtend, met Eva Jansen\.", html)
    assert "De contactpersoon en de expert hebben er een e-mail over gekregen." in html

    (meeting,) = meetings_of(plan.request)
    assert meeting.title == "Werkconferentie" and (meeting.date, meeting.dagdeel) == plan.moments[0]
    assert [(a.expert_id, a.state) for a in meeting.experts] == [(plan.expert.id, AssignmentState.ASSIGNED)]
    mails = meeting_mails()
    assert sorted((m.recipient, m.calendar_method) for m in mails) == sorted([(CONTACT, "REQUEST"), (EXPERT, "REQUEST")])
    assert all(m.calendar for m in mails)
    assert "1 van 2 dagdelen ingepland" in html
    assert re.findall(r'name="proposal-proposal" value="([^"]+)"', html) == [slot(plan.moments[1], plan.expert)]


def test_a_double_click_books_once(coordinator_client, plan):
    first, second = pick(coordinator_client, plan), pick(coordinator_client, plan)
    assert first.status_code == second.status_code == 302
    assert "Deze bijeenkomst was al ingepland." in flashes(coordinator_client, second.headers["Location"])
    assert len(meetings_of(plan.request)) == 1
    assert len(meeting_mails()) == 2


def test_booking_the_last_dagdeel_leads_back_to_the_request(coordinator_client, plan):
    book(plan)
    response = pick(coordinator_client, plan, moment=plan.moments[1])
    assert response.headers["Location"] == f"/coordinatie/aanvragen/{plan.request.id}"
    assert state_of(plan.request) is RequestState.SCHEDULED
    html = html_of(coordinator_client.get(schedule_url(plan.request)))
    assert "2 van 2 dagdelen ingepland" in html and "<form" not in html.split('id="main"')[1]
    assert "Alle toegekende dagdelen zijn ingepland." in html

    again = pick(coordinator_client, plan, moment=plan.moments[1])  # a late double click
    assert "Deze bijeenkomst was al ingepland." in flashes(coordinator_client, again.headers["Location"])
    late = manual(coordinator_client, plan, (future_day(30), OCHTEND), plan.expert)
    assert late.headers["Location"] == f"/coordinatie/aanvragen/{plan.request.id}"
    assert "Alle toegekende dagdelen van deze aanvraag zijn al ingepland." in flashes(coordinator_client, late.headers["Location"])
    assert len(meetings_of(plan.request)) == 2


def test_without_proposals_the_page_says_why_and_links_to_the_availability(coordinator_client, plan):
    transport = plan.themes[2]  # only Omar Bakker covers it, and he has no free dagdelen
    other = plan.granted(1, theme_ids=[transport.id], contact_email="vervoer@example.org")
    html = html_of(coordinator_client.get(schedule_url(other)))
    assert 'name="proposal-proposal"' not in html
    assert "geen expert vrij" in html
    grid = re.search(r'href="(/coordinatie/beschikbaarheid\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"regio={plan.region.id}" in grid and f"thema={transport.id}" in grid
    assert f"van={plan.moments[0][0].isoformat()}" in grid and f"tot={plan.moments[1][0].isoformat()}" in grid
    assert coordinator_client.get(grid).status_code == 200

    for moment in db.session.scalars(select(PreferredMoment).where(PreferredMoment.request_id == other.id)):
        moment.date = today_local() - timedelta(days=moment.rank)
    db.session.commit()
    html = html_of(coordinator_client.get(schedule_url(other)))
    assert "geen van de momenten die de regio wil ligt nog in de toekomst" in html
    assert 'action="' + schedule_url(other) + '/handmatig"' in html


# ---- booking outside the proposals -------------------------------------------------------------
def test_booking_outside_the_proposals_warns_first_and_books_after_confirmation(coordinator_client, plan):
    moment = (future_day(35), AVOND)
    plan.available(plan.other_expert, *moment)
    before = counts()

    html = html_of(manual(coordinator_client, plan, moment, plan.other_expert))
    assert counts() == before
    assert "Controleer dit eerst" in html
    assert "Dit moment is geen voorkeursmoment van de regio" in html
    assert "Omar Bakker werkt niet in Zuid-Limburg." in html
    assert f'name="manual-warned" type="hidden" value="{slot(moment, plan.other_expert)}"' in html
    assert "Ik heb de waarschuwingen gelezen en wil toch inplannen" in html
    assert 'value="Werkconferentie"' in html and f'value="{moment[0].isoformat()}"' in html

    # sent again without ticking the box: the warnings again, and an error at the box
    html = html_of(manual(coordinator_client, plan, moment, plan.other_expert,
                          **{"manual-warned": slot(moment, plan.other_expert)}))
    assert has_field_error(html, "manual-confirmed") and counts() == before

    # ticked, but for another slot than the one warned about: warnings for the new slot first
    other = (future_day(36), AVOND)
    plan.available(plan.other_expert, *other)
    html = html_of(manual(coordinator_client, plan, other, plan.other_expert,
                          **{"manual-warned": slot(moment, plan.other_expert), "manual-confirmed": "y"}))
    assert "Controleer dit eerst" in html and counts() == before

    response = manual(coordinator_client, plan, moment, plan.other_expert,
                      **{"manual-warned": slot(moment, plan.other_expert), "manual-confirmed": "y"})
    assert response.status_code == 302
    (meeting,) = meetings_of(plan.request)
    assert (meeting.date, meeting.dagdeel) == moment and meeting.experts[0].expert_id == plan.other_expert.id
    assert sorted(m.recipient for m in meeting_mails()) == sorted([CONTACT, "ander@example.org"])


def test_a_manual_booking_that_fits_needs_no_confirmation(coordinator_client, plan):
    response = manual(coordinator_client, plan, plan.moments[1], plan.expert)
    assert response.status_code == 302
    assert [(s.date, s.dagdeel) for s in meetings_of(plan.request)] == [plan.moments[1]]


# ---- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("data, field", [
    ({"manual-expert_id": "", "manual-day": "", "manual-dagdeel": "", "manual-title": ""}, "manual-expert_id"),
    ({"manual-day": ""}, "manual-day"),
    ({"manual-day": "2026-02-30"}, "manual-day"),
    ({"manual-day": "morgen"}, "manual-day"),
    ({"manual-day": "2020-03-03"}, "manual-day"),
    ({"manual-expert_id": "999999"}, "manual-expert_id"),
    ({"manual-expert_id": "abc"}, "manual-expert_id"),
    ({"manual-dagdeel": "nacht"}, "manual-dagdeel"),
    ({"manual-title": "x" * 10_000}, "manual-title"),
    ({"manual-title": "   "}, "manual-title"),
])
def test_bad_manual_input_is_shown_at_its_field(coordinator_client, plan, data, field):
    before = counts()
    response = manual(coordinator_client, plan, plan.moments[1], plan.expert, **data)
    html = html_of(response)
    assert response.status_code == 200
    assert has_field_error(html, field), field
    assert 'id="error-summary"' in html and f'href="#{field}"' in html
    for name, value in data.items():
        if value.strip() and name not in ("manual-expert_id", "manual-dagdeel"):  # a select shows its options
            assert f'value="{value}"' in html, f"{name} was not kept"
    assert counts() == before


def test_an_inactive_expert_cannot_be_chosen(coordinator_client, plan):
    plan.expert.active = False
    db.session.commit()
    html = html_of(manual(coordinator_client, plan, plan.moments[0], plan.expert))
    assert has_field_error(html, "manual-expert_id") and not meetings_of(plan.request)


def test_an_expert_who_is_not_free_is_refused_at_the_expert(coordinator_client, plan):
    html = html_of(manual(coordinator_client, plan, (future_day(40), OCHTEND), plan.expert))
    assert has_field_error(html, "manual-expert_id") and "niet als beschikbaar opgegeven" in html


@pytest.mark.parametrize("value", [
    "", "x", "<script>", "2026-02-30|ochtend|1", "2030-01-01|nacht|1", "2030-01-01|ochtend|0",
    "2030-01-01|ochtend|99999999999", "2030-01-01|ochtend|1|2", "2030-01-01|ochtend|1\n", "２０３０-01-01|ochtend|1",
    "{past}", "{unknown}", "{other}",
])
def test_a_forged_proposal_is_an_error_at_the_proposals(coordinator_client, plan, value):
    past, unknown = (today_local() - timedelta(days=3)).isoformat(), plan.moments[0][0].isoformat()
    value = value.format(past=f"{past}|ochtend|{plan.expert.id}", unknown=f"{unknown}|ochtend|999999",
                         other=slot(plan.moments[0], plan.other_expert))
    before = counts()
    response = pick(coordinator_client, plan, **{"proposal-proposal": value, "proposal-title": "Mijn titel"})
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="proposal-proposal-error"' in html and 'href="#proposal-proposal-0"' in html
    assert 'value="Mijn titel"' in html
    assert counts() == before


def test_a_title_is_escaped_and_its_length_checked(coordinator_client, plan):
    html = html_of(pick(coordinator_client, plan, **{"proposal-title": "x" * 10_000}))
    assert has_field_error(html, "proposal-title") and "gebruik maximaal 200 tekens" in html.lower()
    assert not meetings_of(plan.request)

    response = pick(coordinator_client, plan, **{"proposal-title": "<script>alert(1)</script> overleg"})
    (meeting,) = meetings_of(plan.request)
    assert meeting.title == "<script>alert(1)</script> overleg"
    for url in (response.headers["Location"], meeting_url(meeting), f"/coordinatie/aanvragen/{plan.request.id}"):
        html = html_of(coordinator_client.get(url))
        assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; overleg" in html_of(coordinator_client.get(meeting_url(meeting)))


def test_no_proposal_chosen_keeps_the_title(coordinator_client, plan):
    response = coordinator_client.post(schedule_url(plan.request), data={"proposal-title": "Mijn titel"})
    html = html_of(response)
    assert response.status_code == 200 and 'id="proposal-proposal-error"' in html and 'value="Mijn titel"' in html
    assert "Kies een van de voorstellen." in html


# ---- the session page --------------------------------------------------------------------------
def test_the_meeting_page_shows_the_meeting_and_its_forms(coordinator_client, plan):
    meeting = booked_meeting(plan, title="Samen signaleren")
    html = html_of(coordinator_client.get(meeting_url(meeting)))
    assert "<h1" in html and "Samen signaleren" in html
    assert "Stadhuis Maastricht" in html and "09:00" in html and "12:30" in html and "ochtend" in html
    assert f'href="/coordinatie/aanvragen/{plan.request.id}"' in html
    assert "Eva Jansen" in html and "Nog niet beantwoord" in html and "OOGO" in html
    assert 'value="Samen signaleren"' in html and 'value="09:00"' in html and 'value="12:30"' in html
    assert f'<option selected value="{plan.expert.id}">Eva Jansen</option>' in html
    assert f'value="{plan.moments[0][0].isoformat()}"' in html
    for action in ("gegevens", "verplaatsen", "annuleren"):
        assert f'action="{meeting_url(meeting)}/{action}"' in html


def details_and_panel(html: str) -> tuple[str, str]:
    """The session page's details column and its actions panel (problem 9 of issue 18)."""
    workspace = html.split('<div class="ob-workspace">')[1]
    details, panel = workspace.split('<div class="ob-workspace__details">')[1].split(
        '<div class="ob-workspace__actions ob-panel">')
    return details, panel


def test_the_actions_are_in_a_panel_beside_the_details(coordinator_client, plan):
    meeting = booked_meeting(plan, title="Samen signaleren")
    details, panel = details_and_panel(html_of(coordinator_client.get(meeting_url(meeting))))
    assert "Stadhuis Maastricht" in details and "Eva Jansen" in details and 'id="participants-link"' in details
    # changing the details sits with the details; moving, another expert and cancelling in the panel
    assert f'action="{meeting_url(meeting)}/gegevens"' in details
    for action in ("verplaatsen", "annuleren"):
        assert f'action="{meeting_url(meeting)}/{action}"' in panel
        assert f'/{action}"' not in details
    assert 'id="move-title">Verplaatsen of andere expert</h2>' in panel
    assert panel.index('id="move-title"') < panel.index('id="cancel-title"')
    assert 'id="free-title"' in panel and 'id="move-expert_id"' in panel


def test_a_declined_assignment_shows_its_reason(coordinator_client, plan):
    meeting = booked_meeting(plan)
    assignment = meeting.experts[0]
    assignment.state, assignment.decline_reason = AssignmentState.DECLINED, "Ik ben die dag in Groningen."
    db.session.commit()
    html = html_of(coordinator_client.get(meeting_url(meeting)))
    assert "Geweigerd" in html and "Ik ben die dag in Groningen." in html


def _details(meeting, **changes) -> dict:
    values = {"title": meeting.title, "description": "", "location": meeting.location, "online_url": "",
              "starts": "09:00", "ends": "12:30", **changes}
    return {f"details-{k}": v for k, v in values.items()}


def test_changing_the_details_through_the_page(coordinator_client, plan):
    meeting = booked_meeting(plan)
    url = meeting_url(meeting) + "/gegevens"
    since = last_mail_id()
    response = coordinator_client.post(url, data=_details(meeting, title="Nieuwe titel"))
    assert response.headers["Location"] == meeting_url(meeting)
    assert "niemand krijgt een e-mail" in flashes(coordinator_client, meeting_url(meeting))
    assert meeting_mails(since) == []

    response = coordinator_client.post(url, data=_details(meeting, starts="09:30", online_url="https://meet.example.org/x"))
    assert "Iedereen die meedoet krijgt een e-mail" in flashes(coordinator_client, meeting_url(meeting))
    db.session.expire_all()
    changed = db.session.get(Meeting, meeting.id)
    assert changed.title == "Nieuwe titel" and changed.state is MeetingState.CHANGED
    assert changed.online_url == "https://meet.example.org/x"
    assert sorted(sent(meeting_mails(since))) == sorted([("session_changed", CONTACT), ("session_changed", EXPERT)])


@pytest.mark.parametrize("changes, field", [
    ({"starts": "08:00"}, "details-starts"),
    ({"starts": "11:00", "ends": "10:00"}, "details-starts"),
    ({"starts": "25:00"}, "details-starts"),
    ({"ends": ""}, "details-ends"),
    ({"title": ""}, "details-title"),
    ({"title": "x" * 10_000}, "details-title"),
    ({"online_url": "javascript:alert(1)"}, "details-online_url"),
    ({"location": "y" * 301}, "details-location"),
])
def test_bad_details_are_shown_at_their_field(coordinator_client, plan, changes, field):
    meeting = booked_meeting(plan)
    before = counts()
    response = coordinator_client.post(meeting_url(meeting) + "/gegevens", data=_details(meeting, **changes))
    html = html_of(response)
    assert response.status_code == 200 and has_field_error(html, field), field
    for value in changes.values():
        if value and len(value) < 400:
            assert f'value="{value}"' in html
    assert counts() == before


def test_rescheduling_through_the_page(coordinator_client, plan):
    meeting = booked_meeting(plan)
    url = meeting_url(meeting) + "/verplaatsen"
    since = last_mail_id()
    data = {"move-day": plan.moments[1][0].isoformat(), "move-dagdeel": "middag", "move-expert_id": str(plan.expert.id)}
    response = coordinator_client.post(url, data=data)
    assert response.headers["Location"] == meeting_url(meeting)
    html = flashes(coordinator_client, meeting_url(meeting))
    assert "De bijeenkomst is nu op" in html and "middag, met Eva Jansen" in html
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting.id)
    assert (moved.date, moved.dagdeel, moved.state) == (*plan.moments[1], MeetingState.CHANGED)
    assert sorted(sent(meeting_mails(since))) == sorted([("session_changed", CONTACT), ("session_changed", EXPERT)])


def test_moving_a_session_with_two_experts_says_that_the_other_one_goes(coordinator_client, plan, make_training):
    """A training can have more than one expert; a move keeps only the one chosen. The page says
    so before, and the message after names who was taken off."""
    training = make_training()
    piet = add_expert(plan, "piet@example.org", "Piet Tweede")
    training.experts.append(MeetingExpert(expert=piet, date=training.date, dagdeel=training.dagdeel))
    db.session.commit()
    html = html_of(coordinator_client.get(meeting_url(training)))
    notice = re.search(r'<p [^>]*id="experts-notice"[^>]*>(.*?)</p>', html, re.DOTALL).group(1)
    assert "2 experts: Eva Jansen en Piet Tweede" in notice and "De anderen krijgen een annulering" in notice

    moment = (training.date + timedelta(days=7), training.dagdeel)
    plan.available(plan.expert, *moment)
    data = {"move-day": moment[0].isoformat(), "move-dagdeel": moment[1].value, "move-expert_id": str(plan.expert.id)}
    response = coordinator_client.post(meeting_url(training) + "/verplaatsen", data=data)
    html = flashes(coordinator_client, response.headers["Location"])
    assert "Piet Tweede doet niet meer mee aan deze bijeenkomst en krijgt een annulering." in html
    assert 'id="experts-notice"' not in html  # one expert left


def test_rescheduling_outside_the_preferences_asks_to_confirm(coordinator_client, plan):
    meeting = booked_meeting(plan)
    moment = (future_day(42), AVOND)
    plan.available(plan.expert, *moment)
    url = meeting_url(meeting) + "/verplaatsen"
    data = {"move-day": moment[0].isoformat(), "move-dagdeel": "avond", "move-expert_id": str(plan.expert.id)}
    html = html_of(coordinator_client.post(url, data=data))
    assert "Controleer dit eerst" in html and "Ik heb de waarschuwingen gelezen" in html
    assert meetings_of(plan.request)[0].date == plan.moments[0][0]

    response = coordinator_client.post(url, data={**data, "move-warned": slot(moment, plan.expert), "move-confirmed": "y"})
    assert response.status_code == 302
    assert (meetings_of(plan.request)[0].date, meetings_of(plan.request)[0].dagdeel) == moment


@pytest.mark.parametrize("data, field", [
    ({"move-day": "2026-02-30"}, "move-day"),
    ({"move-day": "2020-01-01"}, "move-day"),
    ({"move-expert_id": "999999"}, "move-expert_id"),
    ({"move-dagdeel": ""}, "move-dagdeel"),
    ({}, "move-day"),  # the same moment and expert: nothing to change
])
def test_bad_rescheduling_input_is_shown_at_its_field(coordinator_client, plan, data, field):
    meeting = booked_meeting(plan)
    before = counts()
    values = {"move-day": meeting.date.isoformat(), "move-dagdeel": "ochtend", "move-expert_id": str(plan.expert.id),
              **data}
    response = coordinator_client.post(meeting_url(meeting) + "/verplaatsen", data=values)
    assert response.status_code == 200 and has_field_error(html_of(response), field)
    assert counts() == before


def test_cancelling_through_the_page(coordinator_client, plan):
    meeting = booked_meeting(plan)
    book(plan, plan.moments[1])
    register(meeting, "deelnemer@example.org", RegistrationState.CONFIRMED)
    url = meeting_url(meeting) + "/annuleren"
    before = counts()
    html = html_of(coordinator_client.post(url, data={"cancel-reason": "  "}))
    assert has_field_error(html, "cancel-reason") and counts() == before

    since = last_mail_id()
    response = coordinator_client.post(url, data={"cancel-reason": "De spreker is ziek."})
    assert response.headers["Location"] == f"/coordinatie/aanvragen/{plan.request.id}"
    html = flashes(coordinator_client, response.headers["Location"])
    assert "De bijeenkomst is geannuleerd." in html and "1 van 2 dagdelen ingepland" in html
    assert f'href="{schedule_url(plan.request)}"' in html
    assert state_of(plan.request) is RequestState.GRANTED
    mails = meeting_mails(since)
    assert sorted((m.recipient, m.calendar_method) for m in mails) == sorted([
        (CONTACT, "CANCEL"), ("deelnemer@example.org", "CANCEL"), (EXPERT, "CANCEL")])

    html = html_of(coordinator_client.get(meeting_url(meeting)))
    assert "Geannuleerd" in html and "De spreker is ziek." in html and "<form" not in html.split('id="main"')[1]
    again = coordinator_client.post(url, data={"cancel-reason": "Nog eens."})
    assert again.headers["Location"] == meeting_url(meeting)
    assert "Deze bijeenkomst is geannuleerd." in flashes(coordinator_client, meeting_url(meeting))
    assert len(meeting_mails(since)) == 3


def test_the_request_history_names_the_states_of_its_sessions_in_words(coordinator_client, plan):
    """A session's change of state is on its request's history: in the words of the session's
    states, not the stored values ("planned", "cancelled")."""
    meeting = booked_meeting(plan)
    coordinator_client.post(meeting_url(meeting) + "/annuleren", data={"cancel-reason": "De spreker is ziek."})
    html = html_of(coordinator_client.get(f"/coordinatie/aanvragen/{plan.request.id}"))
    history = html.split('id="history-title"')[1]
    entry = re.search(r"<strong>Bijeenkomst geannuleerd</strong>(.*?)</p>", history, re.DOTALL).group(1)
    words = " ".join(re.sub(r"<[^>]+>", " ", entry).split())
    moment = f"{long_date(meeting.date)}, {dagdeel_label(meeting.dagdeel)}"  # which session
    assert words == f"({moment}): Ingepland → naar Geannuleerd"
    assert not re.search(r"\b(planned|cancelled|changed|expert_needed)\b", history)


def test_a_meeting_that_has_begun_shows_no_forms(coordinator_client, plan, monkeypatch):
    meeting = booked_meeting(plan)
    monkeypatch.setattr(changes, "has_started", lambda moment: True)  # the rule the page and the service share
    html = html_of(coordinator_client.get(meeting_url(meeting)))
    assert "al begonnen of geweest" in html and "<form" not in html.split('id="main"')[1]
    _details, panel = details_and_panel(html)
    assert 'id="closed"' in panel and "al begonnen of geweest" in panel  # the panel says why it is empty
    response = coordinator_client.post(meeting_url(meeting) + "/annuleren", data={"cancel-reason": "Te laat."})
    assert response.status_code == 302 and meetings_of(plan.request)[0].state is MeetingState.PLANNED


# ---- the region's status page -----------------------------------------------------------------
def test_the_status_page_shows_the_booking_and_a_cancellation_with_its_reason(client, plan):
    meeting = booked_meeting(plan)
    book(plan, plan.moments[1])
    token = requests.status_token(plan.request)
    html = html_of(client.get(f"/aanvraag/{token}"))
    for day, dagdeel in plan.moments:  # which session: both have the request's title
        assert f"Er is een bijeenkomst ingepland op {long_date(day)}, {dagdeel_label(dagdeel)}." in html
    assert "Alle dagdelen zijn ingepland." in html
    assert f'href="/aanvraag/{token}/intrekken"' in html and "tot de bijeenkomsten hebben plaatsgevonden" in html
    with unit_of_work():
        services.cancel(meeting, "De spreker is ziek.", plan.coordinator)
    html = html_of(client.get(f"/aanvraag/{token}"))
    assert "(Geannuleerd)" in html and "De spreker is ziek." in html
    assert f"De bijeenkomst op {long_date(meeting.date)}, {dagdeel_label(meeting.dagdeel)} is geannuleerd." in html
    withdraw = html_of(client.get(f"/aanvraag/{token}/intrekken"))
    assert "wordt de ingeplande bijeenkomst geannuleerd" in withdraw


def test_withdrawing_after_a_session_took_place_promises_only_the_dagdelen_that_go_back(client, plan, monkeypatch):
    m1, m2 = plan.moments
    book(plan, m1), book(plan, m2)
    monkeypatch.setattr(services, "has_started", lambda moment, now=None: moment == m1)  # the first has been held
    token = requests.status_token(plan.request)
    withdraw = html_of(client.get(f"/aanvraag/{token}/intrekken"))
    assert "gaat het toegekende dagdeel (1) terug naar uw regio" in withdraw
    assert "gaan de 2 toegekende dagdelen terug" not in withdraw
    assert "wordt de ingeplande bijeenkomst geannuleerd" in withdraw

    client.post(f"/aanvraag/{token}/intrekken")
    assert quota.remaining(plan.region, plan.period) == 3  # what the page promised


def test_rejecting_a_granted_request_says_which_sessions_are_cancelled_and_what_goes_back(coordinator_client, plan):
    """A granted request with a booked session can still be rejected: the page and the message
    say that the session is cancelled (its people get a mail), before and after."""
    meeting = booked_meeting(plan)
    register(meeting, "deelnemer@example.org", RegistrationState.CONFIRMED)
    detail = f"/coordinatie/aanvragen/{plan.request.id}"
    html = html_of(coordinator_client.get(detail))
    assert "De ingeplande bijeenkomst die nog niet is begonnen, wordt geannuleerd." in html
    assert "De 2 toegekende dagdelen gaan terug naar het quotum van de regio." in html

    since = last_mail_id()
    response = coordinator_client.post(detail + "/afwijzen", data={"reason": "Dubbel ingediend."})
    html = flashes(coordinator_client, response.headers["Location"])
    assert "U hebt de aanvraag afgewezen." in html
    assert "1 ingeplande bijeenkomst is geannuleerd. De expert en de aangemelde deelnemers krijgen daarover een e-mail." in html
    assert meetings_of(plan.request)[0].state is MeetingState.CANCELLED
    assert ("deelnemer@example.org", "CANCEL") in [(m.recipient, m.calendar_method) for m in meeting_mails(since)]


def test_rejecting_after_a_session_took_place_promises_only_the_dagdelen_that_go_back(coordinator_client, plan,
                                                                                     monkeypatch):
    m1, _m2 = plan.moments
    book(plan, m1)
    monkeypatch.setattr(services, "has_started", lambda moment, now=None: moment == m1)  # it has been held
    detail = f"/coordinatie/aanvragen/{plan.request.id}"
    html = html_of(coordinator_client.get(detail))
    assert "1 toegekend dagdeel gaat terug naar het quotum van de regio." in html
    assert "De 2 toegekende dagdelen gaan terug" not in html and "wordt geannuleerd" not in html
    coordinator_client.post(detail + "/afwijzen", data={"reason": "De regio heeft genoeg gehad."})
    assert quota.remaining(plan.region, plan.period) == 3  # what the page promised


# ---- query counts ------------------------------------------------------------------------------
def _queries(client, url: str) -> int:
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_pages_take_as_many_queries_for_many_experts_and_meetings_as_for_few(coordinator_client, plan):
    small = plan.request
    small_meeting = booked_meeting(plan)
    days = [future_day(d) for d in range(50, 56)]
    big = plan.granted(4, region=plan.regions[1], contact_email="noord@example.org",
                       moments=[(day, MIDDAG) for day in days])
    experts = [add_expert(plan, f"e{i}@example.org", f"Expert {i}", slots=[(d, MIDDAG) for d in days])
               for i in range(10)]
    big_meetings = [booked_meeting(plan, (day, MIDDAG), expert=expert, request=big)
                    for day, expert in zip(days[:3], experts)]
    extra = big_meetings[0]
    for i in range(3):
        register(extra, f"p{i}@example.org", RegistrationState.CONFIRMED)
    declined = db.session.scalar(select(MeetingExpert).where(MeetingExpert.meeting_id == extra.id))
    declined.state = AssignmentState.DECLINED
    db.session.add(MeetingExpert(meeting=extra, expert=experts[5], date=extra.date, dagdeel=extra.dagdeel))
    db.session.commit()
    assert len(meetings_of(big)) == 3 and db.session.scalar(select(func.count()).select_from(MeetingExpert)) == 5

    for few, many in [
        (schedule_url(small), schedule_url(big)),
        (f"/coordinatie/aanvragen/{small.id}", f"/coordinatie/aanvragen/{big.id}"),
        (meeting_url(small_meeting), meeting_url(extra)),
    ]:
        assert _queries(coordinator_client, few) == _queries(coordinator_client, many), (few, many)
    html = html_of(coordinator_client.get(schedule_url(big)))
    assert len(re.findall(r'name="proposal-proposal"', html)) == 20  # of 3 days left x 10 experts


def test_a_training_dagdeel_leads_back_to_its_training_not_to_the_requests(coordinator_client, make_training):
    """Issue 18, item 16: the back link said "Alle aanvragen" on a training's page."""
    training = make_training(parts=2)
    second = training.parts[0]
    html = html_of(coordinator_client.get(meeting_url(second)))
    back = re.search(r'<p class="utrecht-paragraph"><a [^>]*>[^<]*</a>', html).group(0)
    assert f'href="/coordinatie/trainingen/{training.id}"' in back and "Terug naar de training" in back
    assert "Alle aanvragen" not in back


def test_a_training_dagdeel_does_not_speak_of_a_contact_person_it_does_not_have(coordinator_client, plan,
                                                                                 make_training):
    """An open training has no region contact: its forms name who really gets the mail and the reason."""
    training = make_training(parts=2)
    html = html_of(coordinator_client.get(meeting_url(training)))
    assert "contactpersoon" not in html
    assert "De expert en de deelnemers zien deze titel." in html
    assert "De expert en de deelnemers lezen deze reden." in html
    assert "naar de expert en de deelnemers." in html
    edit = html_of(coordinator_client.get(f"/coordinatie/trainingen/{training.id}"))
    assert "contactpersoon" not in edit and "De experts en de deelnemers lezen deze reden." in edit
    regional = html_of(coordinator_client.get(meeting_url(booked_meeting(plan))))
    assert "De expert, de contactpersoon en de deelnemers lezen deze reden." in regional
    assert "De contactpersoon, de expert en de deelnemers zien deze titel." in regional
