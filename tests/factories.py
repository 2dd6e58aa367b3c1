"""Test data, inserted directly: rows as the services would leave them, without the rules, the
locks and the mails (a test of a rule calls the service for that rule).

Every builder adds and flushes; the caller (a fixture) commits. Users get the password
``PASSWORD``.
"""
from __future__ import annotations

from datetime import date, timedelta

from ontwikkelbijeenkomsten.accounts.models import Role, User
from ontwikkelbijeenkomsten.core import audit
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import Theme
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.experts.models import Availability, ExpertProfile
from ontwikkelbijeenkomsten.meetings.services import Applicant
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import OrganisationType, ProgrammePeriod, Region
from ontwikkelbijeenkomsten.regions.services import school_year_containing
from ontwikkelbijeenkomsten.requests.models import LocationKind, PreferredMoment, Request, RequestState
from ontwikkelbijeenkomsten.requests.services import Submission

PASSWORD = "een lang wachtwoord"
SECTORS = [Sector.ONDERWIJS, Sector.JEUGDHULP, Sector.GEMEENTE, Sector.OTHER]
OCHTEND, MIDDAG, AVOND = Dagdeel.OCHTEND, Dagdeel.MIDDAG, Dagdeel.AVOND
THEMES = [("oogo", "OOGO"), ("leerplicht", "Leerplicht"), ("leerlingenvervoer", "Leerlingenvervoer")]
REGIONS = [("JZ41", "Zuid-Limburg"), ("JZ01", "Groningen")]


# ---- values --------------------------------------------------------------------------------
def future_day(days: int = 14) -> date:
    """`days` from today, but not after the current school year."""
    day = today_local() + timedelta(days=days)
    _, _, ends = school_year_containing(today_local())
    return min(day, ends)


def submission(world, **overrides) -> Submission:
    """A valid request form of `world.region` (2 dagdelen, theme `world.themes[0]`, preferred
    moments (future_day(14), ochtend) and (future_day(21), middag))."""
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


def applicant(n: int, **overrides) -> Applicant:
    """Participant number `n`, with a distinct name and address."""
    values = dict(name=f"Deelnemer {n}", email=f"deelnemer{n}@example.org", sector=SECTORS[n % 4],
                  organisation="SWV Zuid", function="Intern begeleider")
    values.update(overrides)
    return Applicant(**values)


# ---- rows ----------------------------------------------------------------------------------
def user(email: str, name: str, role: Role, password: str | None = PASSWORD) -> User:
    row = User(email=email.strip().lower(), name=name, role=role)
    if password:
        row.set_password(password)
    db.session.add(row)
    db.session.flush()
    return row


def coordinator(email: str = "coordinator@example.org", name: str = "Sanne de Vries") -> User:
    return user(email, name, Role.COORDINATOR)


def make_expert(email, name, themes, *, regions=(), serves_all_regions=True, password=PASSWORD) -> User:
    """An expert with a profile."""
    row = user(email, name, Role.EXPERT, password)
    db.session.add(ExpertProfile(
        user=row, bio="", organisation="", serves_all_regions=serves_all_regions,
        themes=list(themes), regions=list(regions),
    ))
    db.session.flush()
    return row


def themes(count: int = 3) -> list[Theme]:
    """OOGO, Leerplicht, Leerlingenvervoer (the first `count`)."""
    rows = [Theme(slug=slug, name=name, position=n) for n, (slug, name) in enumerate(THEMES[:count], start=1)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def regions(count: int = 2) -> list[Region]:
    """Zuid-Limburg (JZ41), Groningen (JZ01) (the first `count`)."""
    rows = [Region(code=code, name=name) for code, name in REGIONS[:count]]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def period(default_quota: int = 4) -> ProgrammePeriod:
    """The programme period of the current school year."""
    name, starts, ends = school_year_containing(today_local())
    row = ProgrammePeriod(name=name, starts_on=starts, ends_on=ends, default_quota=default_quota)
    db.session.add(row)
    db.session.flush()
    return row


def available(expert, day: date, dagdeel: Dagdeel) -> Availability:
    row = Availability(expert_id=expert.id, date=day, dagdeel=dagdeel)
    db.session.add(row)
    db.session.flush()
    return row


def granted_request(s: Submission, period: ProgrammePeriod, coordinator: User, dagdelen: int,
                    explanation: str = "") -> Request:
    """The request of form `s`, taken into review and granted `dagdelen` by `coordinator`, with
    the quota taken and the audit trail the services write (but no mails)."""
    request = Request(
        submission_key=s.submission_key, region_id=s.region_id, period=period, state=RequestState.SUBMITTED,
        organisation_name=s.organisation_name, organisation_type=s.organisation_type,
        participating_organisations=s.participating_organisations,
        contact_name=s.contact_name, contact_email=s.contact_email.lower(),
        contact_phone=s.contact_phone, contact_function=s.contact_function,
        dagdelen_wanted=s.dagdelen_wanted, goal=s.goal, location_kind=s.location_kind,
        location=s.location, expected_participants=s.expected_participants,
        sectors=list(s.sectors), themes=[db.session.get(Theme, i) for i in s.theme_ids],
        consent_at=utcnow(), locale=s.locale,
        preferred_period_start=s.period_start, preferred_period_end=s.period_end,
        preferred_dagdelen=[d.value for d in s.period_dagdelen],
        preferred_moments=[
            PreferredMoment(date=d, dagdeel=p, rank=i) for i, (d, p) in enumerate(s.moments, start=1)
        ],
    )
    db.session.add(request)
    db.session.flush()
    audit.record("request.submitted", request, actor_label=request.contact_email,
                 to_state=RequestState.SUBMITTED.value)
    request.assigned_coordinator_id = coordinator.id
    request.state = RequestState.IN_REVIEW
    audit.record("request.review", request, actor=coordinator,
                 from_state=RequestState.SUBMITTED.value, to_state=RequestState.IN_REVIEW.value)
    quota.take(s.region_id, period, dagdelen)
    request.dagdelen_granted = dagdelen
    request.decision_reason = explanation
    request.state = RequestState.GRANTED
    audit.record("request.granted", request, actor=coordinator, from_state=RequestState.IN_REVIEW.value,
                 to_state=RequestState.GRANTED.value, dagdelen=dagdelen)
    db.session.flush()
    return request
