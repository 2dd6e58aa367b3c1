"""The participant list: who may see it, what it shows, the coordinators' changes (add, cancel,
promote, move, capacity), the CSV export, the presence list and attendance. Bad input, CSRF and
query counts.

The users read English here, so that the flashes can be checked before the Dutch texts are
merged; the Dutch pages are checked by the browser test."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import changes, services
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Attendance,
    Meeting,
    MeetingExpert,
    Registration,
    RegistrationState,
)
from tests.factories import applicant
from tests.helpers import login
from tests.queries import count_queries
from tests.requests.test_coordinator_pages import has_field_error

CONFIRMED, WAITING, CANCELLED, ATTENDED = (RegistrationState.CONFIRMED, RegistrationState.WAITING,
                                           RegistrationState.CANCELLED, RegistrationState.ATTENDED)


@pytest.fixture(autouse=True)
def english(plan):
    """Pages and flashes in English (the msgids), whatever the Dutch catalogue holds."""
    for user in (plan.coordinator, plan.expert, plan.other_expert):
        user.locale = "en"
    db.session.commit()


# ---- helpers -----------------------------------------------------------------------------------
def url(meeting, suffix: str = "deelnemers") -> str:
    return f"/bijeenkomsten/{meeting.id}/{suffix}"


def registration_url(registration, action: str = "") -> str:
    """A registration's own page (no `action`), or where one of its changes is posted."""
    return f"/bijeenkomsten/{registration.meeting_id}/deelnemers/{registration.id}" + (f"/{action}" if action else "")


def html_of(response) -> str:
    return response.get_data(as_text=True)


def follow(client, response) -> str:
    """The page a redirect leads to, with its flash messages."""
    assert response.status_code == 302, html_of(response)[:2000]
    return html_of(client.get(response.headers["Location"]))


def fill(meeting, count: int, start: int = 0, **overrides) -> list[Registration]:
    with unit_of_work():
        return [services.register(meeting, applicant(n, **overrides)) for n in range(start, start + count)]


def begin(*meetings, hours_ago: int = 4) -> None:
    """Move sessions into the past (registering is only possible before they begin)."""
    for meeting in meetings:
        meeting.starts_at = utcnow() - timedelta(hours=hours_ago)
        meeting.ends_at = meeting.starts_at + timedelta(hours=3)
    db.session.commit()


def state_of(registration) -> RegistrationState:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).state


def add_data(**overrides) -> dict:
    data = {"add-name": "Fatima el Amrani", "add-email": "Fatima@Example.org", "add-organisation": "Jeugdteam Zuid",
            "add-sector": "jeugdhulp", "add-function": "Jeugdprofessional", "add-needs": ""}
    data.update(overrides)
    return data


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def mails(kind: str) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)))


def queries(client, address: str) -> int:
    """The statements a GET of `address` runs, nothing cached from before."""
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(address).status_code == 200
    return len(statements)


