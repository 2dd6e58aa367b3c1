"""Requests with meetings in given states, built straight into the database, for the region
tests; the shared fixtures are in tests/plugins/data.py."""
from datetime import timedelta

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import OrganisationType
from ontwikkelbijeenkomsten.requests.models import LocationKind, Request, RequestState


def add_request(region, period, granted=0, meeting_states=()):
    """A request of `region` in `period` with `granted` dagdelen taken from the quota and one
    regional session per state in `session_states`."""
    request = Request(
        region=region, period=period, state=RequestState.GRANTED if granted else RequestState.SUBMITTED,
        organisation_name="SWV Zuid-Limburg", organisation_type=OrganisationType.SWV_VO,
        contact_name="Ilse Claessens", contact_email="ilse@example.org", contact_phone="06 12345678",
        dagdelen_wanted=max(granted, 1), dagdelen_granted=granted, goal="Samen signaleren.",
        location_kind=LocationKind.ONLINE, consent_at=utcnow(),
    )
    db.session.add(request)
    if granted:
        quota.take(region.id, period, granted)
    for offset, state in enumerate(meeting_states):
        day = period.starts_on + timedelta(days=offset)
        starts_at, ends_at = Dagdeel.OCHTEND.bounds(day)
        db.session.add(Meeting(
            kind=MeetingKind.REGIONAL, state=state, request=request, region=region, title="Bijeenkomst",
            date=day, dagdeel=Dagdeel.OCHTEND, starts_at=starts_at, ends_at=ends_at,
        ))
    db.session.commit()
    return request
