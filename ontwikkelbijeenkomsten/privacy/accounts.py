"""Removing the person from an account of a coordinator or expert, on request (`person.erase`)
or when its retention period after closing has ended (`purge`).

Only a closed account goes, and not while it still holds a session to come: those are given to
someone else first. The account row stays, under a neutral name, with its assignments, themes and
regions, so past sessions and the reports keep their expert; everything that points to the person
goes, and every way in (password, invitation and reset links, sessions, the calendar feed) ends.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select, update

from ..accounts.models import Role, User
from ..core.extensions import db
from ..core.models import AuditEvent
from ..core.rules import RuleViolation
from ..core.time import today_local
from ..experts.models import Availability, ExpertProfile, WeeklyPattern
from ..meetings.bookings import live_assignment
from ..meetings.models import MeetingExpert
from .anonymise import REMOVED, SYSTEM_ACTORS, hidden_email

#: The name an anonymised account shows, wherever its past sessions are listed.
LABELS = {Role.EXPERT: _l("Erased expert"), Role.COORDINATOR: _l("Erased coordinator")}
#: The form field a refusal is shown at: above the erase button.
FIELD = "account"


def upcoming_sessions(expert_id):
    """EXISTS clause: the expert (an id or a column) still has a live assignment today or later."""
    return exists().where(MeetingExpert.expert_id == expert_id, MeetingExpert.date >= today_local(),
                          live_assignment())


def refusals(account: User, actor: User) -> list[RuleViolation]:
    """Why `actor` cannot erase `account` now, each with what to do first; empty when they can."""
    if account.id == actor.id:
        return [RuleViolation(FIELD, _l("This is your own account. Another coordinator can delete it, "
                                        "once it is closed."))]
    problems = []  # in the order to act on them: an expert with sessions to come cannot be deactivated
    if db.session.scalar(select(upcoming_sessions(account.id))):
        problems.append(RuleViolation(FIELD, _l(
            "This expert still has upcoming sessions. Assign them to another expert first.")))
    if account.active:
        problems.append(RuleViolation(FIELD, _l(
            "This expert's account is still active. Deactivate it first on the expert's page.") if account.is_expert
            else _l("This coordinator's account is still active. Close it first with the command "
                    "\"flask users deactivate\".")))
    return problems


def check(account: User, actor: User) -> None:
    RuleViolation.raise_if(refusals(account, actor))


def label(role: Role) -> str:
    """The neutral name, in the language of the website (it is stored, not translated per reader)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(LABELS[role])


def anonymise(account: User, now: datetime) -> None:
    """The account keeps its id, role, assignments, themes and regions; the rest goes."""
    old_email = account.email
    account.name = label(account.role)
    account.email = hidden_email(f"account {account.id} {old_email}")  # unique, and reaches nobody
    account.password_hash = account.invitation_nonce = account.reset_nonce = None
    account.invited_at = account.last_login_at = None
    account.active = False
    account.deactivated_at = account.deactivated_at or now
    account.anonymised_at = now
    account.end_sessions()
    profile = db.session.get(ExpertProfile, account.id)
    if profile is not None:
        profile.bio = profile.organisation = ""
        profile.max_dagdelen_per_month = None
        profile.feed_token = secrets.token_urlsafe(32)  # an old feed address opens nothing
    for model in (Availability, WeeklyPattern):
        db.session.execute(delete(model).where(model.expert_id == account.id))
    db.session.execute(update(MeetingExpert).where(MeetingExpert.expert_id == account.id,
                                                   MeetingExpert.decline_reason != "").values(decline_reason=""))
    db.session.execute(update(AuditEvent).where(AuditEvent.actor_id == account.id,
                                                AuditEvent.actor_label.not_in(SYSTEM_ACTORS))
                       .values(actor_label=REMOVED))