def csv_of(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


# ---- access ------------------------------------------------------------------------------------
def _routes(meeting, registration) -> list[tuple[str, str]]:
    return [
        ("get", url(meeting)), ("get", url(meeting, "deelnemers.csv")), ("get", url(meeting, "presentielijst")),
        ("post", url(meeting, "aanwezigheid")), ("post", url(meeting, "deelnemers/toevoegen")),
        ("post", url(meeting, "plaatsen")), ("get", registration_url(registration)),
        ("post", registration_url(registration, "afmelden")),
        ("post", registration_url(registration, "plaats-geven")),
        ("post", registration_url(registration, "verplaatsen")),
        ("post", registration_url(registration, "registernummer")),
        ("get", "/coordinatie/evaluaties"), ("get", f"/coordinatie/evaluaties/{meeting.id}"),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(app, training):
    [registration] = fill(training, 1)
    client = app.test_client()
    for method, address in _routes(training, registration):
        response = getattr(client, method)(address)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen"), address


def test_an_expert_without_an_assignment_gets_403(app, plan, training):
    [registration] = fill(training, 1)
    client = login(app.test_client(), plan.other_expert)
    for method, address in _routes(training, registration):
        assert getattr(client, method)(address).status_code == 403, address
    assert state_of(registration) is CONFIRMED


def test_a_declined_assignment_gives_no_access(plan, training, expert_client):
    assignment = db.session.scalar(select(MeetingExpert).where(MeetingExpert.meeting_id == training.id))
    assignment.state = AssignmentState.DECLINED
    db.session.commit()
    assert expert_client.get(url(training)).status_code == 403


def test_the_assigned_expert_sees_the_list_but_cannot_change_it(plan, training, expert_client):
    confirmed, = fill(training, 1)
    html = html_of(expert_client.get(url(training)))
    assert "Deelnemer 0" in html and 'id="sectors"' in html
    assert "/toevoegen" not in html and "/afmelden" not in html and "/plaatsen" not in html
    assert 'href="/bijeenkomsten/%d/deelnemers.csv"' % training.id in html
    rows = csv_of(expert_client.get(url(training, "deelnemers.csv")))
    assert "E-mail address" not in rows[0] and confirmed.email not in str(rows)
    assert expert_client.get(url(training, "presentielijst")).status_code == 200
    for method, address in _routes(training, confirmed)[4:]:
        assert getattr(expert_client, method)(address).status_code == 403, address
    assert state_of(confirmed) is CONFIRMED


def test_an_expert_of_one_part_sees_the_list_of_the_series(app, plan, make_training):
    lead = make_training(parts=2)
    second = lead.parts[0]
    db.session.scalar(select(MeetingExpert).where(MeetingExpert.meeting_id == lead.id)).state = AssignmentState.DECLINED
    other = db.session.scalar(select(MeetingExpert).where(MeetingExpert.meeting_id == second.id))
    other.expert = plan.other_expert
    db.session.commit()
    client = login(app.test_client(), plan.other_expert)
    assert client.get(url(lead)).status_code == 200
    assert client.get(url(second)).status_code == 200
    assert login(app.test_client(), plan.expert).get(url(second)).status_code == 403


def test_unknown_meetings_and_registrations_give_404(coordinator_client, training, make_training):
    other = make_training(title="Tweede ronde", days_ahead=40)
    [elsewhere] = fill(other, 1)
    for address in ["/bijeenkomsten/999999/deelnemers", "/bijeenkomsten/2147483648/deelnemers",
                    "/bijeenkomsten/999999/deelnemers.csv", "/bijeenkomsten/999999/presentielijst",
                    "/coordinatie/evaluaties/999999", "/coordinatie/evaluaties/99999999999",
                    url(training, f"presentielijst?deel={other.id}"), url(training, "presentielijst?deel=abc")]:
        assert coordinator_client.get(address).status_code == 404, address
    for action in ["afmelden", "plaats-geven", "verplaatsen"]:
        address = f"/bijeenkomsten/{training.id}/deelnemers/{elsewhere.id}/{action}"
        assert coordinator_client.post(address, data={f"move-{elsewhere.id}-target": str(training.id)}).status_code == 404
    assert coordinator_client.post("/bijeenkomsten/999999/plaatsen", data={"capacity-capacity": "5"}).status_code == 404
    assert state_of(elsewhere) is CONFIRMED


# ---- the list ----------------------------------------------------------------------------------
def test_the_list_shows_places_waiting_list_sectors_and_cancelled(coordinator_client, make_training):
    training = make_training(capacity=3)
    people = fill(training, 5)  # sectors cycle: onderwijs, jeugdhulp, gemeente, anders, onderwijs
    with unit_of_work():
        services.cancel_registration(people[1])  # jeugdhulp leaves; the first waiting (3) gets the place
    html = html_of(coordinator_client.get(url(training)))
    assert re.search(r'id="places">\s*3 of 3 places taken', html)
    assert re.search(r'id="waiting-count">\s*1 person on the waiting list', html)
    sectors = re.findall(r'<th scope="row" class="utrecht-table__cell ob-bar-table__label">([^<]+)</th>\s*'
                         r'<td class="utrecht-table__cell utrecht-table__cell--numeric-data">(\d+)</td>',
                         html.split('id="sectors"')[1].split("</table>")[0])
    assert sectors == [("Education", "1"), ("Youth care", "0"), ("Municipality", "1"), ("Other", "1")]
    assert "Not joint yet" in html
    confirmed = html.split('id="confirmed"')[1].split("</table>")[0]
    assert [int(i) for i in re.findall(r'id="registration-(\d+)"', confirmed)] == [people[i].id for i in (0, 2, 3)]
    waiting = html.split('id="waiting"')[1].split("</table>")[0]
    assert f'id="registration-{people[4].id}"' in waiting and ">1</td>" in waiting
    assert '<details id="cancelled">' in html and "Deelnemer 1, SWV Zuid" in html
    person = html_of(coordinator_client.get(registration_url(people[4])))  # giving a place: on their own page
    assert "The session is full. When you give someone a place, the number of places goes up by one." in person
    assert 'id="promote"' in person


def test_the_forms_are_in_a_panel_beside_the_details_and_the_list_follows_whole(coordinator_client, training):
    """Issue 18, problem 9: adding someone, the places and the places per sector in the panel, each
    folded; the lists below both columns, at full width."""
    fill(training, 2)
    html = html_of(coordinator_client.get(url(training)))
    layout = html.split('<div class="ob-workspace ob-workspace--list-below">')[1]
    details, rest = layout.split('<div class="ob-workspace__details">')[1].split(
        '<div class="ob-workspace__actions ob-panel">')
    panel, lists = rest.split('<div class="ob-workspace__history">')
    assert 'id="places"' in details and 'id="sectors"' in details and "<form" not in details
    for action, key in (("deelnemers/toevoegen", "add"), ("plaatsen", "capacity"), ("plaatsen-per-sector", "places")):
        assert f'action="{url(training, action)}"' in panel
        assert f'<details id="{key}-form">' in panel  # folded until it is needed
    assert 'id="confirmed"' in lists and 'id="waiting-title"' in lists and "Deelnemer 1" in lists
    assert "<details" not in lists.split('id="waiting-title"')[0]  # the list itself is never folded


def test_joint_when_both_education_and_youth_care_take_part(coordinator_client, training):
    fill(training, 2)
    assert "Joint: people from education and from youth care take part." in html_of(coordinator_client.get(url(training)))


def test_a_part_of_a_series_shows_the_list_of_its_lead(coordinator_client, make_training):
    lead = make_training(parts=3)
    fill(lead, 2)
    second = lead.all_parts[1]
    html = html_of(coordinator_client.get(url(second)))
    assert "Deelnemer 0" in html and "Deelnemer 1" in html
    assert f'href="/bijeenkomsten/{second.id}/deelnemers#attendance-title" aria-current="page"' in html
    assert f'presentielijst?deel={second.id}' in html


def test_script_in_names_is_shown_as_text(coordinator_client, training):
    fill(training, 1, name="<script>alert(1)</script>", organisation="<b>SWV</b>")
    html = html_of(coordinator_client.get(url(training)))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>SWV</b>" not in html


# ---- add someone by hand -----------------------------------------------------------------------
def test_add_someone_by_hand(coordinator_client, plan, training):
    response = coordinator_client.post(url(training, "deelnemers/toevoegen"), data=add_data())
    html = follow(coordinator_client, response)
    assert "Fatima el Amrani has been added and has a place. They get a confirmation by e-mail." in html
    added = db.session.scalar(select(Registration).where(Registration.email == "fatima@example.org"))
    assert added.state is CONFIRMED and added.sector is Sector.JEUGDHULP and added.consent_at is not None
    assert "registration.added" in audit_actions()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "registration.added"))
    assert event.actor_id == plan.coordinator.id
    assert [m.recipient for m in mails("registration_confirmed")] == ["fatima@example.org"]


