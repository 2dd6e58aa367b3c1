from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.db import enum_type, utcnow
from ..core.extensions import db
from ..core.models import Theme
from ..core.sectors import Sector
from ..core.states import StateMachine
from ..core.time import Dagdeel
from ..mail.calendar import CalendarEntry
from ..regions.models import Region
from ..requests.models import Request
from .registers import Register


class MeetingKind(enum.Enum):
    REGIONAL = "regional"
    OPEN_TRAINING = "open_training"


class MeetingState(enum.Enum):
    PLANNED = "planned"
    CHANGED = "changed"
    EXPERT_NEEDED = "expert_needed"  # its expert declined and nobody has taken it over yet
    CANCELLED = "cancelled"
    HELD = "held"


#: A session in these states still takes place (and can still change until it begins).
OPEN_MEETING_STATES = (MeetingState.PLANNED, MeetingState.CHANGED, MeetingState.EXPERT_NEEDED)


class AssignmentState(enum.Enum):
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    RELEASED = "released"


ACTIVE_ASSIGNMENT_STATES = (AssignmentState.ASSIGNED, AssignmentState.ACCEPTED)
ACTIVE_ASSIGNMENT = "state IN ('assigned', 'accepted')"  # the same, for the partial index



class RegistrationState(enum.Enum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    ATTENDED = "attended"


#: Registrations in these states have (or had) a place at the session.
HOLDING_PLACE = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)


# ---- the state machines: every state change goes through one of these ----------------------
def _meeting_state_labels() -> dict:
    return {MeetingState.PLANNED: _("Planned"), MeetingState.CHANGED: _("Changed"),
            MeetingState.EXPERT_NEEDED: _("Expert needed"),
            MeetingState.CANCELLED: _("Cancelled"), MeetingState.HELD: _("Held")}


#: The last active expert declining makes a session EXPERT_NEEDED (audited `session.expert_needed`);
#: a change while nobody has taken it over keeps it there, a new expert makes it CHANGED.
MEETING_STATES = StateMachine(
    MeetingState,
    {
        MeetingState.PLANNED: {MeetingState.CHANGED, MeetingState.EXPERT_NEEDED, MeetingState.CANCELLED,
                               MeetingState.HELD},
        MeetingState.CHANGED: {MeetingState.CHANGED, MeetingState.EXPERT_NEEDED, MeetingState.CANCELLED,
                               MeetingState.HELD},
        MeetingState.EXPERT_NEEDED: {MeetingState.EXPERT_NEEDED, MeetingState.CHANGED, MeetingState.CANCELLED,
                                     MeetingState.HELD},
    },
    _meeting_state_labels,
    action="session",
)


def _assignment_state_labels() -> dict:
    return {AssignmentState.ASSIGNED: _("Not answered yet"), AssignmentState.ACCEPTED: _("Accepted"),
            AssignmentState.DECLINED: _("Declined"), AssignmentState.RELEASED: _("No longer needed")}


ASSIGNMENT_STATES = StateMachine(
    AssignmentState,
    {
        AssignmentState.ASSIGNED: {AssignmentState.ACCEPTED, AssignmentState.DECLINED, AssignmentState.RELEASED},
        AssignmentState.ACCEPTED: {AssignmentState.DECLINED, AssignmentState.RELEASED},
        AssignmentState.DECLINED: {AssignmentState.RELEASED},
    },
    _assignment_state_labels,
    action="assignment",
)


def _registration_state_labels() -> dict:
    return {RegistrationState.CONFIRMED: _("Confirmed"), RegistrationState.WAITING: _("Waiting list"),
            RegistrationState.CANCELLED: _("Cancelled"), RegistrationState.ATTENDED: _("Attended")}


