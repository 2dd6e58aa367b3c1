"""Read-only questions about requests, for the services, the hooks and the pages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..core.extensions import db
from ..core.models import AuditEvent, Theme
from .models import OPEN_STATES, WITHDRAWABLE, PreferredMoment, Request, RequestState, request_themes
from .waiting import waiting_too_long


def find_request(request_id: int) -> Request | None:
    return db.session.get(Request, request_id)


def submitted_before(key: str | None) -> Request | None:
    """The request saved earlier from the same form (its submission key), if any."""
    return db.session.scalar(select(Request).where(Request.submission_key == key)) if key else None


def has_open_requests(region_id: int) -> bool:
    """Does the region have a request that still holds or may still get dagdelen?"""
    return db.session.scalar(
        select(Request.id).where(Request.region_id == region_id, Request.state.in_(WITHDRAWABLE)).limit(1)
    ) is not None


def awaiting_decision(region_id: int, period_id: int) -> int:
    """The dagdelen the region's requests in the period ask for that wait for a decision: not
    counted as granted yet, but they will be when a coordinator grants them."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Request.dagdelen_wanted), 0)).where(
            Request.region_id == region_id, Request.period_id == period_id, Request.state.in_(OPEN_STATES))
    ) or 0


def open_requests_outside(period_id: int, starts_on: date, ends_on: date) -> bool:
    """Does an open request of the period ask for a date outside `starts_on`..`ends_on`?"""
    return bool(db.session.scalar(
        select(func.count()).select_from(Request).where(
            Request.period_id == period_id,
            Request.state.in_(WITHDRAWABLE),
            or_(
                Request.preferred_period_start < starts_on,
                Request.preferred_period_end > ends_on,
                Request.id.in_(
                    select(PreferredMoment.request_id).where(
                        or_(PreferredMoment.date < starts_on, PreferredMoment.date > ends_on)
                    )
                ),
            ),
        )
    ))


def history(request: Request, actions: tuple[str, ...] | None = None) -> list[AuditEvent]:
    """The request's audit events in order of time; only `actions` when given."""
    query = select(AuditEvent).where(
        AuditEvent.subject_type == Request.__tablename__, AuditEvent.subject_id == request.id
    )
    if actions is not None:
        query = query.where(AuditEvent.action.in_(actions))
    return list(db.session.scalars(query.order_by(AuditEvent.occurred_at, AuditEvent.id)))


def requested_theme_ids() -> list[int]:
    """The themes some request is about (also retired ones), to filter on."""
    return list(db.session.scalars(select(request_themes.c.theme_id).distinct()))


# ---- the coordinator's queue -------------------------------------------------------------------
@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters besides the state: ids, or None for all; `waiting_too_long` keeps the
    requests that wait more than 10 working days for a decision."""

    region_id: int | None = None
    theme_id: int | None = None
    period_id: int | None = None
    waiting_too_long: bool = False
    coordinator_id: int | None = None
    unassigned: bool = False  # only the requests no coordinator has taken

    def conditions(self) -> list:
        conditions = [waiting_too_long()] if self.waiting_too_long else []
        if self.unassigned:
            conditions.append(Request.assigned_coordinator_id.is_(None))
        elif self.coordinator_id is not None:
            conditions.append(Request.assigned_coordinator_id == self.coordinator_id)
        if self.region_id is not None:
            conditions.append(Request.region_id == self.region_id)
        if self.theme_id is not None:
            conditions.append(Request.themes.any(Theme.id == self.theme_id))
        if self.period_id is not None:
            conditions.append(Request.period_id == self.period_id)
        return conditions


def assigned_coordinator_ids() -> set[int]:
    """The coordinators some request is assigned to."""
    return set(db.session.scalars(
        select(Request.assigned_coordinator_id).where(Request.assigned_coordinator_id.is_not(None)).distinct()))


def queue_counts(filters: QueueFilter) -> dict[RequestState, int]:
    """How many requests each state has, within `filters`."""
    return dict(db.session.execute(
        select(Request.state, func.count()).where(*filters.conditions()).group_by(Request.state)
    ).tuples().all())


def queue_page(filters: QueueFilter, state: RequestState | None, limit: int, offset: int,
               oldest_first: bool = False) -> list:
    """(request, name of its coordinator or None), newest first (or oldest first), with region
    and themes loaded."""
    order = (Request.created_at.asc(), Request.id.asc()) if oldest_first else \
        (Request.created_at.desc(), Request.id.desc())
    return db.session.execute(
        select(Request, User.name)
        .outerjoin(User, User.id == Request.assigned_coordinator_id)
        .options(joinedload(Request.region), selectinload(Request.themes))
        .where(*filters.conditions(), *([Request.state == state] if state else []))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