def test_adding_to_a_full_meeting_puts_someone_on_the_waiting_list(coordinator_client, make_training):
    training = make_training(capacity=1)
    fill(training, 1)
    html = follow(coordinator_client, coordinator_client.post(url(training, "deelnemers/toevoegen"), data=add_data()))
    assert "The session is full, so Fatima el Amrani is number 1 on the waiting list." in html
    assert db.session.scalar(select(Registration.state).where(Registration.email == "fatima@example.org")) is WAITING


def test_adding_to_a_full_meeting_without_waiting_list_says_what_to_do_first(coordinator_client, make_training):
    """Full and no waiting list: the form says so before anything is typed, and a post keeps what
    was typed and says how to make room, instead of only "this session is full"."""
    training = make_training(capacity=1, waiting_list=False)
    fill(training, 1)
    advice = "First raise the number of places or turn the waiting list on"
    page = html_of(coordinator_client.get(url(training)))
    assert 'id="add-full"' in page and advice in page
    response = coordinator_client.post(url(training, "deelnemers/toevoegen"), data=add_data())
    html = html_of(response)
    assert response.status_code == 200 and 'id="error-summary"' in html and advice in html.split('id="error-summary"')[1]
    assert 'value="Fatima el Amrani"' in html
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    room = make_training(capacity=5, waiting_list=False, title="Ruimte", days_ahead=40)
    assert 'id="add-full"' not in html_of(coordinator_client.get(url(room)))


def test_adding_the_same_address_twice_says_so_at_the_field(coordinator_client, training):
    [existing] = fill(training, 1)
    response = coordinator_client.post(url(training, "deelnemers/toevoegen"),
                                       data=add_data(**{"add-email": existing.email.upper()}))
    assert response.status_code == 200
    html = html_of(response)
    assert has_field_error(html, "add-email")
    assert f"{existing.email} is already on the list of this session (confirmed)." in html
    assert 'value="Fatima el Amrani"' in html and 'id="error-summary"' in html
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


@pytest.mark.parametrize("field, value", [
    ("add-name", ""), ("add-name", "x" * 10_000), ("add-email", "geen adres"), ("add-sector", "bestuur"),
    ("add-organisation", ""), ("add-needs", "y" * 10_000),
])
def test_bad_input_when_adding_gives_an_error_at_the_field(coordinator_client, training, field, value):
    response = coordinator_client.post(url(training, "deelnemers/toevoegen"), data=add_data(**{field: value}))
    assert response.status_code == 200
    html = html_of(response)
    target = "add-sector" if field == "add-sector" else field
    assert f'id="{target}-error"' in html and 'id="error-summary"' in html
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


# ---- cancel, promote, move ---------------------------------------------------------------------
def test_the_list_has_no_form_per_person_and_links_each_name_to_its_own_page(coordinator_client, make_training):
    small, big = make_training(capacity=3), make_training(capacity=30, title="Groot", days_ahead=40)
    fill(small, 5)
    people = fill(big, 40, start=100)
    forms = [html_of(coordinator_client.get(url(meeting))).count("<form") for meeting in (small, big)]
    assert forms[0] == forms[1]
    html = html_of(coordinator_client.get(url(big)))
    assert all(f'<a href="{registration_url(person)}">{person.name}</a>' in html for person in people)
    assert "<select" not in html


def test_each_person_adds_a_row_of_plain_cells_to_the_list(coordinator_client, make_training):
    """A thousand people must fit in well under 300 KB (docs/performance.md): a row carries its
    values and the link to its page, not the column names, which js/card-labels.js copies from
    the heading row for the stacked rows on narrow screens."""
    small, big = make_training(capacity=30), make_training(capacity=30, title="Groot", days_ahead=40)
    fill(small, 5)
    fill(big, 25, start=100)
    sizes = [len(coordinator_client.get(url(meeting)).data) for meeting in (small, big)]
    assert (sizes[1] - sizes[0]) / 20 < 260
    html = html_of(coordinator_client.get(url(big)))
    assert 'id="confirmed" data-labels="head"' in html and "js/card-labels" in html
    assert "data-label=" not in html.split('id="confirmed"')[1].split("</table>")[0]

