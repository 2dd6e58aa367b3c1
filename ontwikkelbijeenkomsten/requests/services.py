"""Request rules: submission, review, grant within the quota, rejection, withdrawal.

Every action runs in one transaction with its audit event and its mails.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..accounts.services import coordinators_for
from ..core import audit
from ..core.db import utcnow
from ..core.models import Theme
from ..core.rules import RuleViolation
from ..core.time import Dagdeel, today_local
from ..core.tokens import make_token, read_token
from ..core.urls import absolute_url
from ..core.extensions import db
from ..mail import services as mail
from ..regions import quota
from ..regions.models import OrganisationType, ProgrammePeriod, Region
from ..regions.services import current_period
from ..meetings.models import Meeting, MeetingState
from ..core.sectors import Sector
from .models import LocationKind, PreferredMoment, Request, RequestState

STATUS_PURPOSE = "request-status"
MAX_MOMENTS = 6
MAX_DAGDELEN = 4  # the database allows 1-4 dagdelen per request
MAX_PARTICIPANTS = 500
OPEN_STATES = (RequestState.SUBMITTED, RequestState.IN_REVIEW)
#: Until the meetings are held; withdrawing cancels the sessions that have not begun.
WITHDRAWABLE = (RequestState.SUBMITTED, RequestState.IN_REVIEW, RequestState.GRANTED, RequestState.SCHEDULED)



@dataclass
class Submission:
    region_id: int
    organisation_name: str
    organisation_type: OrganisationType
    contact_name: str
    contact_email: str
    contact_phone: str
    dagdelen_wanted: int
    goal: str
    location_kind: LocationKind
    theme_ids: list[int]
    consent: bool
    participating_organisations: str = ""
    contact_function: str = ""
    moments: list[tuple[date, Dagdeel]] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    period_dagdelen: list[Dagdeel] = field(default_factory=list)
    expected_participants: int = 0
    sectors: list[str] = field(default_factory=list)
    location: str = ""
    locale: str = "nl"
    submission_key: str | None = None


def status_token(request: Request) -> str:
    return make_token(STATUS_PURPOSE, request.id)


def request_for_token(token: str) -> Request | None:
    """The request a status link points to; None for a tampered link or a deleted request."""
    request_id = read_token(STATUS_PURPOSE, token)
    return db.session.get(Request, request_id) if isinstance(request_id, int) else None


def open_period(today: date | None = None) -> ProgrammePeriod | None:
    return current_period(today or today_local())


def _left_message(left: int) -> str:
    if not left:
        return gettext("The region has no dagdelen left in this period.")
    return ngettext(
        "The region has only %(num)s dagdeel left in this period.",
        "The region has only %(num)s dagdelen left in this period.",
        left,
    )


def _check_rules(s: Submission, period: ProgrammePeriod, today: date) -> tuple[Region, list[Theme]]:
    region = db.session.get(Region, s.region_id)
    if region is None or not region.active:
        raise RuleViolation("region_id", _l("Choose your region from the list."))
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(s.theme_ids), Theme.active)))
    if not themes or len(themes) != len(set(s.theme_ids)):
        raise RuleViolation("theme_ids", _l("Choose at least one theme from the list."))
    if not s.consent:
        raise RuleViolation("consent", _l("Agree to the privacy statement to send your request."))
    if not 1 <= s.dagdelen_wanted <= MAX_DAGDELEN:
        raise RuleViolation("dagdelen_wanted", _l("Ask for 1 to 4 dagdelen."))
    left = quota.remaining(region, period)
    if s.dagdelen_wanted > left:
        raise RuleViolation("dagdelen_wanted", _left_message(left))
    if not 0 <= s.expected_participants <= MAX_PARTICIPANTS:
        raise RuleViolation(
            "expected_participants", _l("Enter a number from 0 to %(max)s.", max=MAX_PARTICIPANTS)
        )
    if not set(s.sectors) <= {sector.value for sector in Sector}:
        raise RuleViolation("sectors", _l("Choose the sectors from the list."))
    if not s.moments and not (s.period_start and s.period_end):
        raise RuleViolation("moments", _l("Give at least one preferred moment, or a period."))
    if len(s.moments) > MAX_MOMENTS:
        raise RuleViolation("moments", _l("Give at most six preferred moments."))
    if len(set(s.moments)) != len(s.moments):
        raise RuleViolation("moments", _l("Each preferred moment may appear only once."))
    for day in [d for d, _ in s.moments] + [d for d in (s.period_start, s.period_end) if d]:
        if day <= today:
            raise RuleViolation("moments", _l("Choose dates after today."))
        if not period.contains(day):
            raise RuleViolation(
                "moments",
                _l("Choose dates within the programme period (%(start)s to %(end)s).",
                   start=format_date(period.starts_on, "d MMMM y"), end=format_date(period.ends_on, "d MMMM y")),
            )
    if s.period_start and s.period_end and s.period_end < s.period_start:
        raise RuleViolation("moments", _l("The end of the period must be after its start."))
    if s.period_start and not s.period_dagdelen:
        raise RuleViolation("moments", _l("Choose which dagdelen suit you in that period."))
    if s.location_kind is LocationKind.ADDRESS and not s.location:
        raise RuleViolation("location", _l("Give the address where the meeting takes place."))
    return region, themes


def submit(s: Submission, today: date | None = None) -> Request:
    """Save a region's request with its receipt and the coordinators' notification."""
    today = today or today_local()
    earlier = _submitted_before(s.submission_key)
    if earlier is not None:
        return earlier
    period = open_period(today)
    if period is None:
        raise RuleViolation("region_id", _l("There is no open programme period at the moment."))
    region, themes = _check_rules(s, period, today)
    request = Request(
        submission_key=s.submission_key,
        region=region, period=period, state=RequestState.SUBMITTED,
        organisation_name=s.organisation_name, organisation_type=s.organisation_type,
        participating_organisations=s.participating_organisations,
        contact_name=s.contact_name, contact_email=s.contact_email.lower(),
        contact_phone=s.contact_phone, contact_function=s.contact_function,
        dagdelen_wanted=s.dagdelen_wanted, goal=s.goal, location_kind=s.location_kind,
        location=s.location, expected_participants=s.expected_participants,
        sectors=list(s.sectors), themes=themes, consent_at=utcnow(), locale=s.locale,
        preferred_period_start=s.period_start, preferred_period_end=s.period_end,
        preferred_dagdelen=[d.value for d in s.period_dagdelen],
        preferred_moments=[
            PreferredMoment(date=d, dagdeel=p, rank=i) for i, (d, p) in enumerate(s.moments, start=1)
        ],
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:  # the same form, sent twice at the same moment
        db.session.rollback()
        return _submitted_before(s.submission_key)
    audit.record("request.submitted", request, actor_label=s.contact_email.lower(),
                 to_state=RequestState.SUBMITTED.value)
    _mail_contact(request, "request_received", _l("We have received your request for dagdelen"))
    _notify_coordinators(request, "request_new", _l("New request from %(region)s", region=region.name))
    db.session.commit()
    return request


def _submitted_before(key: str | None) -> Request | None:
    return db.session.scalar(select(Request).where(Request.submission_key == key)) if key else None


def _notify_coordinators(request: Request, kind: str, subject) -> None:
    """Mail the coordinator assigned to the request, or every active coordinator when none is."""
    for coordinator in coordinators_for(request.assigned_coordinator_id):
        mail.enqueue(
            coordinator.email, kind, subject, f"requests/{kind}", locale=coordinator.locale,
            request=request, coordinator=coordinator,
            link=absolute_url("requests.coordinator_detail", request_id=request.id),
        )


def _mail_contact(request: Request, kind: str, subject, **context) -> None:
    mail.enqueue(
        request.contact_email, kind, subject, f"requests/{kind}", locale=request.locale,
        request=request, status_link=absolute_url("requests.status", token=status_token(request)),
        **context,
    )


class StateError(Exception):
    """The action does not fit the request's current state (someone else acted first)."""


