"""The purge removes the people and keeps the numbers: every report shows the same totals before
and after; and the private links of removed people show the removal page."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.models import Attendance, Evaluation, Registration
from ontwikkelbijeenkomsten.privacy import purge
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod
from ontwikkelbijeenkomsten.reports import regions, start
from ontwikkelbijeenkomsten.reports.monitoring import monitoring_report
from ontwikkelbijeenkomsten.requests.services import status_token
from tests.factories import applicant

#: Far enough ahead that every retention period of the demo data has ended.
LATER = datetime(2040, 1, 1, tzinfo=timezone.utc)


def _participants() -> list[tuple]:
    """Participants per session, sector and state, attendance and scores: what the monitoring counts."""
    per = db.session.execute(select(Registration.meeting_id, Registration.sector, Registration.state, func.count())
                             .group_by(Registration.meeting_id, Registration.sector, Registration.state)
                             .order_by(Registration.meeting_id, Registration.sector, Registration.state)).all()
    attended = db.session.scalar(select(func.count()).select_from(Attendance))
    scores = db.session.execute(select(Evaluation.meeting_id, func.count(), func.sum(Evaluation.score))
                                .group_by(Evaluation.meeting_id).order_by(Evaluation.meeting_id)).all()
    return [tuple(row) for row in per] + [("attended", attended)] + [tuple(row) for row in scores]


def _reports() -> dict:
    periods = db.session.scalars(select(ProgrammePeriod).order_by(ProgrammePeriod.id)).all()
    return {
        "todo": start.todo(LATER),
        "national": [start.national(period) for period in periods],
        "regions": [regions.overview(period) for period in periods],
        "without_requests": [[r.id for r in start.regions_without_requests(period)] for period in periods],
        "monitoring": [monitoring_report(period.starts_on, period.ends_on) for period in periods],
        "participants": _participants(),
    }


def test_every_report_shows_the_same_totals_before_and_after_the_purge(demo):
    before = _reports()
    assert before["participants"] and any(n.held for n in before["national"])
    assert any(report.reach.total for report in before["monitoring"])

    with unit_of_work():
        done = purge.total(list(purge.batches(unit_of_work, now=LATER)))
    assert done["registrations"] > 0 and done["request_contacts"] > 0
    assert db.session.scalar(select(func.count()).select_from(Registration).where(Registration.name != "verwijderd")) == 0

    assert _reports() == before


def test_the_private_links_of_removed_people_show_the_removal_page(plan, training, client):
    registration = services.register(training, applicant(1))
    db.session.commit()
    registration_link = f"/aanmelding/{links.registration_token(registration)}"
    request_link = f"/aanvraag/{status_token(plan.request)}"
    assert client.get(registration_link).status_code == 200
    assert client.get(request_link).status_code == 200

    plan.request.state = plan.request.state.WITHDRAWN
    db.session.commit()
    with unit_of_work():
        purge.purge_batch(now=LATER)

    for link in (registration_link, f"{registration_link}/evaluatie", f"{registration_link}/agenda.ics", request_link):
        page = client.get(link)
        assert page.status_code == 410, link
        assert "Deze gegevens zijn verwijderd" in page.get_data(as_text=True)