def test_a_person_page_shows_the_registration_and_what_can_be_done(coordinator_client, make_training):
    training = make_training(capacity=1)
    make_training(title="Tweede ronde", days_ahead=40)  # somewhere to move to
    confirmed, waiting = fill(training, 2)
    html = html_of(coordinator_client.get(registration_url(waiting)))
    assert "<h1 class=\"utrecht-heading-1\">Deelnemer 1</h1>" in html and waiting.email in html
    assert "(number 1 on the waiting list)" in html
    for action in ("plaats-geven", "afmelden", "verplaatsen"):
        assert f'action="{registration_url(waiting, action)}"' in html
    assert f'href="{url(training)}#registration-{waiting.id}"' in html
    html = html_of(coordinator_client.get(registration_url(confirmed)))
    assert "/plaats-geven" not in html and "/afmelden" in html
    with unit_of_work():
        services.cancel_registration(confirmed)
    html = html_of(coordinator_client.get(registration_url(confirmed)))
    assert "<form" not in html.split("<main")[1] and "nothing to change" in html


def test_a_person_page_of_another_session_is_404(coordinator_client, training, make_training):
    other = make_training(title="Tweede ronde", days_ahead=40)
    [elsewhere] = fill(other, 1)
    assert coordinator_client.get(f"/bijeenkomsten/{training.id}/deelnemers/{elsewhere.id}").status_code == 404
    assert coordinator_client.get(f"/bijeenkomsten/{training.id}/deelnemers/99999999999").status_code == 404


def test_cancel_gives_the_place_to_the_first_on_the_waiting_list(coordinator_client, make_training):
    training = make_training(capacity=1)
    first, waiting, later = fill(training, 3)
    response = coordinator_client.post(registration_url(first, "afmelden"),
                                       data={f"cancel-{first.id}-reason": "Ziek gemeld."})
    html = follow(coordinator_client, response)
    assert "The registration of Deelnemer 0 has been cancelled. They get an e-mail about it." in html
    assert "1 person from the waiting list got a place: Deelnemer 1." in html
    assert [state_of(r) for r in (first, waiting, later)] == [CANCELLED, CONFIRMED, WAITING]
    [cancelled] = mails("registration_cancelled")
    assert cancelled.recipient == first.email and cancelled.context["reason"] == "Ziek gemeld."
    again = follow(coordinator_client, coordinator_client.post(registration_url(first, "afmelden")))
    assert "The registration of Deelnemer 0 had already been cancelled." in again
    assert len(mails("registration_cancelled")) == 1


def test_the_mail_of_a_coordinators_cancellation_says_who_cancelled_and_why(coordinator_client, training):
    """It read as if the participant had cancelled ("U bent afgemeld ... Per ongeluk afgemeld?"),
    with the coordinator's reason as a bare line: someone who cancelled nothing could only wonder
    who used their link."""
    from ontwikkelbijeenkomsten.mail.delivery import build

    first, second = fill(training, 2)
    coordinator_client.post(registration_url(first, "afmelden"), data={f"cancel-{first.id}-reason": "Dubbel."})
    coordinator_client.post(registration_url(second, "afmelden"))
    with_reason, without = (build(m) for m in mails("registration_cancelled"))
    for mail in (with_reason, without):
        html = mail.html
        for body in (mail.body, html):
            assert "Een coördinator heeft u afgemeld voor de bijeenkomst hieronder." in body
            assert "Per ongeluk afgemeld" not in body and f"/agenda/{training.id}" not in body
            assert "Klopt dit niet? Beantwoord dan deze e-mail." in body
    assert "Reden: Dubbel." in with_reason.body and "Reden:" not in without.body


def test_a_too_long_reason_is_an_error_at_the_field(coordinator_client, training):
    [registration] = fill(training, 1)
    response = coordinator_client.post(registration_url(registration, "afmelden"),
                                       data={f"cancel-{registration.id}-reason": "x" * 10_000})
    assert response.status_code == 200
    html = html_of(response)
    assert has_field_error(html, f"cancel-{registration.id}-reason")
    assert '<h1 class="utrecht-heading-1">Deelnemer 0</h1>' in html  # the person's own page again
    assert state_of(registration) is CONFIRMED


def test_giving_a_place_in_a_full_meeting_raises_the_capacity(coordinator_client, make_training):
    training = make_training(capacity=2)
    people = fill(training, 3)
    html = follow(coordinator_client, coordinator_client.post(registration_url(people[2], "plaats-geven")))
    assert "Deelnemer 2 now has a place and gets an e-mail about it." in html
    assert "The session was full, so it now has one place more: 3." in html
    db.session.expire_all()
    assert state_of(people[2]) is CONFIRMED and db.session.get(Meeting, training.id).capacity == 3
    assert "registration.promoted" in audit_actions()
    assert [m.recipient for m in mails("registration_promoted")] == [people[2].email]
    refused = follow(coordinator_client, coordinator_client.post(registration_url(people[0], "plaats-geven")))
    assert "Only someone on the waiting list can be given a place." in refused


def test_move_to_another_training_with_places(coordinator_client, training, make_training):
    other = make_training(title="Tweede ronde", days_ahead=40)
    [mover] = fill(training, 1)
    html = html_of(coordinator_client.get(registration_url(mover)))
    options = re.findall(r'<option value="(\d+)"', html.split(f'id="move-{mover.id}-target"')[1].split("</select>")[0])
    assert options == [str(other.id)]  # not this session itself
    response = coordinator_client.post(registration_url(mover, "verplaatsen"), data={f"move-{mover.id}-target": other.id})
    html = follow(coordinator_client, response)
    assert "Deelnemer 0 has been moved to Tweede ronde on" in html and "has a place there" in html
    assert state_of(mover) is CANCELLED
    moved = db.session.scalar(select(Registration).where(Registration.meeting_id == other.id))
    assert moved.state is CONFIRMED and moved.email == mover.email
    assert "registration.moved" in audit_actions()


