"""Expert accounts: invitations and accepting them, (de)activation, the profile, the overview.

Every action runs in one transaction with its audit event and, for invitations, its mail. An
invitation link carries the user's `invitation_nonce`: a new invitation or a revocation
replaces the nonce, which kills every older link; setting the password clears it.
"""
from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..accounts.services import AccountExists, create_user
from ..core import audit
from ..core.db import utcnow
from ..core.models import Theme
from ..core.rules import RuleViolation
from ..core.time import today_local
from ..core.tokens import InvalidToken, make_token, read_token
from ..core.urls import absolute_url
from ..core.extensions import db
from ..mail import services as mail
from ..regions.models import Region
from ..meetings.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Meeting,
    MeetingExpert,
    MeetingState,
)
from .availability import live_assignment, slot_is_booked
from .models import Availability, ExpertProfile

INVITATION_PURPOSE = "expert-invitation"
INVITATION_DAYS = 7
INVITATION_MAX_AGE = INVITATION_DAYS * 24 * 3600
OVERVIEW_WEEKS = 8
#: Three dagdelen a day in the longest month.
MAX_DAGDELEN_PER_MONTH = 93


class ExpertStatus(enum.Enum):
    INVITED = "invited"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ACTIVE = "active"
    INACTIVE = "inactive"


def status(expert: User, now: datetime | None = None) -> ExpertStatus:
    if not expert.active:
        return ExpertStatus.INACTIVE
    if expert.password_hash:
        return ExpertStatus.ACTIVE
    if not expert.invitation_nonce:
        return ExpertStatus.REVOKED
    expires = invitation_expires_at(expert)
    if expires is not None and expires <= (now or utcnow()):
        return ExpertStatus.EXPIRED
    return ExpertStatus.INVITED


def invitation_expires_at(expert: User) -> datetime | None:
    return expert.invited_at + timedelta(days=INVITATION_DAYS) if expert.invited_at else None


# ---- choices -----------------------------------------------------------------------------------
def theme_choices(keep: list[Theme] = ()) -> list[Theme]:
    """The active themes, plus inactive ones a profile still has (so they are not lost)."""
    kept = [t.id for t in keep]
    return list(db.session.scalars(
        select(Theme).where(or_(Theme.active, Theme.id.in_(kept))).order_by(Theme.position, Theme.name)
    ))


def region_choices(keep: list[Region] = ()) -> list[Region]:
    kept = [r.id for r in keep]
    return list(db.session.scalars(
        select(Region).where(or_(Region.active, Region.id.in_(kept))).order_by(Region.name)
    ))


def _themes(theme_ids, keep: list[Theme] = ()) -> list[Theme]:
    wanted = set(theme_ids or ())
    themes = [t for t in theme_choices(keep) if t.id in wanted]
    if not wanted or len(themes) != len(wanted):
        raise RuleViolation("theme_ids", _l("Choose at least one theme from the list."))
    return themes


def _regions(region_ids, serves_all_regions: bool, keep: list[Region] = ()) -> list[Region]:
    """The regions served; none are stored for an expert who serves all of the Netherlands."""
    if serves_all_regions:
        return []
    wanted = set(region_ids or ())
    if not wanted:
        raise RuleViolation("region_ids", _l("Choose at least one region, or all of the Netherlands."))
    regions = [r for r in region_choices(keep) if r.id in wanted]
    if len(regions) != len(wanted):
        raise RuleViolation("region_ids", _l("Choose regions from the list."))
    return regions


# ---- invitations -------------------------------------------------------------------------------
def invitation_token(expert: User) -> str:
    return make_token(INVITATION_PURPOSE, {"id": expert.id, "n": expert.invitation_nonce})


def expert_for_invitation(token: str, *, lock: bool = False) -> User:
    """The invited expert; raises InvalidToken when the link is tampered with, expired,
    replaced by a newer invitation, revoked or used, or the expert is deactivated."""
    data = read_token(INVITATION_PURPOSE, token, max_age=INVITATION_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("n"), str):
        raise InvalidToken()
    expert = db.session.get(User, data["id"], with_for_update=lock, populate_existing=lock)
    if (
        expert is None
        or not expert.is_expert
        or not expert.active
        or expert.password_hash
        or not expert.invitation_nonce
        or not secrets.compare_digest(expert.invitation_nonce, data["n"])
    ):
        raise InvalidToken()
    return expert


