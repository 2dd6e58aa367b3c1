"""The coordinator's expert list and an expert's page with its actions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.experts import services
from ontwikkelbijeenkomsten.experts.models import Availability
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import bookings
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
)
from tests.factories import make_expert
from tests.helpers import login
from tests.queries import queries_for

LIST = "/coordinatie/experts"


def detail(user) -> str:
    return f"/coordinatie/experts/{user.id}"


def available(expert, *days_and_dagdelen) -> None:
    db.session.add_all(Availability(expert_id=expert.id, date=d, dagdeel=dd) for d, dd in days_and_dagdelen)


def assign(expert, day, dagdeel=Dagdeel.OCHTEND, *, meeting_state=MeetingState.PLANNED,
           state=AssignmentState.ASSIGNED) -> MeetingExpert:
    starts, ends = dagdeel.bounds(day)
    meeting = Meeting(kind=MeetingKind.OPEN_TRAINING, state=meeting_state, title="Training OOGO", date=day,
                      dagdeel=dagdeel, starts_at=starts, ends_at=ends, capacity=20, confirmed_count=0)
    assignment = MeetingExpert(meeting=meeting, expert=expert, date=day, dagdeel=dagdeel, state=state)
    db.session.add(assignment)
    return assignment


def invited(coordinator, themes, email="nieuw@example.org"):
    return services.invite("Noor Visser", email, [themes[0].id], [], True, coordinator)


# ---- access ------------------------------------------------------------------------------------
def test_the_pages_are_for_coordinators_only(app, expert):
    anonymous = app.test_client()
    client = login(app.test_client(), expert)
    for path in (LIST, detail(expert)):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
        assert client.get(path).status_code == 403
    for action in ("uitnodiging-opnieuw", "uitnodiging-intrekken", "deactiveren", "activeren"):
        assert anonymous.post(f"{detail(expert)}/{action}").status_code == 302
        assert client.post(f"{detail(expert)}/{action}").status_code == 403
        assert client.get(f"{detail(expert)}/{action}").status_code == 405
    assert expert.active


@pytest.mark.parametrize("path", ["/coordinatie/experts/999", "/coordinatie/experts/99999999999",
                                  "/coordinatie/experts/999/deactiveren", "/coordinatie/experts/abc"])
def test_unknown_experts_give_404(coordinator_client, path):
    response = coordinator_client.post(path) if path.endswith("deactiveren") else coordinator_client.get(path)
    assert response.status_code == 404


def test_a_coordinators_id_is_not_an_expert(coordinator_client, coordinator):
    assert coordinator_client.get(detail(coordinator)).status_code == 404
    assert coordinator_client.post(detail(coordinator) + "/deactiveren").status_code == 404
    assert coordinator.active


# ---- the list ----------------------------------------------------------------------------------
def test_the_list_shows_every_expert_with_status_themes_and_regions(
    coordinator_client, coordinator, expert, other_expert, themes, regions
):
    services.invite("Noor Visser", "noor@example.org", [themes[2].id], [regions[0].id], False, coordinator)
    services.deactivate(other_expert, coordinator)
    html = coordinator_client.get(LIST).get_data(as_text=True)
    assert html.count("<h1") == 1 and "Experts" in html
    assert 'href="/coordinatie/experts/uitnodigen"' in html and "Expert uitnodigen" in html
    assert "3 experts" in html
    for name in ("Eva Jansen", "Omar Bakker", "Noor Visser"):
        assert name in html
    assert "Uitgenodigd" in html and "Actief" in html and "Gedeactiveerd" in html
    assert "Heel Nederland" in html and "Zuid-Limburg" in html
    assert "OOGO, Leerplicht" in html


def test_the_counts_leave_out_booked_past_and_far_away_slots(app, coordinator, expert):
    today = today_local()
    soon, later = today + timedelta(days=7), today + timedelta(days=14)
    available(
        expert,
        (soon, Dagdeel.OCHTEND), (soon, Dagdeel.MIDDAG), (later, Dagdeel.OCHTEND), (later, Dagdeel.AVOND),
        (today - timedelta(days=1), Dagdeel.OCHTEND), (today + timedelta(weeks=8), Dagdeel.OCHTEND),
    )
    assign(expert, soon, Dagdeel.OCHTEND)  # booked
    assign(expert, later, Dagdeel.OCHTEND, meeting_state=MeetingState.CANCELLED)  # not booked
    assign(expert, later, Dagdeel.AVOND, state=AssignmentState.DECLINED)  # not booked
    assign(expert, today - timedelta(days=7))  # past
    db.session.commit()
    row = bookings.overview(today, expert_id=expert.id)[0]
    assert (row.free_slots, row.upcoming_assignments) == (3, 1)


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_experts(coordinator_client, themes, regions):
    def add_experts(first, count):
        day = today_local() + timedelta(days=3)
        for n in range(first, first + count):
            user = make_expert(f"expert{n}@example.org", f"Expert {n}", themes[: 1 + n % 3],
                               regions=regions[: n % 2 + 1], serves_all_regions=n % 2 == 0)
            available(user, (day, Dagdeel.OCHTEND), (day, Dagdeel.MIDDAG))
            assign(user, day, Dagdeel.OCHTEND)
        db.session.commit()

    add_experts(0, 3)
    few = queries_for(coordinator_client, LIST)
    add_experts(3, 27)
    many = queries_for(coordinator_client, LIST)
    assert few == many
    assert coordinator_client.get(LIST).get_data(as_text=True).count('href="/coordinatie/experts/') == 31


# ---- an expert's page --------------------------------------------------------------------------
def test_the_page_of_an_active_expert(coordinator_client, expert):
    html = coordinator_client.get(detail(expert)).get_data(as_text=True)
    assert html.count("<h1") == 1 and "Eva Jansen" in html
    for path in ("profiel", "beschikbaarheid", "opdrachten"):
        assert f'href="/experts/{expert.id}/{path}"' in html
    assert "/deactiveren" in html and "/activeren" not in html
    assert "/uitnodiging-opnieuw" not in html  # has a password


def test_the_page_of_an_invited_expert_offers_resend_and_revoke(coordinator_client, coordinator, themes):
    noor = invited(coordinator, themes)
    html = coordinator_client.get(detail(noor)).get_data(as_text=True)
    assert "Uitgenodigd" in html and "De link werkt tot" in html
    assert f'action="/coordinatie/experts/{noor.id}/uitnodiging-opnieuw"' in html
    assert f'action="/coordinatie/experts/{noor.id}/uitnodiging-intrekken"' in html


def test_an_expired_invitation_says_so(coordinator_client, coordinator, themes):
    noor = invited(coordinator, themes)
    noor.invited_at -= timedelta(days=8)
    db.session.commit()
    html = coordinator_client.get(detail(noor)).get_data(as_text=True)
    assert "Uitnodiging verlopen" in html and "De uitnodiging is verlopen op" in html


def test_resend_sends_a_new_mail(coordinator_client, coordinator, themes):
    noor = invited(coordinator, themes)
    old_nonce = noor.invitation_nonce
    response = coordinator_client.post(detail(noor) + "/uitnodiging-opnieuw")
    assert response.status_code == 302 and response.headers["Location"] == detail(noor)
    assert noor.invitation_nonce != old_nonce
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 2
    html = coordinator_client.get(detail(noor)).get_data(as_text=True)
    assert "Er is een nieuwe uitnodiging verstuurd naar nieuw@example.org." in html


def test_revoke_withdraws_the_invitation(coordinator_client, coordinator, themes):
    noor = invited(coordinator, themes)
    coordinator_client.post(detail(noor) + "/uitnodiging-intrekken")
    assert noor.invitation_nonce is None
    html = coordinator_client.get(detail(noor)).get_data(as_text=True)
    assert "De uitnodiging van Noor Visser is ingetrokken." in html
    assert "Uitnodiging ingetrokken" in html and "/uitnodiging-intrekken" not in html
    # revoking twice is a clear message, not an error page
    coordinator_client.post(detail(noor) + "/uitnodiging-intrekken")
    assert "Er is geen open uitnodiging om in te trekken." in coordinator_client.get(detail(noor)).get_data(as_text=True)


def test_an_expert_with_a_password_gets_no_new_invitation(coordinator_client, expert):
    response = coordinator_client.post(detail(expert) + "/uitnodiging-opnieuw")
    assert response.status_code == 302
    assert db.session.scalars(select(OutboxMail)).all() == []
    assert "Deze expert heeft al een wachtwoord ingesteld." in coordinator_client.get(detail(expert)).get_data(as_text=True)


def test_deactivating_stops_logging_in_and_keeps_past_meetings(app, coordinator_client, expert):
    past = assign(expert, today_local() - timedelta(days=7), state=AssignmentState.ACCEPTED)
    db.session.commit()
    response = coordinator_client.post(detail(expert) + "/deactiveren")
    assert response.status_code == 302
    assert not expert.active and expert.deactivated_at is not None  # its retention period starts
    assert db.session.get(MeetingExpert, past.id).state is AssignmentState.ACCEPTED
    html = coordinator_client.get(detail(expert)).get_data(as_text=True)
    assert "Eva Jansen is gedeactiveerd en kan niet meer inloggen." in html
    assert "/activeren" in html
    refused = app.test_client().post("/inloggen", data={"email": expert.email, "password": "een lang wachtwoord"})
    assert refused.status_code == 200

    coordinator_client.post(detail(expert) + "/activeren")
    assert expert.active and expert.deactivated_at is None
    assert "Eva Jansen is weer actief." in coordinator_client.get(detail(expert)).get_data(as_text=True)
    login(app.test_client(), expert)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["expert.deactivated", "expert.reactivated"]


def test_deactivating_twice_is_a_clear_message(coordinator_client, expert):
    coordinator_client.post(detail(expert) + "/deactiveren")
    coordinator_client.post(detail(expert) + "/deactiveren")
    html = coordinator_client.get(detail(expert)).get_data(as_text=True)
    assert "Deze expert is al gedeactiveerd." in html


def test_the_page_warns_about_upcoming_assignments(coordinator_client, expert):
    assign(expert, today_local() + timedelta(days=10))
    db.session.commit()
    html = coordinator_client.get(detail(expert)).get_data(as_text=True)
    assert "Deze expert heeft nog 1 komende opdracht." in html


def test_script_in_a_name_is_shown_as_text(coordinator_client, coordinator, themes):
    noor = services.invite("<script>alert(1)</script>", "noor@example.org", [themes[0].id], [], True, coordinator)
    for path in (LIST, detail(noor)):
        html = coordinator_client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_logged_in_expert_loses_access_when_deactivated(app, coordinator_client, expert):
    client = login(app.test_client(), expert)
    assert client.get(f"/experts/{expert.id}/profiel").status_code == 200
    coordinator_client.post(detail(expert) + "/deactiveren")
    response = client.get(f"/experts/{expert.id}/profiel")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_an_expert_with_upcoming_meetings_stays_active(coordinator_client, expert):
    assign(expert, today_local() + timedelta(days=7))
    db.session.commit()
    response = coordinator_client.post(detail(expert) + "/deactiveren", follow_redirects=True)
    assert expert.active
    assert "nog bijeenkomsten" in response.get_data(as_text=True)


def test_reactivating_an_invited_expert_says_a_new_invitation_is_needed(coordinator_client, coordinator, themes):
    """Deactivating ends the invitation: "Noor is weer actief" promised an expert who could not
    log in, without a word about the invitation."""
    noor = services.invite("Noor Visser", "noor@example.org", [themes[0].id], [], True, coordinator)
    db.session.commit()
    coordinator_client.post(detail(noor) + "/deactiveren")
    html = coordinator_client.post(detail(noor) + "/activeren", follow_redirects=True).get_data(as_text=True)
    assert "Noor Visser is weer actief." in html
    assert "Noor Visser heeft nog geen wachtwoord. Stuur een nieuwe uitnodiging, zodat de expert kan inloggen." in html
