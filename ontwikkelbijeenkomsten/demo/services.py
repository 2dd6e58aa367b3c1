"""Fill an empty database with a believable programme period, and the one before it with
what took place (see `load_demo`).

The rows are built directly, as they would stand after a term of use; the caller (`flask demo
load`) commits them in one unit of work.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from sqlalchemy import select

from ..accounts.models import Role, User
from ..accounts.services import create_user
from ..core.db import utcnow
from ..core.extensions import db
from ..core.models import Theme
from ..core.sectors import Sector
from ..core.themes import add_programme_themes, all_themes
from ..core.time import Dagdeel, today_local
from ..experts.models import Availability, ExpertProfile
from ..meetings.models import (
    AssignmentState,
    Attendance,
    Evaluation,
    Meeting,
    MeetingExpert,
    MeetingKind,
)
from ..regions.models import (
    Organisation,
    OrganisationType,
    ProgrammePeriod,
    QuotaLedger,
    Region,
)
from ..regions.services import import_regions, school_year_containing
from ..requests.models import LocationKind, PreferredMoment, Request, RequestState
from ..scheduling.held import mark_held
from .certificates import add_certificates
from .past import add_past_period
from .rows import meeting_at, register, request_history

DEMO_PASSWORD = "demo-wachtwoord-2026"
DEMO_COORDINATOR_EMAIL = "coordinator@example.org"
DEMO_EXPERTS = [
    ("a.elamrani@example.org", "Ahmed El Amrani", "Kennispunt Passend Onderwijs",
     ["multidisciplinaire-samenwerking", "signaleren-en-arrangeren", "oogo"]),
    ("m.jansen@example.org", "Marieke Jansen", "Jeugdhulp Advies Noord",
     ["jonge-risicokinderen", "preventie-vroegsignalering", "doorgaande-lijnen"]),
    ("p.bakker@example.org", "Peter Bakker", "Bureau Leerplicht & Onderwijs",
     ["leerplicht", "zorgplicht-mbo", "grote-zorgvraag", "onderwijs-zorgarrangementen"]),
]


class DemoRefused(Exception):
    """The database already holds data and `force` was not given."""


@dataclass
class DemoCredentials:
    coordinator: str
    experts: list[str]
    password: str


def is_empty() -> bool:
    return db.session.scalar(select(Region.id).limit(1)) is None and db.session.scalar(
        select(Theme.id).limit(1)
    ) is None


def clear_all() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.flush()


def load_demo(force: bool = False, today: date | None = None) -> DemoCredentials:
    """Add the demo; refuses a non-empty database unless `force` (which wipes it first)."""
    if not is_empty():
        if not force:
            raise DemoRefused()
        clear_all()
    today = today or today_local()
    csv_text = resources.files("ontwikkelbijeenkomsten.data").joinpath("jeugdregios-2025.csv").read_text("utf-8")
    import_regions(csv_text)
    add_programme_themes()
    themes = {theme.slug: theme for theme in all_themes()}
    name, starts, ends = school_year_containing(today)
    period = ProgrammePeriod(name=name, starts_on=starts, ends_on=ends, default_quota=4)
    db.session.add(period)
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    _add_organisations(regions)
    coordinator = create_user(DEMO_COORDINATOR_EMAIL, "Sanne de Vries", Role.COORDINATOR, DEMO_PASSWORD)
    experts = [_add_expert(e, themes, today) for e in DEMO_EXPERTS]
    db.session.flush()
    ledgers = {
        code: QuotaLedger(region=region, period=period, quota=period.default_quota, granted=0)
        for code, region in regions.items()
    }
    db.session.add_all(ledgers.values())
    requests = _add_requests(regions, period, themes, ledgers, coordinator.id, today)
    _add_meetings(requests, experts, themes, regions, today)
    add_past_period(today, regions, themes, experts, coordinator.id)
    db.session.flush()
    mark_held()  # what has ended becomes held, through the state machines, as the worker does it
    return DemoCredentials(DEMO_COORDINATOR_EMAIL, [e[0] for e in DEMO_EXPERTS], DEMO_PASSWORD)


def _add_organisations(regions: dict[str, Region]) -> None:
    members = {
        "JZ01": [("Samenwerkingsverband Passend Onderwijs Groningen PO", OrganisationType.SWV_PO),
                 ("Samenwerkingsverband VO Groningen", OrganisationType.SWV_VO),
                 ("Gemeente Groningen", OrganisationType.GEMEENTE)],
        "JZ13": [("Samenwerkingsverband Amsterdam-Diemen PO", OrganisationType.SWV_PO),
                 ("Gemeente Amsterdam", OrganisationType.GEMEENTE),
                 ("ROC van Amsterdam", OrganisationType.MBO)],
        "JZ41": [("Samenwerkingsverband Passend Onderwijs Zuid-Limburg", OrganisationType.SWV_VO),
                 ("Gemeente Maastricht", OrganisationType.GEMEENTE)],
    }
    for code, orgs in members.items():
        for org_name, org_type in orgs:
            regions[code].organisations.append(Organisation(name=org_name, type=org_type))


def _add_expert(spec, themes: dict[str, Theme], today: date):
    email, name, organisation, theme_slugs = spec
    user = create_user(email, name, Role.EXPERT, DEMO_PASSWORD)
    db.session.add(ExpertProfile(
        user=user,
        organisation=organisation,
        bio=f"{name} begeleidt regio’s bij de samenwerking tussen onderwijs en jeugdhulp.",
        serves_all_regions=True,
        max_dagdelen_per_month=6,
        themes=[themes[s] for s in theme_slugs],
    ))
    db.session.flush()
    for offset in range(3, 60):
        day = today + timedelta(days=offset)
        if day.weekday() in (1, 3):  # Tuesday and Thursday
            for dagdeel in (Dagdeel.OCHTEND, Dagdeel.MIDDAG):
                db.session.add(Availability(expert_id=user.id, date=day, dagdeel=dagdeel))
    return user


def _next_weekday(today: date, weekday: int, weeks_ahead: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def _add_requests(regions, period, themes, ledgers, coordinator_id, today):
    """Four requests, one in each of the states a coordinator meets most."""
    consent = utcnow()
    specs = [
        ("JZ13", RequestState.SUBMITTED, 2, 0, "Gemeente Amsterdam", OrganisationType.GEMEENTE,
         ["oogo", "multidisciplinaire-samenwerking"],
         "We willen het OOGO inhoudelijker maken: wat verwachten onderwijs en jeugdhulp van elkaar?"),
        ("JZ01", RequestState.IN_REVIEW, 3, 0, "Samenwerkingsverband VO Groningen", OrganisationType.SWV_VO,
         ["zorgplicht-mbo", "doorgaande-lijnen"],
         "Hoe zorgen we voor een goede overstap van vso naar mbo voor leerlingen met jeugdhulp?"),
        ("JZ41", RequestState.GRANTED, 2, 2, "Samenwerkingsverband Passend Onderwijs Zuid-Limburg",
         OrganisationType.SWV_VO, ["signaleren-en-arrangeren"],
         "Samen signaleren en arrangeren: één ondersteuningsroute voor school en wijkteam."),
        ("JZ22", RequestState.SCHEDULED, 1, 1, "Gemeente Utrecht", OrganisationType.GEMEENTE,
         ["multidisciplinaire-samenwerking"],
         "Een werkconferentie over het ondersteuningsteam op school met het wijkteam erbij."),
    ]
    created = {}
    for code, state, wanted, granted, org, org_type, theme_slugs, goal in specs:
        request = Request(
            region=regions[code], period=period, state=state, organisation_name=org,
            organisation_type=org_type,
            participating_organisations="Samenwerkingsverbanden PO en VO, gemeenten, wijkteams",
            contact_name="Demo Contactpersoon", contact_email=f"contact.{code.lower()}@example.org",
            contact_phone="06 12345678", contact_function="Beleidsadviseur",
            dagdelen_wanted=wanted, dagdelen_granted=granted, expected_participants=25,
            sectors=["onderwijs", "jeugdhulp", "gemeente"], goal=goal,
            location_kind=LocationKind.ADDRESS, location="Stadhuis, zaal 2",
            consent_at=consent, themes=[themes[s] for s in theme_slugs],
            assigned_coordinator_id=coordinator_id if state is not RequestState.SUBMITTED else None,
        )
        for rank, weeks in enumerate((2, 3, 4), start=1):
            request.preferred_moments.append(
                PreferredMoment(date=_next_weekday(today, 1, weeks), dagdeel=Dagdeel.OCHTEND, rank=rank)
            )
        ledgers[code].granted += granted
        db.session.add(request)
        created[state] = request
    db.session.flush()
    coordinator = db.session.get(User, coordinator_id)
    for steps, (state, request) in enumerate(created.items()):  # a day per step up to today
        request.created_at = consent - timedelta(days=steps)
        request_history(request, state, coordinator, request.created_at)
    return created


def _add_meetings(requests, experts, themes, regions, today) -> None:
    scheduled = requests[RequestState.SCHEDULED]
    day = scheduled.preferred_moments[0].date
    regional = meeting_at(
        day, Dagdeel.OCHTEND, kind=MeetingKind.REGIONAL, request=scheduled, region=scheduled.region,
        title="Werkconferentie ondersteuningsteam en wijkteam",
        description=scheduled.goal, location="Stadhuis Utrecht, zaal 2", capacity=30,
        themes=list(scheduled.themes),
    )
    training_day = _next_weekday(today, 3, 3)
    training = meeting_at(
        training_day, Dagdeel.MIDDAG, kind=MeetingKind.OPEN_TRAINING,
        title="Samen leren: signaleren en arrangeren voor onderwijs en jeugdhulp",
        description="Een training voor intern begeleiders, jeugdprofessionals en leerplichtambtenaren.",
        location="Jaarbeurs Utrecht, zaal Rhône", capacity=3, waiting_list_enabled=True,
        themes=[themes["signaleren-en-arrangeren"], themes["multidisciplinaire-samenwerking"]],
    )
    training.registration_closes_at = training.starts_at
    db.session.add_all([regional, training])
    db.session.flush()
    for meeting, expert in ((regional, experts[0]), (training, experts[1])):
        db.session.add(MeetingExpert(meeting=meeting, expert=expert, date=meeting.date, dagdeel=meeting.dagdeel))
    people = [
        ("Fatima Ouali", "f.ouali@example.org", "Basisschool De Regenboog", Sector.ONDERWIJS, "Intern begeleider"),
        ("Jeroen de Boer", "j.deboer@example.org", "Wijkteam Oost", Sector.JEUGDHULP, "Jeugdprofessional"),
        ("Linda Visser", "l.visser@example.org", "Gemeente Utrecht", Sector.GEMEENTE, "Leerplichtambtenaar"),
        ("Tom Hendriks", "t.hendriks@example.org", "Praktijkschool West", Sector.ONDERWIJS, "Zorgcoördinator"),
    ]
    for meeting in (regional, training):
        register(meeting, people)
    _add_series(experts, themes, today)
    _add_sector_training(experts, themes, today)
    _add_past_training(experts, themes, regions, today, people)


def _with_expert(meeting: Meeting, expert) -> Meeting:
    db.session.add(meeting)
    meeting.experts.append(MeetingExpert(expert=expert, date=meeting.date, dagdeel=meeting.dagdeel))
    return meeting


def _add_series(experts, themes, today) -> None:
    """A national online series of three mornings, registered as one."""
    lead = None
    for week in range(3):
        part = meeting_at(
            _next_weekday(today, 1, 5 + week), Dagdeel.OCHTEND, kind=MeetingKind.OPEN_TRAINING, series=lead,
            title="Leergang doorgaande lijnen: van voorschool tot mbo",
            description="Drie ochtenden over overgangen tussen scholen en de jeugdhulp die meegaat.",
            target_groups="Zorgcoördinatoren, jeugdconsulenten en beleidsmedewerkers",
            online_url="https://meet.example.org/doorgaande-lijnen", capacity=None if lead else 25,
            themes=[themes["doorgaande-lijnen"], themes["jonge-risicokinderen"]],
        )
        lead = lead or part
        _with_expert(part, experts[1])
    register(lead, [
        ("Sanne Smit", "s.smit@example.org", "SWV VO Utrecht", Sector.ONDERWIJS, "Zorgcoördinator"),
        ("Karim Haddou", "k.haddou@example.org", "Jeugdteam Zuid", Sector.JEUGDHULP, "Jeugdconsulent"),
    ])


def _add_sector_training(experts, themes, today) -> None:
    """A joint training in five weeks that holds places for onderwijs and jeugdhulp (released
    seven days before it begins)."""
    training = _with_expert(meeting_at(
        _next_weekday(today, 3, 5), Dagdeel.MIDDAG, kind=MeetingKind.OPEN_TRAINING,
        title="Samen in de klas: passend onderwijs en jeugdhulp",
        description="Leerkrachten en jeugdprofessionals werken een middag samen aan casussen uit de klas.",
        target_groups="Leerkrachten, intern begeleiders en jeugdprofessionals",
        location="Het Klokhuis, Zwolle", capacity=12, held_onderwijs=4, held_jeugdhulp=4,
        themes=[themes["multidisciplinaire-samenwerking"]],
    ), experts[0])
    register(training, [
        ("Ilse Vermeer", "i.vermeer@example.org", "Basisschool De Linde", Sector.ONDERWIJS, "Leerkracht"),
        ("Bas Kuiper", "b.kuiper@example.org", "Kindcentrum Het Anker", Sector.ONDERWIJS, "Intern begeleider"),
        ("Noor El Amrani", "n.elamrani@example.org", "Sociaal team Zwolle", Sector.JEUGDHULP, "Jeugdprofessional"),
        ("Wim Post", "w.post@example.org", "Gemeente Zwolle", Sector.GEMEENTE, "Beleidsmedewerker"),
    ])


def _add_past_training(experts, themes, regions, today, people) -> None:
    """A training three weeks ago: attendance marked, evaluations given, certificates issued."""
    held = _with_expert(meeting_at(
        _next_weekday(today, 2, -3), Dagdeel.MIDDAG, kind=MeetingKind.OPEN_TRAINING,
        title="OOGO in de praktijk", description="Hoe voert u het op overeenstemming gericht overleg samen?",
        location="Provinciehuis Maastricht", capacity=20, region=regions.get("JZ41"), themes=[themes["oogo"]],
    ), experts[0])
    held.experts[0].state = AssignmentState.ACCEPTED  # it was given: the expert had said yes
    db.session.flush()
    answers = [(5, "Concrete voorbeelden uit de regio.", ""), (4, "Samen met de gemeente aan tafel.",
                                                               "Meer tijd voor de casussen.")]
    attendees = register(held, people[:3], attended=True)
    for registration, answer in zip(attendees, [*answers, None], strict=True):
        registration.evaluation_requested_at = utcnow()
        registration.attendances.append(Attendance(meeting_id=held.id))
        if answer:
            score, went_well, to_improve = answer
            registration.evaluation = Evaluation(meeting_id=held.id, score=score, went_well=went_well,
                                                 to_improve=to_improve)
    add_certificates(held, attendees)
