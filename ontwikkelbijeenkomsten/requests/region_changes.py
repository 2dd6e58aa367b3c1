"""What a region contact does on the private status page besides withdrawing: change the
request (themes, preferred moments, participants) while no decision has been made, and ask the
coordinators a question. Both are on the request's timeline; a question is mailed to them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.extensions import db
from ..core.locking import lock
from ..core.rules import RuleViolation, StateError
from ..core.themes import themes_by_id
from ..core.time import Dagdeel, today_local
from . import rules
from .models import OPEN_STATES, PreferredMoment, Request
from .services import notify_coordinators

#: The form fields a change may touch; the other rules of a request are not the region's to meet again.
CHANGE_FIELDS = ("theme_ids", "moments", "period_start", "period_end", "period_dagdelen",
                 "expected_participants", "sectors")
QUESTION_MAX = 2000


@dataclass
class Change:
    """The answers of the request form a region may change; the same shapes as `Submission`."""

    theme_ids: list[int | None]
    moments: list[tuple[date | None, Dagdeel | None]] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    period_dagdelen: list[Dagdeel] = field(default_factory=list)
    expected_participants: int | None = 0
    sectors: list[str] = field(default_factory=list)


def changeable(request: Request) -> bool:
    """A region may change its request until a coordinator has decided on it."""
    return request.state in OPEN_STATES


def problems(request: Request, change: Change, today: date | None = None) -> list[RuleViolation]:
    """Every rule of the request form that `change` breaks, at the field it concerns."""
    submission = rules.Submission(
        region_id=request.region_id, organisation_name=request.organisation_name,
        organisation_type=request.organisation_type, contact_name=request.contact_name,
        contact_email=request.contact_email, contact_phone=request.contact_phone,
        dagdelen_wanted=request.dagdelen_wanted, goal=request.goal, location_kind=request.location_kind,
        location=request.location, consent=True, theme_ids=change.theme_ids, moments=change.moments,
        period_start=change.period_start, period_end=change.period_end, period_dagdelen=change.period_dagdelen,
        expected_participants=change.expected_participants, sectors=change.sectors,
    )
    return [problem for problem in rules.problems(submission, request.period, today or today_local())
            if problem.field.split("-")[0] in CHANGE_FIELDS]


def _parts(request: Request) -> dict[str, object]:
    """What a change may touch, by the part of the form the timeline names."""
    return {
        "themes": sorted(theme.id for theme in request.themes),
        "moments": ([(m.date.isoformat(), m.dagdeel.value) for m in request.preferred_moments],
                    request.preferred_period_start, request.preferred_period_end, list(request.preferred_dagdelen)),
        "participants": (request.expected_participants, list(request.sectors)),
    }


def change(request: Request, wanted: Change, today: date | None = None) -> list[str]:
    """Apply the change the region `wanted`; returns the parts that changed ("themes", "moments",
    "participants"), audited as one event. Refused with StateError once a decision is made."""
    lock(request)
    if not changeable(request):
        raise StateError(f"request {request.id}: {request.state} cannot be changed")
    RuleViolation.raise_if(problems(request, wanted, today))
    before = _parts(request)
    request.themes = themes_by_id(list(dict.fromkeys(wanted.theme_ids)), active_only=True)
    moments = [(day, dagdeel) for day, dagdeel in wanted.moments if day is not None and dagdeel is not None]
    if [(m.date, m.dagdeel) for m in request.preferred_moments] != moments:
        request.preferred_moments.clear()
        db.session.flush()  # the old rows go before the new ones meet the unique (date, dagdeel)
        request.preferred_moments.extend(
            PreferredMoment(date=day, dagdeel=dagdeel, rank=rank) for rank, (day, dagdeel) in enumerate(moments, 1))
    uses_period = wanted.period_start is not None or wanted.period_end is not None
    request.preferred_period_start = wanted.period_start if uses_period else None
    request.preferred_period_end = wanted.period_end if uses_period else None
    request.preferred_dagdelen = [d.value for d in wanted.period_dagdelen] if uses_period else []
    request.expected_participants = wanted.expected_participants or 0
    request.sectors = list(dict.fromkeys(wanted.sectors))
    db.session.flush()
    after = _parts(request)
    changed = [part for part in before if before[part] != after[part]]
    if changed:
        audit.record("request.changed", request, actor_label=request.contact_email, changed=changed)
        db.session.flush()
    return changed


def ask(request: Request, question: str) -> None:
    """Put the region's question on the timeline and mail it to the coordinators."""
    question = question.strip()
    if not question:
        raise RuleViolation("question", _l("Write your question first."))
    if len(question) > QUESTION_MAX:
        raise RuleViolation("question", _l("Use at most %(max)d characters.", max=QUESTION_MAX))
    audit.record("request.question", request, actor_label=request.contact_email, text=question)
    notify_coordinators(request, "request_question",
                        _l("Question from %(region)s about its request", region=request.region.name),
                        question=question)
    db.session.flush()