REGISTRATION_STATES = StateMachine(
    RegistrationState,
    {
        RegistrationState.WAITING: {RegistrationState.CONFIRMED, RegistrationState.CANCELLED},
        RegistrationState.CONFIRMED: {RegistrationState.CANCELLED, RegistrationState.ATTENDED},
        RegistrationState.ATTENDED: {RegistrationState.CONFIRMED},
    },
    _registration_state_labels,
    action="registration",
)

meeting_themes = db.Table(
    "meeting_themes",
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="RESTRICT"), primary_key=True),
)


def new_uid() -> str:
    return f"{uuid.uuid4()}@ontwikkelbijeenkomsten"


class Meeting(db.Model):
    """A bijeenkomst in one dagdeel: regional (from a request) or an open training.

    An open training of several dagdelen is a series: the first session is its lead and holds
    the registrations, capacity and registration window; the other parts point to it with
    `series_id`. `uid` and `sequence` identify each session in calendar invites;
    `confirmed_count` is the capacity counter that registrations raise with a conditional UPDATE;
    `held_<sector>` are the places a coordinator holds for a sector until the release moment
    (`places_release_at`, None: seven days before the start), and `confirmed_<sector>` count the
    places that sector has, raised in the same UPDATE (see `sector_places`).
    """

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "confirmed_count >= 0 AND (capacity IS NULL OR confirmed_count <= capacity)",
            name="confirmed_within_capacity",
        ),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint(
            "held_onderwijs >= 0 AND held_jeugdhulp >= 0 AND held_gemeente >= 0 AND confirmed_onderwijs >= 0 "
            "AND confirmed_jeugdhulp >= 0 AND confirmed_gemeente >= 0",
            name="sector_places_not_negative",
        ),
        CheckConstraint(
            "kind = 'open_training' OR request_id IS NOT NULL", name="regional_has_request"
        ),
        Index("ix_meetings_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind, "meeting_kind"))
    state: Mapped[MeetingState] = mapped_column(
        enum_type(MeetingState, "meeting_state"), default=MeetingState.PLANNED
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="RESTRICT"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    target_groups: Mapped[str] = mapped_column(String(300), default="")
    date: Mapped[date]
    dagdeel: Mapped[Dagdeel] = mapped_column(enum_type(Dagdeel, "meeting_dagdeel"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]
    confirmed_count: Mapped[int] = mapped_column(default=0)
    waiting_list_enabled: Mapped[bool] = mapped_column(default=True)
    held_onderwijs: Mapped[int] = mapped_column(default=0)
    held_jeugdhulp: Mapped[int] = mapped_column(default=0)
    held_gemeente: Mapped[int] = mapped_column(default=0)
    confirmed_onderwijs: Mapped[int] = mapped_column(default=0)
    confirmed_jeugdhulp: Mapped[int] = mapped_column(default=0)
    confirmed_gemeente: Mapped[int] = mapped_column(default=0)
    places_release_at: Mapped[datetime | None]
    places_released_at: Mapped[datetime | None]  # set by the release: held places are open to all
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    reminded_at: Mapped[datetime | None]  # when the reminders two days before went out
    attendance_marked_at: Mapped[datetime | None]  # when attendance was last saved for this part
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[Request | None] = relationship()
    region: Mapped[Region | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=meeting_themes, order_by=Theme.position)
    experts: Mapped[list[MeetingExpert]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Registration.id"
    )
    series: Mapped[Meeting | None] = relationship(remote_side=[id], back_populates="parts")
    parts: Mapped[list[Meeting]] = relationship(back_populates="series", order_by="Meeting.starts_at")

    @property
    def lead(self) -> Meeting:
        """The session that holds the registrations: the first part of a series, else itself."""
        return self.series or self

    @property
    def all_parts(self) -> list[Meeting]:
        """Every dagdeel of the series this session belongs to, in time order."""
        lead = self.lead
        return sorted([lead, *lead.parts], key=lambda s: s.starts_at)

    @property
    def cancelled_whole(self) -> bool:
        """Every dagdeel of its training is cancelled (a cancelled first dagdeel alone leaves the
        training going ahead). Reads the parts only when this session itself is cancelled."""
        return self.state is MeetingState.CANCELLED and all(
            part.state is MeetingState.CANCELLED for part in self.all_parts)

    def raise_sequence(self) -> None:
        """The one place the calendar SEQUENCE goes up: an invite about a change (or a CANCEL)
        must outrank the invites sent before it, or calendars ignore it."""
        self.sequence += 1


def first_start(lead: Meeting) -> datetime:
    """When the first part that is not cancelled begins."""
    parts = [part for part in lead.all_parts if part.state is not MeetingState.CANCELLED] or [lead]
    return min(part.starts_at for part in parts)


def calendar_entry(meeting, *, public_page: str | None = None) -> CalendarEntry:
    """A meeting, or the snapshot of one that a queued mail holds, as a calendar sees it.

    `public_page`: the entry is for anyone (a public file), so the online link stays out and
    the page's address stands in its place; only people with a place get the link. The place
    is the address, or else the online link; a session with both has the link beside it.
    """
    state = meeting.state if isinstance(meeting.state, MeetingState) else MeetingState(meeting.state)
    online = meeting.online_url if public_page is None else public_page
    return CalendarEntry(uid=meeting.uid, sequence=meeting.sequence, starts_at=meeting.starts_at,
                         ends_at=meeting.ends_at, title=meeting.title, place=meeting.location or online or "",
                         cancelled=state is MeetingState.CANCELLED,
                         online=meeting.online_url if meeting.location and public_page is None else "")


class MeetingExpert(db.Model):
    """An expert assigned to a session; the slot is copied here so the database can forbid
    two active assignments of one expert in one (date, dagdeel)."""

    __tablename__ = "meeting_experts"
    __table_args__ = (
        Index(
            "uq_meeting_experts_active_slot",
            "expert_id",
            "date",
            "dagdeel",
            unique=True,
            sqlite_where=text(ACTIVE_ASSIGNMENT),
            postgresql_where=text(ACTIVE_ASSIGNMENT),
        ),
        Index("ix_meeting_experts_meeting", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    date: Mapped[date]
    dagdeel: Mapped[Dagdeel] = mapped_column(enum_type(Dagdeel, "meeting_expert_dagdeel"))
    state: Mapped[AssignmentState] = mapped_column(
        enum_type(AssignmentState, "assignment_state"), default=AssignmentState.ASSIGNED
    )
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="experts")
    expert: Mapped[User] = relationship()


ACTIVE_REGISTRATION = "state <> 'cancelled'"


class Registration(db.Model):
    """A participant's place (or waiting-list spot) in a session."""

    __tablename__ = "registrations"
    __table_args__ = (
        Index(
            "uq_registrations_active_email",
            "meeting_id",
            "email",
            unique=True,
            sqlite_where=text(ACTIVE_REGISTRATION),
            postgresql_where=text(ACTIVE_REGISTRATION),
        ),
        Index("ix_registrations_meeting_state", "meeting_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    state: Mapped[RegistrationState] = mapped_column(enum_type(RegistrationState, "registration_state"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"))
    function: Mapped[str] = mapped_column(String(200), default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    register: Mapped[Register | None] = mapped_column(enum_type(Register, "professional_register"))
    register_number: Mapped[str] = mapped_column(String(40), default="")
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    evaluation_requested_at: Mapped[datetime | None]
    # Set when the person was removed (privacy/): the row stays for the counts, without them.
    anonymised_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="registrations")
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )
    evaluation: Mapped[Evaluation | None] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )


class Attendance(db.Model):
    """A registered participant was present at one session (one part of a series)."""

    __tablename__ = "attendances"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="attendances")


class Evaluation(db.Model):
    """One attendee's answers about a session (or series): a score and two open questions."""

    __tablename__ = "evaluations"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_one_to_five"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    went_well: Mapped[str] = mapped_column(Text, default="")
    to_improve: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="evaluation")
