from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.db import enum_type, utcnow
from ..core.extensions import db
from ..core.models import Theme
from ..core.states import StateMachine
from ..core.time import Dagdeel
from ..regions.models import OrganisationType, ProgrammePeriod, Region


class RequestState(enum.Enum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    GRANTED = "granted"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    HELD = "held"
    WITHDRAWN = "withdrawn"


def _request_state_labels() -> dict:
    return {
        RequestState.SUBMITTED: _("Submitted"),
        RequestState.IN_REVIEW: _("In review"),
        RequestState.GRANTED: _("Granted"),
        RequestState.REJECTED: _("Rejected"),
        RequestState.SCHEDULED: _("Scheduled"),
        RequestState.HELD: _("Held"),
        RequestState.WITHDRAWN: _("Withdrawn"),
    }


#: The one owner of a request's state: every change goes through `REQUEST_STATES.move`.
#: Withdrawing is possible until the meetings are held.
REQUEST_STATES = StateMachine(
    RequestState,
    {
        RequestState.SUBMITTED: {RequestState.IN_REVIEW, RequestState.GRANTED, RequestState.REJECTED,
                                 RequestState.WITHDRAWN},
        RequestState.IN_REVIEW: {RequestState.GRANTED, RequestState.REJECTED, RequestState.WITHDRAWN},
        RequestState.GRANTED: {RequestState.SCHEDULED, RequestState.REJECTED, RequestState.WITHDRAWN},
        RequestState.SCHEDULED: {RequestState.GRANTED, RequestState.HELD, RequestState.WITHDRAWN},
    },
    _request_state_labels,
    action="request",
)
#: A decision is still open where the request can be granted as well as rejected.
OPEN_STATES = REQUEST_STATES.sources(RequestState.GRANTED) & REQUEST_STATES.sources(RequestState.REJECTED)
#: States that still hold or may still get dagdelen: the region may withdraw until the meetings are held.
WITHDRAWABLE = REQUEST_STATES.sources(RequestState.WITHDRAWN)
#: The others: the request is over (held, rejected, withdrawn), nothing is mailed about it any more.
CLOSED_STATES = tuple(state for state in RequestState if state not in WITHDRAWABLE)


class LocationKind(enum.Enum):
    ADDRESS = "address"
    ONLINE = "online"


request_themes = db.Table(
    "request_themes",
    Column("request_id", ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="RESTRICT"), primary_key=True),
)


class Request(db.Model):
    """A region's request (aanvraag) for expert dagdelen."""

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint("dagdelen_wanted BETWEEN 1 AND 4", name="dagdelen_wanted_range"),
        CheckConstraint("dagdelen_granted >= 0", name="dagdelen_granted_not_negative"),
        CheckConstraint("expected_participants >= 0", name="expected_participants_not_negative"),
        CheckConstraint(
            "preferred_period_end IS NULL OR preferred_period_start IS NULL"
            " OR preferred_period_end >= preferred_period_start",
            name="preferred_period_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("programme_periods.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[RequestState] = mapped_column(
        enum_type(RequestState, "request_state"), default=RequestState.SUBMITTED, index=True
    )
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[OrganisationType] = mapped_column(
        enum_type(OrganisationType, "request_organisation_type")
    )
    participating_organisations: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40))
    contact_function: Mapped[str] = mapped_column(String(200), default="")
    dagdelen_wanted: Mapped[int]
    dagdelen_granted: Mapped[int] = mapped_column(default=0)
    preferred_period_start: Mapped[date | None]
    preferred_period_end: Mapped[date | None]
    preferred_dagdelen: Mapped[list] = mapped_column(JSON, default=list)
    expected_participants: Mapped[int] = mapped_column(default=0)
    sectors: Mapped[list] = mapped_column(JSON, default=list)
    goal: Mapped[str] = mapped_column(Text)
    location_kind: Mapped[LocationKind] = mapped_column(enum_type(LocationKind, "location_kind"))
    location: Mapped[str] = mapped_column(String(300), default="")
    consent_at: Mapped[datetime]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    assigned_coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    # From a hidden field of the form: sending the same form twice saves one request.
    submission_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when the contact person was removed (privacy/): the request stays for the counts.
    anonymised_at: Mapped[datetime | None]
    # Raised when a coordinator gives the request another contact address: the status link
    # carries it, so the previous contact's links no longer open the request.
    contact_version: Mapped[int] = mapped_column(default=0, server_default="0")

    region: Mapped[Region] = relationship()
    period: Mapped[ProgrammePeriod] = relationship()
    # Whom the experts on its sessions ask their questions (read only: the id is what is set).
    assigned_coordinator: Mapped[User | None] = relationship(viewonly=True)
    themes: Mapped[list[Theme]] = relationship(secondary=request_themes, order_by=Theme.position)
    preferred_moments: Mapped[list[PreferredMoment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="PreferredMoment.rank"
    )


class PreferredMoment(db.Model):
    """One of up to six preferred (date, dagdeel) options, ranked by the region."""

    __tablename__ = "preferred_moments"
    __table_args__ = (
        UniqueConstraint("request_id", "date", "dagdeel", name="uq_preferred_moments_slot"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    date: Mapped[date]
    dagdeel: Mapped[Dagdeel] = mapped_column(enum_type(Dagdeel, "preferred_dagdeel"))
    rank: Mapped[int]

    request: Mapped[Request] = relationship(back_populates="preferred_moments")


class NudgeSetting(db.Model):
    """When a period's nudges go out: `amount` weeks or months before its last day, or on
    `send_on`; no row means the default (requests/nudges.py)."""

    __tablename__ = "nudge_settings"
    __table_args__ = (
        CheckConstraint(
            "(unit IN ('weeks', 'months') AND amount IS NOT NULL AND send_on IS NULL)"
            " OR (unit = 'date' AND amount IS NULL AND send_on IS NOT NULL)",
            name="moment_complete",
        ),
    )

    period_id: Mapped[int] = mapped_column(
        ForeignKey("programme_periods.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    unit: Mapped[str] = mapped_column(String(6))
    amount: Mapped[int | None]
    send_on: Mapped[date | None]


class SentNudge(db.Model):
    """A nudge mailed to a region in a period: the unique constraint sends it at most once."""

    __tablename__ = "sent_nudges"
    __table_args__ = (UniqueConstraint("period_id", "region_id", name="uq_sent_nudges_period_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("programme_periods.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    remaining: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    anonymised_at: Mapped[datetime | None]  # recipient masked (privacy/)