def test_move_to_a_full_training_goes_to_its_waiting_list(coordinator_client, training, make_training):
    other = make_training(capacity=1, title="Tweede ronde", days_ahead=40)
    fill(other, 1, start=50)
    [mover] = fill(training, 1)
    response = coordinator_client.post(registration_url(mover, "verplaatsen"), data={f"move-{mover.id}-target": other.id})
    html = follow(coordinator_client, response)
    assert "That session is full, so they are on its waiting list." in html
    moved = db.session.scalar(select(Registration).where(Registration.meeting_id == other.id,
                                                          Registration.email == mover.email))
    assert moved.state is WAITING


def test_moving_someone_from_the_waiting_list_does_not_promise_their_place_to_the_waiting_list(
        coordinator_client, make_training):
    """Someone on the waiting list has no place here: the hint says they leave the waiting list,
    not that "the place here goes to the waiting list"."""
    training = make_training(capacity=1)
    make_training(title="Tweede ronde", days_ahead=40)
    seated, waiting = fill(training, 2)
    hint = "The place here goes to the waiting list."
    seated_page = html_of(coordinator_client.get(registration_url(seated)))
    waiting_page = html_of(coordinator_client.get(registration_url(waiting)))
    assert hint in seated_page
    assert hint not in waiting_page and "The person leaves the waiting list here." in waiting_page



def move_options(client, registration) -> str:
    html = html_of(client.get(registration_url(registration)))
    found = html.split(f'id="move-{registration.id}-target"')
    return found[1].split("</select>")[0] if len(found) > 1 else ""


def test_the_move_list_counts_the_places_held_for_other_sectors(coordinator_client, training, make_training):
    """Of 8 free places, 5 are held for onderwijs: someone from jeugdhulp finds 3 there, as the
    move would give them; the list said "nog 8 plaatsen vrij"."""
    other = make_training(capacity=10, title="Tweede ronde", days_ahead=40)
    fill(other, 2, start=50, sector=Sector.GEMEENTE)
    other.held_onderwijs = 5
    db.session.commit()
    [mover] = fill(training, 1, sector=Sector.JEUGDHULP)
    [teacher] = fill(training, 1, start=1, sector=Sector.ONDERWIJS)
    assert "(3 places left for youth care)" in move_options(coordinator_client, mover)
    assert "8 places left" not in move_options(coordinator_client, mover)
    assert "(8 places left)" in move_options(coordinator_client, teacher)  # onderwijs may take every free place


def test_the_move_list_says_no_place_for_the_sector_and_leaves_out_a_session_without_waiting_list(
        coordinator_client, training, make_training):
    other = make_training(capacity=4, title="Tweede ronde", days_ahead=40)
    fill(other, 2, start=50, sector=Sector.GEMEENTE)
    other.held_onderwijs = 2
    db.session.commit()
    [mover] = fill(training, 1, sector=Sector.JEUGDHULP)
    assert "(no place left for youth care: waiting list)" in move_options(coordinator_client, mover)
    other.waiting_list_enabled = False
    db.session.commit()
    assert f'value="{other.id}"' not in move_options(coordinator_client, mover)


@pytest.mark.parametrize("value", ["", "abc", "999999", "self"])
def test_a_forged_move_target_is_an_error_at_the_field(coordinator_client, training, make_training, value):
    make_training(title="Tweede ronde", days_ahead=40)
    [mover] = fill(training, 1)
    target = str(training.id) if value == "self" else value
    response = coordinator_client.post(registration_url(mover, "verplaatsen"), data={f"move-{mover.id}-target": target})
    assert response.status_code == 200
    assert has_field_error(html_of(response), f"move-{mover.id}-target")
    assert state_of(mover) is CONFIRMED


def test_a_bad_move_of_a_cancelled_registration_says_there_is_nothing_to_change(coordinator_client, training):
    [gone] = fill(training, 1)
    with unit_of_work():
        services.cancel_registration(gone)
    response = coordinator_client.post(registration_url(gone, "verplaatsen"), data={f"move-{gone.id}-target": "abc"})
    assert response.status_code == 200
    assert "nothing to change" in html_of(response)


# ---- capacity ----------------------------------------------------------------------------------
def test_lowering_the_capacity_below_the_places_taken_is_refused_at_the_field(coordinator_client, training):
    fill(training, 5)
    response = coordinator_client.post(url(training, "plaatsen"),
                                       data={"capacity-capacity": "4", "capacity-waiting_list": "y"})
    assert response.status_code == 200
    html = html_of(response)
    assert has_field_error(html, "capacity-capacity")
    assert "5 people already have a place; the capacity cannot be lower. Cancel registrations first." in html
    assert 'value="4"' in html
    assert '<details id="capacity-form" open>' in html and '<details id="add-form">' in html  # open to show the error
    db.session.expire_all()
    assert db.session.get(Meeting, training.id).capacity == 20