def _send_invitation(expert: User, actor: User) -> None:
    """A fresh nonce (older links die) and the mail with the new link; the caller commits."""
    expert.invitation_nonce = secrets.token_urlsafe(16)[:32]
    expert.invited_at = utcnow()
    mail.enqueue(
        expert.email,
        "expert_invitation",
        _l("You are invited as an expert for Ontwikkelbijeenkomsten"),
        "experts/invitation",
        locale=expert.locale,
        expert=expert,
        inviter=actor,
        link=absolute_url("experts.accept_invitation", token=invitation_token(expert)),
        days=INVITATION_DAYS,
    )


def invite(name: str, email: str, theme_ids, region_ids, serves_all_regions: bool, actor: User) -> User:
    """Create the expert's account (no password yet) and profile, and mail the invitation."""
    if not (name or "").strip():
        raise RuleViolation("name", _l("Enter the name of the expert."))
    themes = _themes(theme_ids)
    regions = _regions(region_ids, serves_all_regions)
    exists_message = _l("There is already an account with this e-mail address.")
    try:
        expert = create_user(email, name, Role.EXPERT)
    except AccountExists:
        raise RuleViolation("email", exists_message) from None
    except IntegrityError:  # the same address invited at the same moment by someone else
        db.session.rollback()
        raise RuleViolation("email", exists_message) from None
    db.session.add(ExpertProfile(
        user_id=expert.id, bio="", organisation="", serves_all_regions=serves_all_regions,
        themes=themes, regions=regions,
    ))
    _send_invitation(expert, actor)
    audit.record("expert.invited", expert, actor=actor, to_state=ExpertStatus.INVITED.value)
    db.session.commit()
    return expert


def resend_invitation(expert: User, actor: User) -> None:
    """Mail a new link; the old one stops working."""
    if expert.password_hash:
        raise RuleViolation("invitation", _l("This expert has already set a password."))
    if not expert.active:
        raise RuleViolation("invitation", _l("This expert is deactivated. Reactivate the expert first."))
    before = status(expert)
    _send_invitation(expert, actor)
    audit.record("expert.invitation_resent", expert, actor=actor,
                 from_state=before.value, to_state=ExpertStatus.INVITED.value)
    db.session.commit()


def revoke_invitation(expert: User, actor: User) -> None:
    if expert.password_hash or not expert.invitation_nonce:
        raise RuleViolation("invitation", _l("There is no open invitation to withdraw."))
    before = status(expert)
    expert.invitation_nonce = None
    audit.record("expert.invitation_revoked", expert, actor=actor,
                 from_state=before.value, to_state=ExpertStatus.REVOKED.value)
    db.session.commit()


def accept_invitation(token: str, password: str) -> User:
    """Set the password of an invited expert; the link cannot be used again."""
    expert = expert_for_invitation(token, lock=True)
    expert.set_password(password)
    expert.invitation_nonce = None
    expert.last_login_at = utcnow()
    audit.record("expert.invitation_accepted", expert, actor=expert,
                 from_state=ExpertStatus.INVITED.value, to_state=ExpertStatus.ACTIVE.value)
    db.session.commit()
    return expert


# ---- active or not -----------------------------------------------------------------------------
def deactivate(expert: User, actor: User) -> None:
    """The expert can no longer log in; past sessions and assignments stay as they are."""
    if not expert.active:
        raise RuleViolation("active", _l("This expert is already deactivated."))
    if _has_upcoming_assignments(expert):
        raise RuleViolation("active", _l(
            "This expert still has upcoming sessions. Assign them to another expert first."
        ))
    before = status(expert)
    expert.active = False
    expert.invitation_nonce = None  # reactivating must not revive an old invitation link
    audit.record("expert.deactivated", expert, actor=actor,
                 from_state=before.value, to_state=ExpertStatus.INACTIVE.value)
    db.session.commit()


