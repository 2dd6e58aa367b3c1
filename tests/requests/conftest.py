from datetime import date, timedelta

import pytest

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.models import Theme
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.regions.models import (
    OrganisationType,
    ProgrammePeriod,
    Region,
)
from ontwikkelbijeenkomsten.regions.services import school_year_containing
from ontwikkelbijeenkomsten.requests.models import LocationKind
from ontwikkelbijeenkomsten.requests.services import Submission


@pytest.fixture
def world(app):
    """A region, the current programme period, two themes and a coordinator."""
    name, starts, ends = school_year_containing(today_local())
    period = ProgrammePeriod(name=name, starts_on=starts, ends_on=ends, default_quota=4)
    region = Region(code="JZ41", name="Zuid-Limburg")
    themes = [Theme(slug="oogo", name="OOGO", position=1), Theme(slug="leerplicht", name="Leerplicht", position=2)]
    db.session.add_all([period, region, *themes])
    coordinator = create_user("coordinator@example.org", "Sanne", Role.COORDINATOR, "een lang wachtwoord")
    db.session.commit()
    return type("World", (), {"period": period, "region": region, "themes": themes, "coordinator": coordinator})


def future_day(days: int = 14) -> date:
    day = today_local() + timedelta(days=days)
    _, _, ends = school_year_containing(today_local())
    return min(day, ends)


def submission(world, **overrides) -> Submission:
    values = dict(
        region_id=world.region.id, organisation_name="SWV Zuid-Limburg",
        organisation_type=OrganisationType.SWV_VO, contact_name="Ilse Claessens",
        contact_email="Ilse@Example.org", contact_phone="06 12345678", dagdelen_wanted=2,
        goal="Samen signaleren.", location_kind=LocationKind.ADDRESS, location="Stadhuis Maastricht",
        theme_ids=[world.themes[0].id], consent=True,
        moments=[(future_day(14), Dagdeel.OCHTEND), (future_day(21), Dagdeel.MIDDAG)],
    )
    values.update(overrides)
    return Submission(**values)