def test_raising_the_capacity_gives_places_to_the_waiting_list(coordinator_client, make_training):
    training = make_training(capacity=1)
    people = fill(training, 3)
    response = coordinator_client.post(url(training, "plaatsen"),
                                       data={"capacity-capacity": "2", "capacity-waiting_list": "y"})
    html = follow(coordinator_client, response)
    assert "The session now has 2 places. When it is full, people go on the waiting list." in html
    assert "1 person from the waiting list got a place: Deelnemer 1." in html
    assert [state_of(p) for p in people] == [CONFIRMED, CONFIRMED, WAITING]
    html = follow(coordinator_client, coordinator_client.post(url(training, "plaatsen"), data={"capacity-capacity": ""}))
    assert "The session now has no limit on places. 1 person from the waiting list got a place: Deelnemer 2." in html
    assert "When it is full" not in html  # without a limit it cannot be full
    db.session.expire_all()
    changed = db.session.get(Meeting, training.id)
    assert changed.capacity is None and not changed.waiting_list_enabled and state_of(people[2]) is CONFIRMED
    assert audit_actions().count("session.capacity") == 2


def test_turning_the_waiting_list_off_says_who_is_still_on_it(coordinator_client, make_training):
    """The people already waiting stay there (a freed place still goes to them): the message
    says so, so the coordinator does not think they were taken off the list."""
    training = make_training(capacity=1)
    people = fill(training, 3)
    html = follow(coordinator_client, coordinator_client.post(url(training, "plaatsen"), data={"capacity-capacity": "1"}))
    assert "The session now has 1 place. When it is full, nobody can register any more." in html
    assert "2 people are still on the waiting list and get a place when one comes free." in html
    assert [state_of(p) for p in people] == [CONFIRMED, WAITING, WAITING]
    with unit_of_work():
        services.cancel_registration(people[0])
    assert state_of(people[1]) is CONFIRMED  # what the message promised


@pytest.mark.parametrize("value", ["abc", "-1", "10001", "99999999999999", "3.5"])
def test_a_capacity_that_is_not_a_number_in_range_is_an_error(coordinator_client, training, value):
    response = coordinator_client.post(url(training, "plaatsen"), data={"capacity-capacity": value})
    assert response.status_code == 200
    assert has_field_error(html_of(response), "capacity-capacity")
    db.session.expire_all()
    assert db.session.get(Meeting, training.id).capacity == 20


def test_once_begun_the_list_can_no_longer_change(coordinator_client, make_training):
    training = make_training(days_ahead=2)
    first, = fill(training, 1)
    begin(training)
    html = html_of(coordinator_client.get(url(training)))
    assert "/toevoegen" not in html and "/afmelden" not in html and 'id="closed"' in html
    refused = follow(coordinator_client, coordinator_client.post(registration_url(first, "afmelden")))
    assert "has begun or taken place" in refused
    assert state_of(first) is CONFIRMED


def test_a_cancelled_session_offers_no_evaluation_results_or_accreditation(coordinator_client, plan, make_training):
    """Nobody attended a cancelled session: its list does not lead to evaluation results or to the
    attendance for the registers, as the list of one that took place does."""
    held, cancelled = make_training(), make_training(title="Gaat niet door", days_ahead=40)
    begin(held)
    with unit_of_work():
        changes.cancel(cancelled, "De zaal is niet beschikbaar.", plan.coordinator)
    held_page = html_of(coordinator_client.get(url(held)))
    assert 'id="evaluation-link"' in held_page and 'id="accreditation-link"' in held_page
    cancelled_page = html_of(coordinator_client.get(url(cancelled)))
    assert 'id="closed"' in cancelled_page and "cancelled" in cancelled_page
    assert "/coordinatie/evaluaties/" not in cancelled_page and 'id="accreditation-link"' not in cancelled_page


# ---- CSV ---------------------------------------------------------------------------------------
def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].rstrip("-")


def test_two_lists_of_one_day_download_under_their_own_names(coordinator_client, make_training):
    """Both files were called deelnemers-<date>.csv, so the second overwrote or renamed the first."""
    afternoon = make_training(title="Samen leren: signaleren en arrangeren", days_ahead=12)
    morning = make_training(title="Één route voor school & wijkteam", days_ahead=12, dagdeel=Dagdeel.OCHTEND)
    names = [coordinator_client.get(url(t, "deelnemers.csv")).headers["Content-Disposition"]
             for t in (afternoon, morning)]
    day = morning.date.isoformat()
    assert names == [f'attachment; filename="deelnemers-{day}-samen-leren-signaleren-en-arrangeren.csv"',
                     f'attachment; filename="deelnemers-{day}-een-route-voor-school-wijkteam.csv"']


def test_csv_for_dutch_excel_with_one_row_per_active_registration(coordinator_client, make_training):
    training = make_training(capacity=2)
    people = fill(training, 4)
    with unit_of_work():
        services.cancel_registration(people[3])
    response = coordinator_client.get(url(training, "deelnemers.csv"))
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] ==\
        f'attachment; filename="deelnemers-{training.date.isoformat()}-{slug(training.title)}.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    assert b";" in response.get_data() and b"\r\n" in response.get_data()
    rows = csv_of(response)
    assert rows[0][:3] == ["Name", "E-mail address", "Organisation"]
    assert [row[0] for row in rows[1:]] == ["Deelnemer 0", "Deelnemer 1", "Deelnemer 2"]
    assert rows[3][rows[0].index("Position on the waiting list")] == "1"
    assert rows[1][rows[0].index("State")] == "Confirmed"
    assert all(len(row) == len(rows[0]) for row in rows)


