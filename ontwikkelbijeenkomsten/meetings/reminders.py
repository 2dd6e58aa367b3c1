"""Reminders shortly before a session, to its confirmed participants, its experts and, for a
region's session, the contact person who hosts it.

Run from cron (`flask mail reminders`). A session is reminded once: the run claims it with a
row lock (SKIP LOCKED, so parallel runs share the work) and marks it in the transaction that
queues its mails (the caller's unit of work).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.db import utcnow
from ..core.extensions import db
from ..core.urls import absolute_url
from . import mails
from .links import answer_token
from .models import (
    ACTIVE_ASSIGNMENT_STATES,
    OPEN_MEETING_STATES,
    AssignmentState,
    Meeting,
    Registration,
    RegistrationState,
    first_start,
)

AHEAD = timedelta(days=2)


def _due(now: datetime) -> list[int]:
    return list(db.session.scalars(
        select(Meeting.id).where(
            Meeting.state.in_(OPEN_MEETING_STATES), Meeting.reminded_at.is_(None),
            Meeting.starts_at > now, Meeting.starts_at <= now + AHEAD)
        .order_by(Meeting.starts_at).with_for_update(skip_locked=True)))


def send_reminders(now: datetime | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Queue the reminders of every session that begins within two days and has had none.

    Returns the number of mails queued; `progress(done, total)` is told after each session.
    """
    now = now or utcnow()
    ids = _due(now)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.id.in_(ids)).order_by(Meeting.starts_at)
        .options(selectinload(Meeting.experts), selectinload(Meeting.series).selectinload(Meeting.registrations),
                 selectinload(Meeting.registrations))).all()
    queued = 0
    for done, meeting in enumerate(meetings, start=1):
        meeting.reminded_at = now
        active = [a for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES]
        for person, answer in _audience(meeting, active):
            mails.tell(meeting, person, "session_reminder", _l("Reminder: %(title)s", title=meeting.title),
                       "sessions/reminder", "REQUEST", answer=answer,
                       expert=active[0].expert if active and person.role != "expert" else None,
                       participants=_participants(meeting, person.role),
                       share=mails.registration_page(meeting) if person.role == "contact" else None,
                       begun=person.role == "participant" and first_start(meeting.lead) <= now)
            queued += 1
        if progress:
            progress(done, len(meetings))
    return queued


def _participants(meeting: Meeting, role: str) -> dict | None:
    """How many people are coming, to prepare the session: for the expert with where they see
    who, for the hosting contact the number only; None for a participant."""
    if role == "participant":
        return None
    lead = meeting.lead
    found = {"confirmed": lead.confirmed_count, "capacity": lead.capacity}
    if role == "expert":
        found["list"] = absolute_url("meetings.participants", meeting_id=meeting.id)
    return found


def _audience(meeting: Meeting, active: list) -> list[tuple[mails.Person, str | None]]:
    """The experts with an active assignment, the contact of a region's session and the
    confirmed participants, each with the link where an expert who has not accepted yet can
    still accept or decline (None for others). One reminder per address: a contact who is also
    an expert or participant gets theirs in that role."""
    experts = [(mails.expert_person(a), absolute_url("experts.answer", token=answer_token([a]))
                if a.state is AssignmentState.ASSIGNED else None) for a in active]
    confirmed: list[Registration] = [r for r in meeting.lead.registrations if r.state is RegistrationState.CONFIRMED]
    audience = experts + [(mails.participant(r), None) for r in confirmed]
    contact = mails.contact_of(meeting)
    if contact is not None and contact.email.lower() not in {p.email.lower() for p, _answer in audience}:
        audience.insert(len(experts), (contact, None))
    return audience
