"""The batch scheduler end to end: preview, confirm in one transaction, and the planning page."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.experts.models import Availability
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import mails
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, Region
from ontwikkelbijeenkomsten.requests.models import RequestState
from ontwikkelbijeenkomsten.scheduling import batch, services
from ontwikkelbijeenkomsten.scheduling.solver import Shortfall
from tests.factories import AVOND, MIDDAG, OCHTEND, PASSWORD, future_day
from tests.helpers import login

from ..queries import count_queries, queries_for

PAGE = "/coordinatie/planning"


def meetings_of(request) -> list[tuple[date, object, int]]:
    rows = db.session.execute(
        select(Meeting.date, Meeting.dagdeel, MeetingExpert.expert_id)
        .join(MeetingExpert, MeetingExpert.meeting_id == Meeting.id)
        .where(Meeting.request_id == request.id)
        .order_by(Meeting.date)
    )
    return [tuple(row) for row in rows]


def meeting_count() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


@pytest.fixture
def crowded(plan):
    """Four more requests, each short of dagdelen for another reason.

    groningen   Groningen, OOGO, 2 dagdelen; Eva is free only at its first moment, which the
                fixture's request wants too: fairness gives it to Groningen (TOO_FEW_MOMENTS)
    transport   Groningen, Leerlingenvervoer, 1 dagdeel; Omar has no free slots (NO_EXPERT)
    past        Zuid-Limburg, 1 dagdeel, its preferred moments removed (NO_MOMENTS)
    The fixture's request then gets one dagdeel of two (TAKEN).
    """
    groningen = plan.granted(2, region=plan.regions[1], moments=[plan.moments[0], (future_day(28), AVOND)])
    transport = plan.granted(1, region=plan.regions[1], theme_ids=[plan.themes[2].id])
    past = plan.granted(1)
    past.preferred_moments.clear()
    db.session.commit()
    return plan, groningen, transport, past


# ---- the service -------------------------------------------------------------------------------
def test_the_preview_lists_the_bookings_and_why_requests_are_not_served(crowded):
    plan, groningen, transport, past = crowded
    found = batch.preview(plan.period)
    assert sorted((b.request_id, b.moment, b.expert_id, b.rank) for b in found.plan.bookings) == sorted([
        (plan.request.id, plan.moments[1], plan.expert.id, 2),
        (groningen.id, plan.moments[0], plan.expert.id, 1),
    ])
    assert {(u.request_id, u.missing, u.reason) for u in found.plan.unserved} == {
        (plan.request.id, 1, Shortfall.TAKEN),
        (groningen.id, 1, Shortfall.TOO_FEW_MOMENTS),
        (transport.id, 1, Shortfall.NO_EXPERT),
        (past.id, 1, Shortfall.NO_MOMENTS),
    }
    assert found.to_book == 6 and found.plan.per_region == {plan.regions[0].id: 1, plan.regions[1].id: 1}
    assert meeting_count() == 0


def test_confirm_writes_every_booking_with_mails_and_states(plan):
    other = plan.granted(1, region=plan.regions[1], moments=[(future_day(30), OCHTEND)])
    plan.available(plan.expert, future_day(30), OCHTEND)
    seen = batch.preview(plan.period).fingerprint

    with unit_of_work():
        result = batch.confirm(plan.period, plan.coordinator, seen=seen)

    assert not result.changed and result.preview.plan.total == 3
    assert meetings_of(plan.request) == [(*m, plan.expert.id) for m in plan.moments]
    assert meetings_of(other) == [(future_day(30), OCHTEND, plan.expert.id)]
    db.session.expire_all()
    assert plan.request.state is other.state is RequestState.SCHEDULED
    mails = db.session.execute(
        select(OutboxMail.recipient, OutboxMail.kind).where(OutboxMail.kind.like("session_%"))).all()
    assert sorted(kind for _, kind in mails) == ["session_assigned"] * 3 + ["session_booked"] * 3
    assert {to for to, kind in mails if kind == "session_assigned"} == {plan.expert.email}
    assert {to for to, kind in mails if kind == "session_booked"} == {"ilse@example.org"}

    with unit_of_work():
        again = batch.confirm(plan.period, plan.coordinator)
    assert again.preview.plan.total == 0 and meeting_count() == 3


def test_confirm_writes_nothing_when_one_booking_fails(plan, monkeypatch):
    told, tell = [], mails.mail_values

    def announce(meeting, *args, **kwargs):
        told.append(meeting)
        if len({m.id for m in told}) == 2:  # the second booking's first mail
            raise RuntimeError("the mail template broke")
        return tell(meeting, *args, **kwargs)

    monkeypatch.setattr(mails, "mail_values", announce)
    with pytest.raises(RuntimeError):
        with unit_of_work():
            batch.confirm(plan.period, plan.coordinator)
    db.session.rollback()
    assert meeting_count() == 0
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.kind.like("session_%"))) == 0
    assert db.session.get(type(plan.request), plan.request.id).state is RequestState.GRANTED


def test_confirm_plans_again_when_availability_was_removed_after_the_preview(plan):
    seen = batch.preview(plan.period).fingerprint
    day, dagdeel = plan.moments[0]
    db.session.execute(delete(Availability).where(Availability.date == day, Availability.dagdeel == dagdeel))
    db.session.commit()

    with unit_of_work():
        result = batch.confirm(plan.period, plan.coordinator, seen=seen)

    assert result.changed and result.preview.plan.total == 1
    assert meetings_of(plan.request) == [(*plan.moments[1], plan.expert.id)]


def test_confirm_after_a_single_booking_meanwhile_books_no_slot_twice(plan):
    seen = batch.preview(plan.period).fingerprint
    with unit_of_work():
        services.book(plan.request, plan.expert.id, *plan.moments[0], plan.coordinator)

    with unit_of_work():
        result = batch.confirm(plan.period, plan.coordinator, seen=seen)

    assert result.changed and result.preview.plan.total == 1
    assert meetings_of(plan.request) == [(*m, plan.expert.id) for m in plan.moments]
    db.session.expire_all()
    assert plan.request.state is RequestState.SCHEDULED


# ---- the page ----------------------------------------------------------------------------------
def test_only_coordinators_open_the_planning_page(app, plan, expert_client):
    assert app.test_client().get(PAGE).status_code == 302
    assert expert_client.get(PAGE).status_code == 403
    assert expert_client.post(PAGE, data={"period_id": plan.period.id}).status_code == 403
    assert meeting_count() == 0


def test_the_page_shows_the_plan_the_chart_and_the_reasons(coordinator_client, crowded):
    _, groningen, transport, past = crowded
    html = coordinator_client.get(PAGE).get_data(as_text=True)
    assert 'href="/coordinatie/planning" aria-current="page"' in html
    assert "2 van 6 dagdelen kunnen worden ingepland voor 2 aanvragen." in html
    bookings = html[html.index('id="bookings"'):html.index("</table>", html.index('id="bookings"'))]
    assert bookings.count("<tr") == 3 and "Eva Jansen" in bookings
    assert "voorkeur 1" in bookings and "voorkeur 2" in bookings
    assert re.search(r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d+ \w+ 20\d\d", bookings)
    # per region: booked before, in this plan, total and granted in text; the bar draws granted as an outline
    assert re.search(r'>0</td>\s*<td[^>]*>1</td>\s*<td[^>]*>1</td>\s*<td[^>]*>\d+</td>\s*<td[^>]*><svg', html)
    assert 'class="ob-chart__target"' in html
    unserved = html[html.index('id="unserved"'):]
    for text in ("geen voorkeursmoment meer in de toekomst",
                 "geen passende expert beschikbaar op de voorkeursmomenten",
                 "te weinig voorkeursmomenten met een passende expert",
                 "de passende experts zijn op die momenten al nodig voor andere aanvragen"):
        assert text in unserved
    for item in (groningen, transport, past):
        assert f'href="/coordinatie/aanvragen/{item.id}/inplannen"' in unserved
    assert 'name="fingerprint"' in html and "Alles inplannen" in html


def test_the_period_can_be_chosen_and_unknown_periods_give_404(coordinator_client, plan):
    other = ProgrammePeriod(name="Schooljaar 2040-2041", starts_on=date(2040, 8, 1), ends_on=date(2041, 7, 31))
    db.session.add(other)
    db.session.commit()
    html = coordinator_client.get(PAGE, query_string={"period": other.id}).get_data(as_text=True)
    assert "Er zijn in Schooljaar 2040-2041 geen toegekende dagdelen meer in te plannen." in html
    assert "Alles inplannen" not in html
    assert "2 van 2 dagdelen" in coordinator_client.get(PAGE, query_string={"period": plan.period.id}).get_data(as_text=True)
    for wrong in ("999", "abc", "99999999999999999999", ""):
        assert coordinator_client.get(PAGE, query_string={"period": wrong}).status_code == 404


def test_confirming_on_the_page_books_and_says_so(coordinator_client, plan):
    fingerprint = batch.preview(plan.period).fingerprint
    db.session.rollback()
    response = coordinator_client.post(PAGE, data={"period_id": plan.period.id, "fingerprint": fingerprint})
    assert response.status_code == 302 and f"{PAGE}?period={plan.period.id}&batch=" in response.location
    html = coordinator_client.get(response.location).get_data(as_text=True)
    assert "2 dagdelen ingepland; de contactpersonen en experts krijgen een e-mail." in html
    assert "veranderd" not in html
    assert "Er zijn in" in html and "Alles inplannen" not in html
    assert len(meetings_of(plan.request)) == 2

    again = coordinator_client.post(PAGE, data={"period_id": plan.period.id, "fingerprint": fingerprint}, follow_redirects=True)
    assert "Er is niets ingepland" in again.get_data(as_text=True) and meeting_count() == 2


def test_a_stale_plan_gives_a_warning_with_what_was_booked(coordinator_client, plan):
    response = coordinator_client.post(PAGE, data={"period_id": plan.period.id, "fingerprint": "0" * 16},
                                       follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 dagdelen ingepland" in html
    assert "De gegevens zijn veranderd nadat u het plan bekeek" in html and "2 dagdelen zijn ingepland" in html


def test_a_plan_that_books_nothing_explains_why_and_has_no_button(coordinator_client, plan):
    db.session.execute(delete(Availability))
    db.session.commit()
    html = coordinator_client.get(PAGE).get_data(as_text=True)
    assert "2 dagdelen moeten nog worden ingepland, maar dat kan nu niet." in html
    assert "geen passende expert beschikbaar op de voorkeursmomenten" in html
    assert 'id="bookings"' not in html and "Alles inplannen" not in html and "Er is niets in te plannen." in html


def test_a_race_that_keeps_failing_gives_a_message_not_a_500(coordinator_client, plan, monkeypatch):
    def always_taken(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("slot taken"))

    monkeypatch.setattr(batch, "confirm", always_taken)
    response = coordinator_client.post(PAGE, data={"period_id": plan.period.id, "fingerprint": ""},
                                       follow_redirects=True)
    assert response.status_code == 200
    assert "Op hetzelfde moment zijn er andere bijeenkomsten ingepland" in response.get_data(as_text=True)


@pytest.mark.parametrize("period_id", ["999", "abc", "", "99999999999999999999"])
def test_confirming_an_unknown_period_gives_404(coordinator_client, plan, period_id):
    assert coordinator_client.post(PAGE, data={"period_id": period_id, "fingerprint": ""}).status_code == 404
    assert meeting_count() == 0


def test_confirming_needs_the_csrf_token(make_app, plan):
    email, period_id = plan.coordinator.email, plan.period.id
    db.session.rollback()  # SQLite: end the test's transaction, so the other app can write
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/inloggen").get_data(as_text=True)).group(1)
        assert client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
        assert client.post(PAGE, data={"period_id": period_id}).status_code == 400
        assert meeting_count() == 0
        page = client.get(PAGE).get_data(as_text=True)
        token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(PAGE, data={"period_id": period_id, "fingerprint": fingerprint, "csrf_token": token})
        assert response.status_code == 302
        db.session.remove()
    assert meeting_count() == 2


def _requests_with_bookings(plan, first: int, count: int) -> None:
    """`count` granted requests of one dagdeel in regions of their own; half of them can be booked."""
    regions = [Region(code=f"QQ{first + i}", name=f"Regio {first + i}") for i in range(count)]
    db.session.add_all(regions)
    db.session.commit()
    for i, region in enumerate(regions):
        moment = (future_day(first + i), MIDDAG)
        plan.granted(1, region=region, moments=[moment])
        if i % 2 == 0:
            plan.available(plan.expert, *moment)


def test_the_page_runs_as_many_queries_for_10_requests_as_for_2(app, plan):
    counts, requests = [], 0
    for first, size in ((30, 2), (40, 10)):
        _requests_with_bookings(plan, first, size)
        requests += size
        client = login(app.test_client(), plan.coordinator)
        counts.append(queries_for(client, PAGE))
        html = client.get(PAGE).get_data(as_text=True)
        assert html.count('href="/coordinatie/aanvragen/') == 2 + requests  # the fixture's request has 2 rows
    assert counts[0] == counts[1], counts


def _statements_per_table(statements: list[str]) -> Counter:
    """('INSERT', 'meetings'): how many statements of that kind ran on that table."""
    found = Counter()
    for statement in statements:
        verb = statement.split(None, 1)[0].upper()
        table = re.search(r"\b(?:INTO|UPDATE|FROM)\s+\"?(\w+)", statement, re.IGNORECASE)
        found[verb, table.group(1) if table else ""] += 1
    return found


def test_a_batch_of_6_bookings_runs_the_statements_of_a_batch_of_4(plan):
    """Sessions, assignments, audit events and mails go in with one statement per table, so
    the count does not grow with the number of bookings (nor lazy loads per booking)."""
    counts = []
    for first, size in ((30, 4), (40, 12)):
        _requests_with_bookings(plan, first, size)
        with count_queries() as statements:
            with unit_of_work():
                done = batch.confirm(plan.period, plan.coordinator)
        assert done.preview.plan.total == size // 2 + (2 if not counts else 0)
        counts.append(_statements_per_table(statements))
    assert counts[0] == counts[1], counts
    assert counts[1][("INSERT", "outbox_mails")] == 1
    # the bookings, the requests that are scheduled, then the batch with its sessions' ids
    assert counts[1][("INSERT", "audit_events")] == 3
