"""Request actions: submission, review, grant within the quota, rejection, withdrawal.

Each action adds its audit event and its mails to the caller's unit of work and flushes; the
caller commits. Every state change goes through REQUEST_STATES.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..accounts.services import coordinators_for
from ..core import audit
from ..core.db import utcnow
from ..core.extensions import db
from ..core.locking import lock
from ..core.rules import RuleViolation, StateError
from ..core.themes import themes_by_id
from ..core.time import today_local
from ..core.tokens import make_token, read_token
from ..core.urls import absolute_url
from ..mail import services as mail
from ..regions import quota
from ..regions.models import ProgrammePeriod, Region
from ..regions.services import requestable_periods
from . import queries, rules
from .models import OPEN_STATES, REQUEST_STATES, PreferredMoment, Request, RequestState
from .rules import Submission
from .signals import counting_upcoming, request_closing

__all__ = ["RuleViolation", "StateError", "Submission"]  # what callers of these actions catch and pass

STATUS_PURPOSE = "request-status"


def status_token(request: Request) -> str:
    """The private link's token: the request, and from its first change of contact address on
    also that change's number (so the links of a contact who left stop working)."""
    return make_token(STATUS_PURPOSE, [request.id, request.contact_version] if request.contact_version else request.id)


def request_for_token(token: str) -> Request | None:
    """The request a status link points to; None for a tampered link, a deleted request, or a
    link of an earlier contact address."""
    payload = read_token(STATUS_PURPOSE, token)
    request_id, version = payload if isinstance(payload, list) and len(payload) == 2 else (payload, 0)
    if not isinstance(request_id, int) or not isinstance(version, int):
        return None
    request = queries.find_request(request_id)
    return request if request is not None and request.contact_version == version else None


def open_period(today: date | None = None, period_id: int | None = None) -> ProgrammePeriod | None:
    """The period a request is for (see `pick_period`), of those open on `today`."""
    return pick_period(requestable_periods(today or today_local()), period_id)


def pick_period(periods: list[ProgrammePeriod], period_id: int | None = None) -> ProgrammePeriod | None:
    """Of the `periods` a region can ask for (`requestable_periods`, the soonest first): the one
    of `period_id`, else None; without it the first, which is the current period or, between
    two periods, the next one."""
    if period_id is None:
        return periods[0] if periods else None
    return next((period for period in periods if period.id == period_id), None)


def check_submission(s: Submission, today: date | None = None) -> list[RuleViolation]:
    """Every rule `s` breaks, without saving anything (for a form that has errors of its own)."""
    today = today or today_local()
    period = open_period(today, s.period_id)
    if period is None:
        return [_no_period()]
    return rules.problems(s, period, today)


def _no_period() -> RuleViolation:
    return RuleViolation("region_id", _l("There is no open programme period at the moment."))


def submit(s: Submission, today: date | None = None) -> Request:
    """Save a region's request with its receipt and the coordinators' notification."""
    today = today or today_local()
    earlier = queries.submitted_before(s.submission_key)
    if earlier is not None:
        return earlier
    period = open_period(today, s.period_id)
    if period is None:
        raise _no_period()
    RuleViolation.raise_if(rules.problems(s, period, today))
    region = db.session.get(Region, s.region_id)
    request = Request(
        submission_key=s.submission_key,
        region=region, period=period, state=RequestState.SUBMITTED,
        organisation_name=s.organisation_name, organisation_type=s.organisation_type,
        participating_organisations=s.participating_organisations,
        contact_name=s.contact_name, contact_email=s.contact_email.lower(),
        contact_phone=s.contact_phone, contact_function=s.contact_function,
        dagdelen_wanted=s.dagdelen_wanted, goal=s.goal, location_kind=s.location_kind,
        location=s.location, expected_participants=s.expected_participants or 0,
        sectors=list(s.sectors), themes=themes_by_id(s.theme_ids, active_only=True), consent_at=utcnow(),
        locale=s.locale, preferred_period_start=s.period_start, preferred_period_end=s.period_end,
        preferred_dagdelen=[d.value for d in s.period_dagdelen],
        preferred_moments=[
            PreferredMoment(date=d, dagdeel=p, rank=i) for i, (d, p) in enumerate(s.filled_moments, start=1)
        ],
    )
    try:
        with db.session.begin_nested():  # the same form, sent twice at the same moment
            db.session.add(request)
    except IntegrityError:
        return queries.submitted_before(s.submission_key)
    audit.record("request.submitted", request, actor_label=s.contact_email.lower(),
                 to_state=RequestState.SUBMITTED.value)
    mail_contact(request, "request_received", _l("We have received your request for dagdelen"))
    notify_coordinators(request, "request_new", _l("New request from %(region)s", region=region.name))
    return request


def notify_coordinators(request: Request, kind: str, subject, **context) -> None:
    """Mail the coordinator assigned to the request, or every active coordinator when none is."""
    for coordinator in coordinators_for(request.assigned_coordinator_id):
        mail.enqueue(
            coordinator.email, kind, subject, f"requests/{kind}", locale=coordinator.locale,
            request=request, coordinator=coordinator,
            link=absolute_url("requests.coordinator_detail", request_id=request.id), **context,
        )


def mail_contact(request: Request, kind: str, subject, **context) -> None:
    mail.enqueue(
        request.contact_email, kind, subject, f"requests/{kind}", locale=request.locale,
        request=request, status_link=absolute_url("requests.status", token=status_token(request)),
        **context,
    )


def _move(request: Request, to: RequestState, actor: User | None, action: str, **details) -> None:
    REQUEST_STATES.move(request, to, actor=actor, actor_label=None if actor else request.contact_email,
                        action=action, **details)