def test_csv_cells_cannot_become_formulas(coordinator_client, training):
    fill(training, 1, name="=HYPERLINK(\"http://x\")", organisation="+31 6 123", function="@SUM(A1)",
         needs="-2+3")
    fill(training, 1, start=1, name="Jan; de Vries \"J\"")
    rows = csv_of(coordinator_client.get(url(training, "deelnemers.csv")))
    header, quoted = rows[0], next(row for row in rows if "HYPERLINK" in row[0])
    assert quoted[0] == "'=HYPERLINK(\"http://x\")"
    assert quoted[header.index("Organisation")] == "'+31 6 123"
    assert quoted[header.index("Function")] == "'@SUM(A1)"
    assert quoted[header.index("Accessibility or dietary needs")] == "'-2+3"
    assert any(row[0] == "Jan; de Vries \"J\"" for row in rows)


# ---- presence list -----------------------------------------------------------------------------
def test_presence_list_for_printing(coordinator_client, make_training):
    training = make_training(capacity=2)
    fill(training, 1, start=0, name="Zoë Bakker")
    fill(training, 1, start=1, name="Anne de Wit")
    fill(training, 1, start=2, name="Wachtende")
    html = html_of(coordinator_client.get(url(training, "presentielijst")))
    assert re.search(r'href="/static/dist/css/print\.[0-9a-f]{12}\.css" media="print"', html)
    assert 'id="print-button"' in html and "Signature" in html
    table = html.split('id="presence"')[1].split("</table>")[0]
    assert table.index("Anne de Wit") < table.index("Zoë Bakker") and "Wachtende" not in table
    assert "Stadhuis, Markt 1, Maastricht" in html and "13:00 to 16:30" in html


def test_presence_list_of_one_part_of_a_series(coordinator_client, make_training):
    lead = make_training(parts=2)
    second = lead.all_parts[1]
    html = html_of(coordinator_client.get(url(lead, f"presentielijst?deel={second.id}")))
    assert "dagdeel 2 of 2" in html


def test_the_print_stylesheet_is_a4_without_the_site_around_it(app):
    css = (Path(app.static_folder) / "css" / "print.css").read_text(encoding="utf-8")
    assert "@page" in css and "size: A4" in css
    hidden = css.split("display: none")[0]
    assert ".ob-header" in hidden and ".ob-footer" in hidden


# ---- attendance --------------------------------------------------------------------------------
def test_attendance_before_the_meeting_has_begun_is_refused(coordinator_client, training):
    [person] = fill(training, 1)
    html = html_of(coordinator_client.get(url(training)))
    assert 'id="attendance-later"' in html and "/aanwezigheid" not in html
    refused = follow(coordinator_client, coordinator_client.post(url(training, "aanwezigheid"),
                                                                 data={"attendance-present": str(person.id)}))
    assert "Attendance can be marked once the session has begun." in refused
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_attendance_after_the_meeting_marks_attended_and_asks_for_an_evaluation_once(
        coordinator_client, expert_client, make_training):
    training = make_training(days_ahead=2)
    present, absent = fill(training, 2)
    begin(training)
    html = html_of(coordinator_client.get(url(training)))
    assert f'value="{present.id}"' in html and f'value="{absent.id}"' in html
    response = coordinator_client.post(url(training, "aanwezigheid"),
                                       data={"attendance-present": [str(present.id), "abc", "999999"]})
    html = follow(coordinator_client, response)
    assert "Attendance has been saved. 1 participant gets an e-mail with the evaluation." in html
    assert state_of(present) is ATTENDED and state_of(absent) is CONFIRMED
    assert re.search(rf'<input type="checkbox"[^>]*value="{present.id}"\s*checked', html)
    assert not re.search(rf'<input type="checkbox"[^>]*value="{absent.id}"\s*checked', html)
    # the expert of the session may mark attendance too; nobody is asked twice
    again = follow(expert_client, expert_client.post(url(training, "aanwezigheid"),
                                                     data={"attendance-present": [str(present.id), str(absent.id)]}))
    assert "1 participant gets an e-mail with the evaluation." in again
    assert state_of(absent) is ATTENDED
    saved_again = follow(coordinator_client, coordinator_client.post(
        url(training, "aanwezigheid"), data={"attendance-present": [str(present.id), str(absent.id)]}))
    assert sorted(m.recipient for m in mails("registration_evaluation")) == sorted([present.email, absent.email])
    # everyone present has had the evaluation: the message does not say "0 participants get an e-mail"
    assert "Attendance has been saved." in saved_again and "0 participants" not in saved_again
    assert "After the last dagdeel" not in saved_again


def test_attendance_per_part_of_a_series(coordinator_client, make_training):
    lead = make_training(parts=2, days_ahead=2)
    [person] = fill(lead, 1)
    first, second = lead.all_parts
    begin(first)
    html = follow(coordinator_client, coordinator_client.post(url(first, "aanwezigheid"),
                                                              data={"attendance-present": str(person.id)}))
    # the series is not over yet: not "0 participants get an e-mail", but when they will
    assert "After the last dagdeel, everyone who was present gets an e-mail with the evaluation." in html
    assert "0 participants" not in html
    assert state_of(person) is ATTENDED
    assert 'id="attendance-later"' in html_of(coordinator_client.get(url(second)))
    assert db.session.scalar(select(Attendance.meeting_id)) == first.id


