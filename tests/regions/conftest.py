from datetime import timedelta

import pytest

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import (
    OrganisationType,
    ProgrammePeriod,
    Region,
)
from ontwikkelbijeenkomsten.regions.services import school_year_containing
from ontwikkelbijeenkomsten.requests.models import LocationKind, Request, RequestState
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind

PASSWORD = "een lang wachtwoord"


@pytest.fixture
def coordinator(app):
    user = create_user("coordinator@example.org", "Sanne de Vries", Role.COORDINATOR, PASSWORD)
    db.session.commit()
    return user


@pytest.fixture
def period(app):
    """The programme period of the current school year, with the default quota of 4."""
    name, starts, ends = school_year_containing(today_local())
    period = ProgrammePeriod(name=name, starts_on=starts, ends_on=ends, default_quota=4)
    db.session.add(period)
    db.session.commit()
    return period


@pytest.fixture
def region(app):
    region = Region(code="JZ41", name="Zuid-Limburg")
    db.session.add(region)
    db.session.commit()
    return region


def login(client, email="coordinator@example.org"):
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    return login(client)


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