def _has_upcoming_assignments(expert: User) -> bool:
    return db.session.scalar(
        select(MeetingExpert.id)
        .join(Meeting, Meeting.id == MeetingExpert.meeting_id)
        .where(
            MeetingExpert.expert_id == expert.id,
            MeetingExpert.state.in_(ACTIVE_ASSIGNMENT_STATES),
            MeetingExpert.date >= today_local(),
            Meeting.state != MeetingState.CANCELLED,
        )
        .limit(1)
    ) is not None


def reactivate(expert: User, actor: User) -> None:
    if expert.active:
        raise RuleViolation("active", _l("This expert is already active."))
    expert.active = True
    audit.record("expert.reactivated", expert, actor=actor,
                 from_state=ExpertStatus.INACTIVE.value, to_state=status(expert).value)
    db.session.commit()


# ---- profile -----------------------------------------------------------------------------------
def profile_of(expert: User) -> ExpertProfile:
    """The expert's profile; an empty, unsaved one when the account has none yet."""
    profile = db.session.get(ExpertProfile, expert.id)
    if profile is None:
        profile = ExpertProfile(user_id=expert.id, bio="", organisation="", serves_all_regions=False)
    return profile


def update_profile(
    expert: User,
    bio: str,
    organisation: str,
    theme_ids,
    region_ids,
    serves_all_regions: bool,
    max_dagdelen_per_month: int | None,
    actor: User,
) -> bool:
    """Save the profile; returns whether anything changed."""
    profile = profile_of(expert)
    themes = _themes(theme_ids, keep=profile.themes)
    regions = _regions(region_ids, serves_all_regions, keep=profile.regions)
    if max_dagdelen_per_month is not None and not 0 <= max_dagdelen_per_month <= MAX_DAGDELEN_PER_MONTH:
        raise RuleViolation(
            "max_dagdelen_per_month",
            _l("Enter a number from %(min)s to %(max)s.", min=0, max=MAX_DAGDELEN_PER_MONTH),
        )
    new = {
        "bio": bio or "",
        "organisation": organisation or "",
        "themes": themes,
        "regions": regions,
        "serves_all_regions": serves_all_regions,
        "max_dagdelen_per_month": max_dagdelen_per_month,
    }
    def comparable(value):
        return {row.id for row in value} if isinstance(value, list) else value

    changed = [name for name, value in new.items() if comparable(getattr(profile, name)) != comparable(value)]
    if not changed:
        return False
    for name in changed:
        setattr(profile, name, new[name])
    db.session.add(profile)
    audit.record("expert.profile_updated", expert, actor=actor, fields=changed)
    db.session.commit()
    return True


# ---- overview ----------------------------------------------------------------------------------
@dataclass
class ExpertRow:
    expert: User
    profile: ExpertProfile | None
    status: ExpertStatus
    free_slots: int
    upcoming_assignments: int


def overview(today: date, expert_id: int | None = None) -> list[ExpertRow]:
    """Every expert (or one) with their free dagdelen in the next weeks and upcoming assignments,
    in a fixed number of queries."""
    only = [User.id == expert_id] if expert_id is not None else []
    rows = db.session.execute(
        select(User, ExpertProfile)
        .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
        .options(selectinload(ExpertProfile.themes), selectinload(ExpertProfile.regions))
        .where(User.role == Role.EXPERT, *only)
        .order_by(User.name, User.id)
    ).all()
    free = dict(db.session.execute(
        select(Availability.expert_id, func.count())
        .where(
            Availability.date >= today,
            Availability.date < today + timedelta(weeks=OVERVIEW_WEEKS),
            ~slot_is_booked(),
            *([Availability.expert_id == expert_id] if expert_id is not None else []),
        )
        .group_by(Availability.expert_id)
    ).all())
    upcoming = dict(db.session.execute(
        select(MeetingExpert.expert_id, func.count())
        .where(
            MeetingExpert.date >= today,
            live_assignment(),
            *([MeetingExpert.expert_id == expert_id] if expert_id is not None else []),
        )
        .group_by(MeetingExpert.expert_id)
    ).all())
    now = utcnow()
    return [
        ExpertRow(user, profile, status(user, now), free.get(user.id, 0), upcoming.get(user.id, 0))
        for user, profile in rows
    ]


def find_expert(expert_id: int) -> User | None:
    expert = db.session.get(User, expert_id)
    return expert if expert is not None and expert.is_expert else None
