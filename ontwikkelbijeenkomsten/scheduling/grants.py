"""Lowering a grant: a region that needs fewer dagdelen than it was granted gives the rest back
to its quota. Without it a request whose region uses three of four dagdelen stays *Toegekend*,
never reaches *Uitgevoerd*, and keeps the fourth dagdeel from the region until the period ends."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from ..accounts.models import User
from ..core import audit
from ..core.extensions import db
from ..core.locking import lock
from ..core.rules import RuleViolation
from ..regions import quota
from ..requests import services as requests
from ..requests.models import Request, RequestState
from . import services
from .candidates import active_meetings


def lower_grant(request: Request, dagdelen: int, reason: str, actor: User) -> int:
    """Lower the request's grant to `dagdelen` (at least its booked sessions, and one), give the
    rest back to the region's quota and mail the contact `reason`; returns how many went back.
    A request whose sessions now cover the grant is scheduled."""
    lock(request)
    if request.state is not RequestState.GRANTED:
        raise RuleViolation("dagdelen", _l("Only a granted request with dagdelen still to book can be lowered."))
    taken = len(active_meetings([request.id])[request.id])  # sessions not cancelled: the fewest it keeps
    problems = []
    if dagdelen >= request.dagdelen_granted:
        problems.append(RuleViolation("dagdelen", lazy_ngettext(
            "Choose fewer dagdelen than the %(num)s dagdeel granted now.",
            "Choose fewer dagdelen than the %(num)s dagdelen granted now.", request.dagdelen_granted)))
    elif dagdelen < max(taken, 1):
        problems.append(RuleViolation("dagdelen", lazy_ngettext(
            "%(num)s dagdeel has been booked: keep at least that many, or cancel a session first.",
            "%(num)s dagdelen have been booked: keep at least that many, or cancel a session first.", taken)
            if taken else _l("Keep at least one dagdeel, or reject the request.")))
    reason = (reason or "").strip()
    if not reason:
        problems.append(RuleViolation("reason", _l("Give the reason; the region reads it in the e-mail.")))
    RuleViolation.raise_if(problems)
    returned = request.dagdelen_granted - dagdelen
    quota.give_back(request.region_id, request.period, returned)
    audit.record("request.grant_lowered", request, actor=actor, from_dagdelen=request.dagdelen_granted,
                 dagdelen=dagdelen, reason=reason)
    request.dagdelen_granted = dagdelen
    if taken >= dagdelen:
        services.set_state(request, RequestState.SCHEDULED, actor)
    requests.mail_contact(request, "request_grant_lowered", _l("Fewer dagdelen for your request"),
                          returned=returned, reason=reason)
    db.session.flush()
    return returned
