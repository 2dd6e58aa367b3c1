"""Sessions and registrations as the demo builds them, for the current and the past period."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ..accounts.models import User
from ..core import audit
from ..core.db import utcnow
from ..core.time import Dagdeel
from ..meetings import sector_places
from ..meetings.models import Meeting, Registration, RegistrationState
from ..requests.models import Request, RequestState

#: Every place counter of a new session, zero (the columns' defaults come only with the INSERT).
NO_PLACES = {column: 0 for sector in sector_places.HOLDING_SECTORS
             for column in (sector_places.held_column(sector), sector_places.confirmed_column(sector))}


def meeting_at(day: date, dagdeel: Dagdeel, **fields) -> Meeting:
    starts_at, ends_at = dagdeel.bounds(day)
    return Meeting(
        date=day, dagdeel=dagdeel, starts_at=starts_at, ends_at=ends_at, **{"confirmed_count": 0, **NO_PLACES, **fields}
    )


def register(meeting: Meeting, people, *, attended: bool = False) -> list[Registration]:
    """Places while they last (and are not held for another sector), then the waiting list, as
    the registration rules give them;
    with `attended`, the places of a session that was held and whose attendance was marked."""
    added = []
    for person_name, email, org, sector, function in people:
        full = not sector_places.has_room(meeting, sector)
        placed = RegistrationState.ATTENDED if attended else RegistrationState.CONFIRMED
        added.append(Registration(
            name=person_name, email=email, organisation=org, sector=sector, function=function,
            state=RegistrationState.WAITING if full else placed, consent_at=utcnow(),
        ))
        meeting.registrations.append(added[-1])
        if not full:
            sector_places.count(meeting, sector, 1)
    return added


#: The steps a request went through to reach a state, with their audit actions, as the services write them.
_STEPS = [(RequestState.IN_REVIEW, "request.review"), (RequestState.GRANTED, "request.granted"),
          (RequestState.SCHEDULED, "request.scheduled")]


def request_history(request: Request, reached: RequestState, coordinator: User, sent: datetime) -> None:
    """The timeline of a demo request that was sent at `sent` and then taken into review,
    granted and scheduled up to `reached`, a day apart, as the coordinator's actions write it; a
    request made straight in its state would say that nothing was recorded."""
    events = [audit.values("request.submitted", request, actor_label=request.contact_email,
                           to_state=RequestState.SUBMITTED.value)]
    before = RequestState.SUBMITTED
    for state, action in _STEPS if reached is not RequestState.SUBMITTED else []:
        details = {"dagdelen": request.dagdelen_granted} if state is RequestState.GRANTED else {}
        events.append(audit.values(action, request, actor=coordinator, from_state=before.value,
                                   to_state=state.value, **details))
        before = state
        if state is reached:
            break
    for days, event in enumerate(events):
        audit.add(event).occurred_at = sent + timedelta(days=days)
