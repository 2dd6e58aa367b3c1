"""Read-only questions about meetings and registrations, for the pages."""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, exists, func, literal_column, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Role, User
from ..core.extensions import db
from ..core.models import AuditEvent
from .models import ACTIVE_ASSIGNMENT_STATES, Meeting, MeetingExpert, MeetingState, Registration, RegistrationState
from .services import Earlier


def find_meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def meeting_to_register(meeting_id: int, email: str | None = None) -> tuple[Meeting | None, Earlier | None]:
    """An open training with what registering for it reads (its parts, their experts' names, its
    region) and, for `email` (as `services.address` gives it), what that address did before at
    the meeting's lead, in one query: a registration POST runs only a few statements."""
    row = db.session.execute(_to_register(), {"meeting_id": meeting_id, "email": email}).unique().one_or_none()
    if row is None:
        return None, None
    meeting, lead, active, cancelled = row
    return meeting, Earlier(lead, email, active, cancelled) if email is not None else None


@cache
def _to_register():
    """The statement of `meeting_to_register`, built once: building it took longer than running it.
    An open training has no request, and its parts have the lead's region (found in the session
    without a query), so neither is joined again: every joined column costs on every row. The
    state is written in the SQL, not bound: PostgreSQL then plans the prepared statement once
    (a generic plan can use the index of active registrations only when it sees the state), where
    it would otherwise plan it again on every POST."""
    experts = joinedload(Meeting.experts).joinedload(MeetingExpert.expert).load_only(User.name)
    lead_id = func.coalesce(Meeting.series_id, Meeting.id)
    of_address = (Registration.meeting_id == lead_id, Registration.email == bindparam("email"))
    cancelled = literal_column(f"'{RegistrationState.CANCELLED.value}'")
    return select(
        Meeting, lead_id,
        select(Registration.id).where(*of_address, Registration.state != cancelled).limit(1)
        .scalar_subquery(),
        exists().where(*of_address, Registration.state == cancelled),
    ).where(Meeting.id == bindparam("meeting_id")).options(
        joinedload(Meeting.region), experts, joinedload(Meeting.parts).options(experts))


def requests_needing_expert(request_ids: list[int]) -> set[int]:
    """Which of `request_ids` have a session whose expert declined with nobody taking it over
    (Expert nodig): the request's own state stays Ingepland, so the queue marks them."""
    if not request_ids:
        return set()
    return set(db.session.scalars(
        select(Meeting.request_id).distinct()
        .where(Meeting.request_id.in_(request_ids), Meeting.state == MeetingState.EXPERT_NEEDED)))


def booked_counts(request_ids: list[int]) -> dict[int, int]:
    """How many sessions (dagdelen) each of `request_ids` has that were not cancelled: what
    counts against its granted dagdelen, as on the request's page and the start page."""
    if not request_ids:
        return {}
    return dict(db.session.execute(
        select(Meeting.request_id, func.count())
        .where(Meeting.request_id.in_(request_ids), Meeting.state != MeetingState.CANCELLED)
        .group_by(Meeting.request_id)).all())


def find_registration(registration_id: int) -> Registration | None:
    return db.session.get(Registration, registration_id)


def meeting_with_people(meeting_id: int) -> Meeting | None:
    """A meeting with its request, region, themes and experts loaded (its scheduling page)."""
    return db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        joinedload(Meeting.request), joinedload(Meeting.region), selectinload(Meeting.themes),
        selectinload(Meeting.experts).joinedload(MeetingExpert.expert)))


def series_of(meeting_id: int) -> Meeting | None:
    """The meeting with its lead and every part of the series loaded (two queries)."""
    return db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        joinedload(Meeting.region), joinedload(Meeting.series).selectinload(Meeting.parts),
        selectinload(Meeting.parts)))


def training_with_experts(meeting_id: int) -> Meeting | None:
    """A meeting with its themes, and the experts of it and of its parts (a training's form)."""
    return db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        selectinload(Meeting.themes), selectinload(Meeting.parts).selectinload(Meeting.experts)
        .joinedload(MeetingExpert.expert), selectinload(Meeting.experts).joinedload(MeetingExpert.expert)))


def is_assigned(user: User, meeting: Meeting) -> bool:
    """Has `user` an active assignment on a part of the series `meeting` belongs to?"""
    lead = meeting.lead
    return db.session.scalar(
        select(MeetingExpert.id).join(Meeting, MeetingExpert.meeting_id == Meeting.id).where(
            MeetingExpert.expert_id == user.id, MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES),
            or_(Meeting.id == lead.id, Meeting.series_id == lead.id)).limit(1)) is not None


def expert_choices() -> list[tuple[int, str]]:
    """(id, name) of the active experts by name: whom a coordinator can book."""
    return list(db.session.execute(
        select(User.id, User.name).where(User.role == Role.EXPERT, User.active).order_by(User.name, User.id)
    ).tuples())


def moved_to(registration: Registration) -> Registration | None:
    """Where a coordinator moved this registration to: the person's registration at the other
    session, found through the audit event of the move. None when it was not moved, or when the
    event's details are gone (masked after the audit log's retention period)."""
    if registration.state is not RegistrationState.CANCELLED:
        return None
    moves = db.session.scalars(select(AuditEvent.details).where(
        AuditEvent.action == "registration.moved", AuditEvent.subject_type == "meetings",
        AuditEvent.subject_id == registration.meeting_id))
    target = next((d.get("to_meeting_id") for d in moves
                   if isinstance(d, dict) and d.get("registration_id") == registration.id), None)
    if target is None:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.meeting_id == target, Registration.email == registration.email,
        Registration.id > registration.id).order_by(Registration.id).limit(1))