def _transition(request: Request, to: RequestState, actor: User | None, action: str, **details) -> None:
    before = request.state
    request.state = to
    audit.record(action, request, actor=actor,
                 actor_label=None if actor else request.contact_email,
                 from_state=before.value, to_state=to.value, **details)


def lock(request: Request) -> Request:
    """Re-read the request under a row lock so concurrent actions see each other's result."""
    db.session.execute(select(Request.id).where(Request.id == request.id).with_for_update())
    db.session.refresh(request)
    return request


def take_into_review(request: Request, actor: User) -> None:
    lock(request)
    if request.state is not RequestState.SUBMITTED:
        raise StateError()
    if request.assigned_coordinator_id is None:
        request.assigned_coordinator_id = actor.id
    _transition(request, RequestState.IN_REVIEW, actor, "request.review")
    db.session.commit()


def grant(request: Request, dagdelen: int, actor: User, explanation: str = "") -> None:
    """Grant `dagdelen` within the region's quota; fewer than asked needs an explanation."""
    lock(request)
    if request.state not in OPEN_STATES:
        raise StateError()
    if dagdelen < 1:
        raise RuleViolation("dagdelen", _l("Grant at least one dagdeel, or reject the request."))
    if dagdelen > request.dagdelen_wanted:
        raise RuleViolation("dagdelen", _l("Grant at most the number of dagdelen the region asked for."))
    if dagdelen < request.dagdelen_wanted and not explanation.strip():
        raise RuleViolation("explanation", _l("Explain why the region gets fewer dagdelen than it asked for."))
    try:
        quota.take(request.region_id, request.period, dagdelen)
    except quota.QuotaExceeded as exc:
        db.session.rollback()
        raise RuleViolation("dagdelen", _left_message(exc.remaining)) from exc
    request.dagdelen_granted = dagdelen
    request.decision_reason = explanation.strip()
    _transition(request, RequestState.GRANTED, actor, "request.granted", dagdelen=dagdelen)
    _mail_contact(request, "request_granted", _l("Your request has been granted"))
    db.session.commit()