def _refuse_unless(request: Request, to: RequestState) -> None:
    """Raise StateError before any other change when the request cannot move to `to`."""
    if not REQUEST_STATES.can(request, to):
        raise StateError(f"request {request.id}: {request.state} -> {to}")


def take_into_review(request: Request, actor: User) -> None:
    lock(request)
    _move(request, RequestState.IN_REVIEW, actor, "review")
    _take_on(request, actor)
    db.session.flush()


def _take_on(request: Request, actor: User) -> None:
    """Whoever decides a request nobody has taken becomes its coordinator, as when taking it into
    review: the region's questions and the mails about its sessions then go to them."""
    if request.assigned_coordinator_id is None:
        request.assigned_coordinator_id = actor.id


def _left_message(left: int):
    if not left:
        return _l("The region has no dagdelen left in this period.")
    return ngettext(
        "The region has only %(num)s dagdeel left in this period.",
        "The region has only %(num)s dagdelen left in this period.",
        left,
    )


def grant(request: Request, dagdelen: int, actor: User, explanation: str = "") -> None:
    """Grant `dagdelen` within the region's quota; fewer than asked needs an explanation."""
    lock(request)
    if request.state not in OPEN_STATES:
        raise StateError(f"request {request.id}: {request.state} -> granted")
    problems = []
    left = quota.remaining(request.region_id, request.period)
    if dagdelen < 1:
        problems.append(RuleViolation("dagdelen", _l("Grant at least one dagdeel, or reject the request.")))
    elif dagdelen > left:
        problems.append(RuleViolation("dagdelen", _left_message(left)))
    elif dagdelen > request.dagdelen_wanted:
        problems.append(RuleViolation("dagdelen", _l("Grant at most the number of dagdelen the region asked for.")))
    elif dagdelen < request.dagdelen_wanted and not explanation.strip():
        problems.append(RuleViolation(
            "explanation", _l("Explain why the region gets fewer dagdelen than it asked for.")))
    RuleViolation.raise_if(problems)
    try:
        quota.take(request.region_id, request.period, dagdelen)
    except quota.QuotaExceeded as exc:  # another grant took them since `left` was read
        raise RuleViolation("dagdelen", _left_message(exc.remaining)) from exc
    request.dagdelen_granted = dagdelen
    request.decision_reason = explanation.strip()
    _move(request, RequestState.GRANTED, actor, "granted", dagdelen=dagdelen)
    _take_on(request, actor)
    mail_contact(request, "request_granted", _l("Your request has been granted"))
    db.session.flush()


def _close(request: Request, reason, actor: User | None) -> int:
    """Let the layers above cancel what has not begun, give back the dagdelen no longer used,
    and return how many were given back."""
    used = sum(answer or 0 for _receiver, answer in request_closing.send(request, reason=reason, actor=actor))
    returned = max(request.dagdelen_granted - used, 0)
    quota.give_back(request.region_id, request.period, returned)
    request.dagdelen_granted = used
    return returned


def reject(request: Request, reason: str, actor: User) -> None:
    """Reject with a reason that is mailed to the contact; a grant made earlier is given back."""
    lock(request)
    _refuse_unless(request, RequestState.REJECTED)
    if not reason.strip():
        raise RuleViolation("reason", _l("Give the reason for the rejection; the region will read it."))
    was_granted = request.state is RequestState.GRANTED
    _close(request, reason.strip(), actor)
    request.decision_reason = reason.strip()
    _move(request, RequestState.REJECTED, actor, "rejected")
    _take_on(request, actor)
    subject = _l("Your request has been rejected after all") if was_granted else _l("Your request has been rejected")
    mail_contact(request, "request_rejected", subject, was_granted=was_granted)
    db.session.flush()


def withdraw(request: Request) -> None:
    """The region withdraws: sessions that have not begun are cancelled (expert and participants
    are told), and the dagdelen not used go back to the region's quota. The mails say how many
    go back and how many stay used by sessions that have begun or taken place."""
    lock(request)
    _refuse_unless(request, RequestState.WITHDRAWN)
    cancelled = sum(answer or 0 for _receiver, answer in counting_upcoming.send(request))
    returned = _close(request, _l("The region has withdrawn its request."), None)
    _move(request, RequestState.WITHDRAWN, None, "withdrawn", dagdelen_returned=returned)
    kept = request.dagdelen_granted  # their sessions have begun or taken place: they stay used
    mail_contact(request, "request_withdrawn", _l("Your request has been withdrawn"), returned=returned, kept=kept)
    notify_coordinators(
        request, "request_withdrawn_notice",
        _l("%(region)s has withdrawn its request", region=request.region.name), cancelled=cancelled,
        returned=returned, kept=kept,
    )
    db.session.flush()


def add_note(request: Request, text: str, actor: User) -> None:
    if not text.strip():
        raise RuleViolation("text", _l("Write a note first."))
    audit.record("request.note", request, actor=actor, text=text.strip())
    db.session.flush()


def assign(request: Request, coordinator_id: int | None, actor: User) -> None:
    coordinator = db.session.get(User, coordinator_id) if coordinator_id else None
    if coordinator_id and (coordinator is None or coordinator.role is not Role.COORDINATOR or not coordinator.active):
        raise RuleViolation("coordinator_id", _l("Choose a coordinator from the list."))
    before = request.assigned_coordinator_id
    request.assigned_coordinator_id = coordinator_id
    audit.record("request.assigned", request, actor=actor, from_state=None, to_state=None,
                 from_coordinator=before, to_coordinator=coordinator_id)
    db.session.flush()
