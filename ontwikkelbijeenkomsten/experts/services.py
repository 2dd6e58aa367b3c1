"""Expert accounts: invitations and accepting them, (de)activation and the profile.

Every action writes its audit event and, for invitations, its mail in the caller's unit of
work. An invitation link carries the user's `invitation_nonce`: a new invitation or a
revocation replaces the nonce, which kills every older link; setting the password clears it.
"""
from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..accounts.passwords import check_password
from ..accounts.services import AccountExists, create_user
from ..core import audit, locking
from ..core.db import utcnow
from ..core.extensions import db
from ..core.rules import RuleViolation, raise_refusals
from ..core.themes import theme_choices, themes_by_id
from ..core.tokens import InvalidToken, make_token, read_token
from ..core.urls import absolute_url
from ..mail import services as mail
from ..regions.models import Region
from . import signals
from .models import ExpertProfile
from .queries import region_choices

INVITATION_PURPOSE = "expert-invitation"
INVITATION_DAYS = 7
INVITATION_MAX_AGE = INVITATION_DAYS * 24 * 3600
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
def _themes(theme_ids, keep=()) -> list:
    """The chosen themes: active ones, or ones the profile already has (`keep`)."""
    wanted = set(theme_ids or ())  # a forged id arrives as None and is refused
    allowed = {theme_id for theme_id, _name in theme_choices(keep=[t.id for t in keep])}
    if not wanted or not wanted <= allowed:
        raise RuleViolation("theme_ids", _l("Choose at least one theme from the list."))
    return themes_by_id(wanted)


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


def _checked(problems: list[RuleViolation], check, *args):
    """`check(*args)`, or None with its problems added to `problems`, so that every rule is
    checked and a person sees all that is wrong at once."""
    try:
        return check(*args)
    except RuleViolation as exc:
        problems.extend(exc.problems)
        return None


# ---- invitations -------------------------------------------------------------------------------
def invitation_token(expert: User) -> str:
    return make_token(INVITATION_PURPOSE, {"id": expert.id, "n": expert.invitation_nonce})


def expert_for_invitation(token: str, *, lock: bool = False) -> User:
    """The invited expert; raises InvalidToken when the link is tampered with, expired,
    replaced by a newer invitation, revoked or used, or the expert is deactivated. With `lock`,
    the expert's row is locked first, so the link can be used only once."""
    data = read_token(INVITATION_PURPOSE, token, max_age=INVITATION_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("n"), str):
        raise InvalidToken()
    expert = db.session.get(User, data["id"])
    if expert is not None and lock:
        locking.lock(expert)
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
    """A fresh nonce (older links die) and the mail with the new link."""
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
    problems = [] if (name or "").strip() else [RuleViolation("name", _l("Enter the name of the expert."))]
    themes = _checked(problems, _themes, theme_ids)
    regions = _checked(problems, _regions, region_ids, serves_all_regions)
    RuleViolation.raise_if(problems)
    exists_message = _l("There is already an account with this e-mail address.")
    try:
        with db.session.begin_nested():  # a savepoint: a clash undoes only the new account
            expert = create_user(email, name, Role.EXPERT)
    except AccountExists:
        raise RuleViolation("email", exists_message) from None
    except IntegrityError:  # the same address invited at the same moment by someone else
        raise RuleViolation("email", exists_message) from None
    db.session.add(ExpertProfile(
        user_id=expert.id, bio="", organisation="", serves_all_regions=serves_all_regions,
        themes=themes, regions=regions,
    ))
    _send_invitation(expert, actor)
    audit.record("expert.invited", expert, actor=actor, to_state=ExpertStatus.INVITED.value)
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


def revoke_invitation(expert: User, actor: User) -> None:
    if expert.password_hash or not expert.invitation_nonce:
        raise RuleViolation("invitation", _l("There is no open invitation to withdraw."))
    before = status(expert)
    expert.invitation_nonce = None
    audit.record("expert.invitation_revoked", expert, actor=actor,
                 from_state=before.value, to_state=ExpertStatus.REVOKED.value)


def accept_invitation(token: str, password: str) -> User:
    """Set the password of an invited expert; the link cannot be used again."""
    expert = expert_for_invitation(token, lock=True)
    check_password(password, name=expert.name, email=expert.email)
    expert.set_password(password)
    expert.invitation_nonce = None
    expert.last_login_at = utcnow()
    audit.record("expert.invitation_accepted", expert, actor=expert,
                 from_state=ExpertStatus.INVITED.value, to_state=ExpertStatus.ACTIVE.value)
    return expert


# ---- active or not -----------------------------------------------------------------------------
def deactivate(expert: User, actor: User) -> None:
    """The expert can no longer log in; past sessions and assignments stay as they are."""
    if not expert.active:
        raise RuleViolation("active", _l("This expert is already deactivated."))
    raise_refusals(signals.deactivating, expert)
    before = status(expert)
    expert.active, expert.deactivated_at = False, utcnow()  # its retention period starts
    expert.invitation_nonce = None  # reactivating must not revive an old invitation link
    audit.record("expert.deactivated", expert, actor=actor,
                 from_state=before.value, to_state=ExpertStatus.INACTIVE.value)


def reactivate(expert: User, actor: User) -> None:
    if expert.active:
        raise RuleViolation("active", _l("This expert is already active."))
    if expert.anonymised_at is not None:
        raise RuleViolation("active", _l("This account has been erased and cannot be used again. "
                                         "Invite the expert anew."))
    expert.active, expert.deactivated_at = True, None
    audit.record("expert.reactivated", expert, actor=actor,
                 from_state=ExpertStatus.INACTIVE.value, to_state=status(expert).value)


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
    problems = []
    themes = _checked(problems, _themes, theme_ids, profile.themes)
    regions = _checked(problems, _regions, region_ids, serves_all_regions, profile.regions)
    if max_dagdelen_per_month is not None and not 0 <= max_dagdelen_per_month <= MAX_DAGDELEN_PER_MONTH:
        problems.append(RuleViolation(
            "max_dagdelen_per_month",
            _l("Enter a number from %(min)s to %(max)s.", min=0, max=MAX_DAGDELEN_PER_MONTH),
        ))
    RuleViolation.raise_if(problems)
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
    return True