def reject(request: Request, reason: str, actor: User) -> None:
    """Reject with a reason that is mailed to the contact; a grant made earlier is given back."""
    lock(request)
    if request.state not in (*OPEN_STATES, RequestState.GRANTED):
        raise StateError()
    if not reason.strip():
        raise RuleViolation("reason", _l("Give the reason for the rejection; the region will read it."))
    was_granted = request.state is RequestState.GRANTED
    used = _cancel_meetings(request, reason.strip(), actor)
    quota.give_back(request.region_id, request.period, max(request.dagdelen_granted - used, 0))
    request.dagdelen_granted = used
    request.decision_reason = reason.strip()
    _transition(request, RequestState.REJECTED, actor, "request.rejected")
    _mail_contact(request, "request_rejected", _l("Decision on your request for dagdelen"), was_granted=was_granted)
    db.session.commit()


def _cancel_meetings(request: Request, reason, actor: User | None) -> int:
    """Cancel the sessions that have not begun; returns how many dagdelen were used already."""
    from ..scheduling.services import cancel_upcoming  # scheduling builds on this module

    cancel_upcoming(request, reason, actor)
    return db.session.scalar(
        select(func.count(Meeting.id)).where(Meeting.request_id == request.id, Meeting.state != MeetingState.CANCELLED)
    )


def withdraw(request: Request) -> None:
    """The region withdraws: sessions that have not begun are cancelled (expert and participants
    are told), and the dagdelen not used go back to the region's quota."""
    lock(request)
    if request.state not in WITHDRAWABLE:
        raise StateError()
    used = _cancel_meetings(request, _l("The region has withdrawn its request."), None)
    returned = max(request.dagdelen_granted - used, 0)
    quota.give_back(request.region_id, request.period, returned)
    _transition(request, RequestState.WITHDRAWN, None, "request.withdrawn", dagdelen_returned=returned)
    request.dagdelen_granted = used
    _mail_contact(request, "request_withdrawn", _l("Your request has been withdrawn"))
    _notify_coordinators(
        request, "request_withdrawn_notice",
        _l("%(region)s has withdrawn its request", region=request.region.name),
    )
    db.session.commit()


def add_note(request: Request, text: str, actor: User) -> None:
    if not text.strip():
        raise RuleViolation("text", _l("Write a note first."))
    audit.record("request.note", request, actor=actor, text=text.strip())
    db.session.commit()


def assign(request: Request, coordinator_id: int | None, actor: User) -> None:
    coordinator = db.session.get(User, coordinator_id) if coordinator_id else None
    if coordinator_id and (coordinator is None or coordinator.role is not Role.COORDINATOR or not coordinator.active):
        raise RuleViolation("coordinator_id", _l("Choose a coordinator from the list."))
    before = request.assigned_coordinator_id
    request.assigned_coordinator_id = coordinator_id
    audit.record("request.assigned", request, actor=actor, from_state=None, to_state=None,
                 from_coordinator=before, to_coordinator=coordinator_id)
    db.session.commit()
