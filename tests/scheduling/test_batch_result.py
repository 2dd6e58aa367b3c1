"""The planning page after a confirmation: "Zojuist ingepland" lists the sessions that one
confirmation made, with links, read back from the batch's audit event (so a reload shows the
same, and other batches never mix in)."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingState
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, Region
from ontwikkelbijeenkomsten.privacy import purge
from ontwikkelbijeenkomsten.scheduling import batch
from tests import factories
from tests.factories import MIDDAG, future_day
from tests.helpers import login

from ..queries import queries_for

PAGE = "/coordinatie/planning"


def confirm(client, plan) -> str:
    """Confirm the period's plan on the page; the address it sends the coordinator to."""
    response = client.post(PAGE, data={"period_id": plan.period.id, "fingerprint": ""})
    assert response.status_code == 302
    return response.location


def batch_of(location: str) -> str | None:
    return parse_qs(urlsplit(location).query).get("batch", [None])[0]


def listed(html: str) -> list[int]:
    """The session ids the "Zojuist ingepland" table links to, in its order."""
    if 'id="just-scheduled"' not in html:
        return []
    start = html.index('id="just-scheduled"')
    table = html[start:html.index("</table>", start)]
    return [int(i) for i in re.findall(r'href="/coordinatie/bijeenkomsten/(\d+)"', table)]


def meeting_ids() -> set[int]:
    return set(db.session.scalars(select(Meeting.id)))


def more_requests(plan, first: int, count: int) -> list:
    """`count` granted requests of one dagdeel in regions of their own, each with a free slot."""
    regions = [Region(code=f"QR{first + i}", name=f"Regio {first + i}") for i in range(count)]
    db.session.add_all(regions)
    db.session.commit()
    made = []
    for i, region in enumerate(regions):
        moment = (future_day(first + i), MIDDAG)
        made.append(plan.granted(1, region=region, moments=[moment]))
        plan.available(plan.expert, *moment)
    db.session.commit()
    return made


def test_the_page_lists_what_the_confirmation_scheduled_with_links(coordinator_client, plan):
    location = confirm(coordinator_client, plan)
    assert batch_of(location) is not None and f"period={plan.period.id}" in location
    made = db.session.scalars(select(Meeting).where(Meeting.request_id == plan.request.id)).all()
    assert len(made) == 2
    html = coordinator_client.get(location).get_data(as_text=True)
    assert "Zojuist ingepland" in html
    assert "Sanne de Vries heeft op" in html and "2 bijeenkomsten ingepland" in html
    in_order = sorted(made, key=lambda m: (m.date, list(type(m.dagdeel)).index(m.dagdeel)))
    assert listed(html) == [m.id for m in in_order]
    start = html.index('id="just-scheduled"')
    table = html[start:html.index("</table>", start)]
    assert table.count(f'href="/coordinatie/aanvragen/{plan.request.id}"') == 2
    assert table.count(plan.expert.name) == 2 and plan.request.region.name in table
    assert table.count("<th scope=\"col\"") == 6
    # the section comes before the (now empty) plan, with its heading in order
    assert html.index("Zojuist ingepland") < html.index('id="plan-made"')
    assert '<h2 class="utrecht-heading-2" id="just-scheduled-title">' in html

    again = coordinator_client.get(location).get_data(as_text=True)  # a reload
    assert listed(again) == listed(html)
    assert "2 dagdelen ingepland" not in again  # the flash was shown once; the list stays


def test_a_second_batch_shows_only_its_own_sessions_and_the_first_stays(app, coordinator_client, plan):
    first = confirm(coordinator_client, plan)
    first_ids = meeting_ids()
    other = factories.coordinator("other@example.org", "Pieter Bakker")
    db.session.commit()
    more_requests(plan, 40, 3)
    second = confirm(login(app.test_client(), other), plan)
    assert batch_of(second) != batch_of(first)
    second_ids = meeting_ids() - first_ids
    assert len(second_ids) == 3

    html = coordinator_client.get(second).get_data(as_text=True)
    assert sorted(listed(html)) == sorted(second_ids) and "Pieter Bakker heeft op" in html
    assert sorted(listed(coordinator_client.get(first).get_data(as_text=True))) == sorted(first_ids)


def test_a_confirmation_that_schedules_nothing_shows_no_list(coordinator_client, plan):
    confirm(coordinator_client, plan)
    location = confirm(coordinator_client, plan)  # nothing is left
    assert batch_of(location) is None
    html = coordinator_client.get(location).get_data(as_text=True)
    assert "Er is niets ingepland" in html and "Zojuist ingepland" not in html and listed(html) == []
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == batch.BATCH_ACTION).offset(1)) is None


def test_an_unknown_batch_or_one_of_another_period_shows_no_list(coordinator_client, plan):
    location = confirm(coordinator_client, plan)
    other = ProgrammePeriod(name="Schooljaar 2040-2041", starts_on=future_day(900), ends_on=future_day(1200))
    db.session.add(other)
    db.session.commit()
    event = batch_of(location)
    wrong = [f"{PAGE}?period={plan.period.id}&batch={x}" for x in ("0", "-1", "abc", "999999", "9" * 30)]
    request_event = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action != batch.BATCH_ACTION))
    wrong += [f"{PAGE}?period={plan.period.id}&batch={request_event}", f"{PAGE}?period={other.id}&batch={event}"]
    for url in wrong:
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
        assert "Zojuist ingepland" not in response.get_data(as_text=True), url


def test_the_list_shows_the_sessions_as_they_are_now(coordinator_client, plan):
    location = confirm(coordinator_client, plan)
    cancelled = db.session.scalars(select(Meeting).order_by(Meeting.date)).first()
    cancelled.state = MeetingState.CANCELLED
    db.session.commit()
    html = coordinator_client.get(location).get_data(as_text=True)
    assert len(listed(html)) == 2 and "Geannuleerd" in html


def test_only_coordinators_see_a_batch(app, coordinator_client, expert_client, plan):
    location = confirm(coordinator_client, plan)
    assert expert_client.get(location).status_code == 403
    assert app.test_client().get(location).status_code == 302


def test_the_list_runs_as_many_queries_for_12_sessions_as_for_2(app, plan):
    client = login(app.test_client(), plan.coordinator)
    counts = []
    for first, size in ((0, 0), (40, 10)):
        more_requests(plan, first, size)
        location = confirm(client, plan)
        html = client.get(location).get_data(as_text=True)
        assert len(listed(html)) == (2 if first == 0 else size)
        counts.append(queries_for(client, location))
    assert counts[0] == counts[1], counts


def test_the_list_outlives_the_masking_of_the_log(coordinator_client, plan):
    """The log's details are masked after the retention period; the session ids name nobody, so
    the list still opens (the coordinator's name is gone)."""
    location = confirm(coordinator_client, plan)
    before = listed(coordinator_client.get(location).get_data(as_text=True))
    with unit_of_work():
        purge.purge_batch(now=utcnow() + timedelta(days=31 * 85))  # past the longest audit period
    event = db.session.get(AuditEvent, int(batch_of(location)))
    assert event.anonymised_at is not None and event.actor_id is None
    assert set(event.details) == {batch.BATCH_SESSIONS}
    html = coordinator_client.get(location).get_data(as_text=True)
    assert before and listed(html) == before, "BUG: the batch's list is gone once the log is masked"
    assert "Een verwijderd account heeft op" in html and "verwijderd heeft" not in html
