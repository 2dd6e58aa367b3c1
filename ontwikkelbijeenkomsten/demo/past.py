"""The school year before the demo's current one, as it stands after the fact: regions that
requested and were granted dagdelen, regional sessions and one open training that took place,
attendance marked (with a no-show here and there) and some evaluations. So the reports have a
year to show from the first minute.

The sessions are built as planned, with the expert's acceptance; `load_demo` then lets the held
job move them (and their requests) to held through the state machines, as the worker would.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from ..accounts.models import User
from ..core.extensions import db
from ..core.models import Theme
from ..core.sectors import Sector
from ..core.time import Dagdeel
from ..meetings.models import (
    AssignmentState,
    Attendance,
    Evaluation,
    MeetingExpert,
    MeetingKind,
    Registration,
    RegistrationState,
)
from ..regions.models import OrganisationType, ProgrammePeriod, QuotaLedger, Region
from ..regions.services import school_year_containing
from ..requests.models import LocationKind, Request, RequestState
from .rows import meeting_at, register, request_history

#: region code, dagdelen granted, organisation, its type, theme slugs
REQUESTS = [
    ("JZ01", 2, "Samenwerkingsverband VO Groningen", OrganisationType.SWV_VO, ["oogo", "doorgaande-lijnen"]),
    ("JZ13", 3, "Gemeente Amsterdam", OrganisationType.GEMEENTE, ["multidisciplinaire-samenwerking"]),
    ("JZ22", 2, "Gemeente Utrecht", OrganisationType.GEMEENTE, ["signaleren-en-arrangeren"]),
    ("JZ29", 4, "Samenwerkingsverband Passend Onderwijs Rijnmond", OrganisationType.SWV_PO,
     ["jonge-risicokinderen", "preventie-vroegsignalering"]),
    ("JZ38", 1, "Gemeente Middelburg", OrganisationType.GEMEENTE, ["leerplicht"]),
    ("JZ41", 2, "Samenwerkingsverband Passend Onderwijs Zuid-Limburg", OrganisationType.SWV_VO,
     ["signaleren-en-arrangeren", "zorgplicht-mbo"]),
]
PEOPLE = [
    ("Noor Bakker", "Basisschool De Wilg", Sector.ONDERWIJS, "Intern begeleider"),
    ("Daan Mulder", "Wijkteam Centrum", Sector.JEUGDHULP, "Jeugdprofessional"),
    ("Eva Kok", "Gemeente", Sector.GEMEENTE, "Beleidsadviseur jeugd"),
    ("Youssef Amrani", "Vso De Brug", Sector.ONDERWIJS, "Zorgcoördinator"),
    ("Lotte de Wit", "GGD", Sector.OTHER, "Jeugdverpleegkundige"),
    ("Bram Peters", "Jeugdzorgaanbieder Horizon", Sector.JEUGDHULP, "Gedragswetenschapper"),
]
SCORES = [(5, "Concrete afspraken voor na de zomer.", ""), (4, "Eindelijk samen aan tafel.", "Meer tijd."),
          (3, "Goede casussen.", "Minder sheets, meer gesprek.")]


def add_past_period(today: date, regions: dict[str, Region], themes: dict[str, Theme], experts,
                    coordinator_id: int) -> ProgrammePeriod:
    """The school year before the one containing `today`, with its requests and sessions."""
    name, starts, ends = school_year_containing(date(today.year - 1, today.month, min(today.day, 28)))
    period = ProgrammePeriod(name=name, starts_on=starts, ends_on=ends, default_quota=4)
    db.session.add(period)
    ledgers = {code: QuotaLedger(region=region, period=period, quota=4, granted=0)
               for code, region in regions.items()}
    db.session.add_all(ledgers.values())
    session_number = 0
    for n, (code, granted, organisation, org_type, slugs) in enumerate(REQUESTS):
        request = Request(
            region=regions[code], period=period, state=RequestState.SCHEDULED, organisation_name=organisation,
            organisation_type=org_type, contact_name="Demo Contactpersoon",
            contact_email=f"contact.{code.lower()}@example.org", contact_phone="06 12345678",
            dagdelen_wanted=granted, dagdelen_granted=granted, expected_participants=20,
            sectors=["onderwijs", "jeugdhulp", "gemeente"], goal="Samen werken aan passende ondersteuning.",
            location_kind=LocationKind.ADDRESS, location="Gemeentehuis", themes=[themes[s] for s in slugs],
            assigned_coordinator_id=coordinator_id, consent_at=_utc(starts + timedelta(weeks=3 + n)),
            created_at=_utc(starts + timedelta(weeks=3 + n)),
        )
        ledgers[code].granted += granted
        db.session.add(request)
        db.session.flush()
        request_history(request, RequestState.SCHEDULED, db.session.get(User, coordinator_id), request.created_at)
        for part in range(granted):
            day = _weekday_on_or_after(starts + timedelta(weeks=8 + 5 * n + 3 * part), 1)  # a Tuesday
            _held(meeting_at(day, Dagdeel.OCHTEND, kind=MeetingKind.REGIONAL, request=request,
                             region=request.region, title=f"Werksessie {organisation}", description=request.goal,
                             location="Gemeentehuis", capacity=30, themes=list(request.themes)),
                  experts[session_number % len(experts)], session_number)
            session_number += 1
    training_day = _weekday_on_or_after(ends - timedelta(weeks=10), 3)  # a Thursday in spring
    _held(meeting_at(training_day, Dagdeel.MIDDAG, kind=MeetingKind.OPEN_TRAINING,
                     title="Samen leren: de overstap van vso naar mbo", location="Jaarbeurs Utrecht",
                     capacity=40, themes=[themes["zorgplicht-mbo"], themes["doorgaande-lijnen"]]),
          experts[2], session_number)
    return period


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=timezone.utc)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _held(meeting, expert, number: int) -> None:
    """Registrations of four or five people from mixed sectors; every fourth session has a
    no-show; everyone present got the evaluation link when it ended, the first two answered."""
    db.session.add(meeting)
    meeting.experts.append(MeetingExpert(expert=expert, date=meeting.date, dagdeel=meeting.dagdeel,
                                         state=AssignmentState.ACCEPTED))
    db.session.flush()
    people = [PEOPLE[(number + i) % len(PEOPLE)] for i in range(4 + number % 2)]
    registrations = register(meeting, [(name, f"{name.split()[0].lower()}.{number}@example.org", org, sector,
                                        function) for name, org, sector, function in people], attended=True)
    if number % 4 == 3:
        registrations[-1].state = RegistrationState.CONFIRMED  # did not come
    present: list[Registration] = [r for r in registrations if r.state is RegistrationState.ATTENDED]
    for registration in present:
        registration.attendances.append(Attendance(meeting_id=meeting.id))
        registration.evaluation_requested_at = meeting.ends_at  # everyone present was asked, back then
    for registration, (score, went_well, to_improve) in zip(present, SCORES[number % 2:][:2]):
        registration.evaluation = Evaluation(meeting_id=meeting.id, score=score, went_well=went_well,
                                             to_improve=to_improve)
