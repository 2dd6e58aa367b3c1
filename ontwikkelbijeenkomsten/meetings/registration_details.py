"""A participant corrects their own details on their private page: name, organisation,
function and needs, while the registration is open (a place or the waiting list) and the session
has not begun. The e-mail address (it identifies the registration) and the sector (it may hold a
sector's place) stay; the coordinators change those. The audit names the fields, not the values.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.extensions import db
from ..core.rules import RuleViolation, StateError
from .models import Registration, RegistrationState
from .services import closed_reason

NAME_MAX, NEEDS_MAX = 200, 2000  # the columns' lengths


@dataclass(frozen=True)
class Details:
    name: str
    organisation: str
    function: str
    needs: str


def editable(registration: Registration) -> bool:
    open_state = registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITING)
    return open_state and closed_reason(registration.meeting, by_hand=True) is None


def change(registration: Registration, details: Details) -> list[str]:
    """Save the details; returns the names of the fields that changed."""
    if not editable(registration):
        raise StateError(f"registration {registration.id} can no longer be changed")
    required = {"name": _l("Enter your name."), "organisation": _l("Enter your organisation."),
                "function": _l("Enter your function.")}
    problems = [RuleViolation(name, message) for name, message in required.items()
                if not getattr(details, name).strip()]
    problems += [RuleViolation(name, _l("Use at most %(max)d characters.", max=maximum))
                 for name, maximum in (("name", NAME_MAX), ("organisation", NAME_MAX), ("function", NAME_MAX),
                                       ("needs", NEEDS_MAX)) if len(getattr(details, name)) > maximum]
    RuleViolation.raise_if(problems)
    changed = [name for name in ("name", "organisation", "function", "needs")
               if getattr(registration, name) != getattr(details, name).strip()]
    for name in changed:
        setattr(registration, name, getattr(details, name).strip())
    if changed:
        audit.record("registration.details_changed", registration, actor_label="participant", fields=changed)
    db.session.flush()
    return changed
