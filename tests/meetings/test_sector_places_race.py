"""Two hundred people register at the same moment for a training of thirty places, ten held for
onderwijs and ten for jeugdhulp (issue 16, item 4): a hundred from each sector, each in a thread
of its own, forty transactions at a time. Exactly thirty get a place, each sector at least its
ten, and everyone else waits in line for their own sector; nobody is lost.

Onderwijs floods in first: jeugdhulp is let go once twenty onderwijs places are taken, so the
last ten places are fought over by both sectors at once, and without the held places most of
them would go to onderwijs."""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.models import Meeting, Registration, RegistrationState
from tests.factories import applicant
from tests.races import Race

PER_SECTOR, PLACES, HELD, AT_ONCE = 100, 30, 10, 40
SECTORS = (Sector.ONDERWIJS, Sector.JEUGDHULP)


def register_all_at_once(make_app, meeting_id: int, people: list) -> list[str]:
    """Every registration in its own thread, all let go together (jeugdhulp once onderwijs has
    twenty places); the pool lets AT_ONCE of them hold a connection at a time (PostgreSQL has
    room for a couple of hundred in all)."""
    together = Race(make_app, len(people), pool_size=AT_ONCE, max_overflow=0, pool_timeout=170)
    flooded, placed = threading.Event(), Counter()
    outcomes: list[str] = []

    def register(person) -> None:
        together.go()
        if person.sector is Sector.JEUGDHULP:
            flooded.wait(timeout=120)
        try:
            with unit_of_work():
                state = services.register(db.session.get(Meeting, meeting_id), person).state
            outcomes.append("ok")
            placed[state] += 1
            if placed[RegistrationState.CONFIRMED] >= PLACES - HELD:
                flooded.set()
        except Exception as exc:  # noqa: BLE001 -- any refusal, deadlock or integrity error is a bug
            outcomes.append(f"error: {exc!r}")

    together.run(register, [(person,) for person in people], timeout=240)
    return outcomes


def test_two_hundred_registrations_from_two_sectors_for_thirty_places_ten_held_for_each(make_training, make_app, plan):
    training = make_training(capacity=PLACES)
    with unit_of_work():
        services.set_sector_places(training, {Sector.ONDERWIJS: HELD, Sector.JEUGDHULP: HELD}, None, plan.coordinator)
    people = [applicant(n, sector=SECTORS[n % 2]) for n in range(2 * PER_SECTOR)]

    assert register_all_at_once(make_app, training.id, people) == ["ok"] * len(people)

    rows = db.session.scalars(select(Registration).where(Registration.meeting_id == training.id)).all()
    by_state = Counter((r.state, r.sector) for r in rows)
    confirmed = {sector: by_state[(RegistrationState.CONFIRMED, sector)] for sector in SECTORS}
    waiting = {sector: by_state[(RegistrationState.WAITING, sector)] for sector in SECTORS}
    assert sum(confirmed.values()) == PLACES
    assert all(confirmed[sector] >= HELD for sector in SECTORS), confirmed
    assert all(confirmed[sector] + waiting[sector] == PER_SECTOR for sector in SECTORS), (confirmed, waiting)
    assert {r.email for r in rows} == {p.email for p in people}
    lead = db.session.get(Meeting, training.id)
    assert (lead.confirmed_count, lead.confirmed_onderwijs, lead.confirmed_jeugdhulp) == (
        PLACES, confirmed[Sector.ONDERWIJS], confirmed[Sector.JEUGDHULP])