# ---- the session page and the expert's assignments link to the list ---------------------------
def test_the_meeting_page_and_the_assignments_link_to_the_list(coordinator_client, expert_client, plan,
                                                               make_training):
    training = make_training(capacity=2)
    fill(training, 3)
    html = html_of(coordinator_client.get(f"/coordinatie/bijeenkomsten/{training.id}"))
    assert re.search(r'id="participants-summary">\s*2 of 2 places taken, 1 person on the waiting list', html)
    assert f'href="/bijeenkomsten/{training.id}/deelnemers"' in html
    html = html_of(expert_client.get(f"/experts/{plan.expert.id}/opdrachten"))
    assert f'href="/bijeenkomsten/{training.id}/deelnemers"' in html


# ---- CSRF and query counts ---------------------------------------------------------------------
def test_changes_need_the_csrf_token(make_app, plan, training):
    [person] = fill(training, 1)
    email = plan.coordinator.email
    addresses = [registration_url(person, "afmelden"), registration_url(person, "plaats-geven"),
                 registration_url(person, "verplaatsen"), url(training, "plaatsen"),
                 url(training, "deelnemers/toevoegen"), url(training, "aanwezigheid")]
    page, person_page = url(training), registration_url(person)
    db.session.rollback()  # SQLite: end the test's transaction, so the other app can write
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html_of(client.get("/inloggen"))).group(1)
        assert client.post("/inloggen", data={"email": email, "password": "een lang wachtwoord",
                                              "csrf_token": token}).status_code == 302
        for address in addresses:
            assert client.post(address, data={"capacity-capacity": "1"}).status_code == 400, address
        for shown, forms in ((page, 2), (person_page, 2)):  # add and capacity; cancel and move
            html = html_of(client.get(shown))
            assert html.count('name="csrf_token" value="') == len(re.findall(r'<form[^>]*method="post"', html)) >= forms
        db.session.remove()
    assert state_of(person) is CONFIRMED


def test_the_pages_take_as_many_queries_for_40_registrations_as_for_5(coordinator_client, expert_client, plan,
                                                                       make_training):
    small, big = make_training(capacity=3), make_training(capacity=30, title="Groot", days_ahead=40)
    fill(small, 5)
    fill(big, 40, start=100)
    with unit_of_work():
        services.cancel_registration(db.session.scalar(select(Registration).where(Registration.meeting_id == big.id)))
    for suffix in ["deelnemers", "deelnemers.csv", "presentielijst"]:
        assert queries(coordinator_client, url(small, suffix)) == queries(coordinator_client, url(big, suffix))
        assert queries(expert_client, url(small, suffix)) == queries(expert_client, url(big, suffix))
    begin(small, big)
    for meeting in (small, big):
        with unit_of_work():
            services.mark_attendance(meeting, set(db.session.scalars(select(Registration.id).where(
                Registration.meeting_id == meeting.id))), plan.coordinator)
    assert queries(coordinator_client, url(small)) == queries(coordinator_client, url(big))


def test_the_mail_about_a_move_says_the_date_there_and_offers_no_registering_again(
        coordinator, training, make_training):
    """Two sessions of one region often share a title: the mail names the new date, in the
    person's language. The person cancelled nothing, so it does not ask 'cancelled by mistake?'."""
    from flask_babel import force_locale

    from ontwikkelbijeenkomsten.core.i18n import long_date
    from ontwikkelbijeenkomsten.mail.delivery import build

    other = make_training(title=training.title, days_ahead=40)
    dutch, english = fill(training, 1)[0], fill(training, 1, start=1, locale="en")[0]
    with unit_of_work():
        for person in (dutch, english):
            services.move(db.session.get(Registration, person.id), db.session.get(Meeting, other.id), coordinator)
    told = {m.recipient: build(m).body for m in mails("registration_cancelled")}
    with force_locale("nl"):
        assert f"U bent overgezet naar {training.title} op {long_date(other.date)}." in told[dutch.email]
    with force_locale("en"):
        assert f"You have been moved to {training.title} on {long_date(other.date)}." in told[english.email]
    assert not any(f"/agenda/{training.id}" in text for text in told.values())
    assert "Per ongeluk afgemeld" not in told[dutch.email] and "by mistake" not in told[english.email]

    [stays] = fill(other, 1, start=5)
    with unit_of_work():
        services.cancel_registration(db.session.get(Registration, stays.id))
    assert "Per ongeluk afgemeld" in build(mails("registration_cancelled")[-1]).body  # a cancel still offers it


def test_the_old_link_of_a_moved_person_leads_to_their_new_registration(
        client, coordinator, training, make_training):
    """The link in the first confirmation is the one people keep: after a move it says where
    they went, not only that they were cancelled."""
    from ontwikkelbijeenkomsten.core.i18n import long_date
    from ontwikkelbijeenkomsten.meetings.links import registration_for_token, registration_token

    other = make_training(title="Tweede ronde", days_ahead=40)
    mover, stays = fill(training, 2)
    with unit_of_work():
        moved = services.move(db.session.get(Registration, mover.id), db.session.get(Meeting, other.id), coordinator)
        services.cancel_registration(db.session.get(Registration, stays.id))
    html = html_of(client.get(f"/aanmelding/{registration_token(mover)}"))
    assert f"Een coördinator heeft u overgezet naar Tweede ronde op {long_date(other.date)}." in html
    link = re.search(r'id="moved-to".*?href="/aanmelding/([^"]+)"', html, re.DOTALL).group(1)
    assert registration_for_token(link).id == moved.id
    cancelled = html_of(client.get(f"/aanmelding/{registration_token(stays)}"))
    assert "overgezet" not in cancelled and "U bent op " in cancelled and " afgemeld." in cancelled
