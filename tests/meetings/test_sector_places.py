"""Places held per sector (issue 16, item 4), called through the services on both backends:
who gets a place while places are held and after the release, who is promoted when a place comes
free, the release job, the counters through cancel, move and erase, and the coordinator's rules."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ontwikkelbijeenkomsten.cli.worker import JOBS
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.worker import run_job
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import sector_places, services
from ontwikkelbijeenkomsten.meetings.models import Meeting, Registration, RegistrationState
from ontwikkelbijeenkomsten.privacy import person
from tests.factories import applicant

CONFIRMED, WAITING = RegistrationState.CONFIRMED, RegistrationState.WAITING
O, J, G, A = Sector.ONDERWIJS, Sector.JEUGDHULP, Sector.GEMEENTE, Sector.OTHER


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def hold(meeting, actor, release_at=None, **held) -> list[Registration]:
    with unit_of_work():
        return services.set_sector_places(meeting, {Sector(k): v for k, v in held.items()}, release_at, actor)


def sign_up(meeting, *sectors: Sector, start: int = 0) -> list[Registration]:
    with unit_of_work():
        return [services.register(meeting, applicant(start + n, sector=sector)) for n, sector in enumerate(sectors)]


def fresh(meeting) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id)


def states(people: list[Registration]) -> list[RegistrationState]:
    db.session.expire_all()
    return [db.session.get(Registration, p.id).state for p in people]


def counters(meeting) -> tuple[int, int, int, int]:
    lead = fresh(meeting)
    return (lead.confirmed_count, lead.confirmed_onderwijs, lead.confirmed_jeugdhulp, lead.confirmed_gemeente)


def promoted_mails() -> list[str]:
    return list(db.session.scalars(select(OutboxMail.recipient).where(OutboxMail.kind == "registration_promoted")
                                   .order_by(OutboxMail.id)))


def test_places_held_for_one_sector_keep_the_others_out(make_training, plan):
    training = make_training(capacity=4)
    hold(training, plan.coordinator, onderwijs=2)
    jeugd = sign_up(training, J, J, G, A)
    assert states(jeugd) == [CONFIRMED, CONFIRMED, WAITING, WAITING]
    onderwijs = sign_up(training, O, O, O, start=10)
    assert states(onderwijs) == [CONFIRMED, CONFIRMED, WAITING]
    assert counters(training) == (4, 2, 2, 0)


def test_a_sector_may_take_the_free_places_beyond_what_it_holds(make_training, plan):
    training = make_training(capacity=5)
    hold(training, plan.coordinator, onderwijs=1, jeugdhulp=1)
    people = sign_up(training, O, O, O, O, J, O)
    # four onderwijs: one held and the three free places; the last place stays for jeugdhulp
    assert states(people) == [CONFIRMED, CONFIRMED, CONFIRMED, CONFIRMED, CONFIRMED, WAITING]
    assert counters(training) == (5, 4, 1, 0)


def test_a_freed_place_goes_to_the_first_waiting_person_who_may_take_it(make_training, plan):
    training = make_training(capacity=3)
    hold(training, plan.coordinator, jeugdhulp=1)
    first = sign_up(training, O, O, O, J)  # the third onderwijs waits: the last place is jeugdhulp's
    assert states(first) == [CONFIRMED, CONFIRMED, WAITING, CONFIRMED]
    later = sign_up(training, J, start=10)  # jeugdhulp's place is used: the training is full
    assert states(later) == [WAITING]
    with unit_of_work():
        given = services.cancel_registration(first[3])  # jeugdhulp's held place comes free
    assert [r.id for r in given] == [later[0].id]  # not the onderwijs person who waited longer
    with unit_of_work():
        given = services.cancel_registration(first[0])  # a free place: first come, first served
    assert [r.id for r in given] == [first[2].id]
    assert counters(training) == (3, 2, 1, 0)


def test_the_release_job_opens_the_held_places_to_the_waiting_list_in_order(make_training, plan):
    training = make_training(capacity=4)
    hold(training, plan.coordinator, onderwijs=2, jeugdhulp=1)
    people = sign_up(training, G, J, A, G, O)
    assert states(people) == [CONFIRMED, CONFIRMED, WAITING, WAITING, CONFIRMED]
    moment = services.first_start(fresh(training)) - sector_places.RELEASE_BEFORE_START
    with unit_of_work():
        assert services.release_held_places(moment - timedelta(minutes=1)) == 0  # not yet
    with unit_of_work():
        assert services.release_held_places(moment) == 1
    assert states(people) == [CONFIRMED, CONFIRMED, CONFIRMED, WAITING, CONFIRMED]
    assert promoted_mails() == [people[2].email]
    with unit_of_work():
        assert services.release_held_places(moment + timedelta(hours=1)) == 0  # once
    lead = fresh(training)
    assert lead.places_released_at is not None and not sector_places.is_holding(lead)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.places_released")).all()
    assert event.actor_label == "system" and event.details["promoted"] == 1
    with unit_of_work():  # after the release a place goes in plain order
        services.cancel_registration(people[4])
    assert states(people)[3] is CONFIRMED


def test_after_the_release_anyone_may_take_a_place(make_training, plan):
    training = make_training(capacity=2)
    hold(training, plan.coordinator, release_at=utcnow() - timedelta(minutes=1), onderwijs=2)
    assert fresh(training).places_released_at is not None
    assert states(sign_up(training, J, G, O)) == [CONFIRMED, CONFIRMED, WAITING]


def test_holding_fewer_places_promotes_those_who_waited_for_them(make_training, plan):
    training = make_training(capacity=2)
    hold(training, plan.coordinator, onderwijs=2)
    people = sign_up(training, J, G)
    assert states(people) == [WAITING, WAITING]
    given = hold(training, plan.coordinator, onderwijs=1)
    assert [r.id for r in given] == [people[0].id]
    assert counters(training) == (1, 0, 1, 0)


def test_counters_follow_a_move_and_an_erase(make_training, plan):
    training = make_training(capacity=2)
    other = make_training(capacity=3, title="Tweede ronde", days_ahead=40)
    hold(training, plan.coordinator, jeugdhulp=1)
    [mover, leaver, waiter] = sign_up(training, J, O, O)
    assert counters(training) == (2, 1, 1, 0) and states([waiter]) == [WAITING]
    with unit_of_work():
        services.move(db.session.get(Registration, mover.id), fresh(other), plan.coordinator)
    assert counters(training) == (1, 1, 0, 0) and counters(other) == (1, 0, 1, 0)
    assert states([waiter]) == [WAITING]  # the freed place is held for jeugdhulp
    with unit_of_work():
        person.erase(leaver.email, plan.coordinator)
    assert states([waiter]) == [CONFIRMED]
    assert counters(training) == (1, 1, 0, 0)


def test_the_coordinators_rules_come_back_together_at_their_fields(make_training, plan):
    training = make_training(capacity=10)
    start = services.first_start(training)
    with pytest.raises(RuleViolation) as caught:
        hold(training, plan.coordinator, release_at=start, onderwijs=6, jeugdhulp=5)
    problems = {(p.field, str(p.message)) for p in caught.value.problems}
    assert ("onderwijs", "Together the sectors can hold at most 10 places: the number of places of this "
            "training.") in problems
    assert {field for field, _ in problems} == {"onderwijs", "release_at"}
    unlimited = make_training(capacity=None, title="Zonder grens", days_ahead=50)
    with pytest.raises(RuleViolation) as caught:
        hold(unlimited, plan.coordinator, jeugdhulp=3)
    assert caught.value.field == "jeugdhulp"
    assert sector_places.overview(fresh(training)) == []


def test_the_capacity_cannot_drop_below_the_places_held(make_training, plan):
    training = make_training(capacity=10)
    hold(training, plan.coordinator, onderwijs=4, gemeente=3)
    for capacity in (6, None):
        with pytest.raises(RuleViolation) as caught, unit_of_work():
            services.set_capacity(fresh(training), capacity, True, plan.coordinator)
        assert caught.value.field == "capacity"
    assert [(p.sector, p.held, p.left) for p in sector_places.overview(fresh(training))] == [(O, 4, 4), (G, 3, 3)]


def test_a_training_that_has_begun_is_released_without_promoting_anyone(make_training, plan):
    training = make_training(capacity=1)
    hold(training, plan.coordinator, onderwijs=1)
    [waiting] = sign_up(training, J)
    after_start = services.first_start(fresh(training)) + timedelta(minutes=5)
    with unit_of_work():
        assert services.release_held_places(after_start) == 0
    assert fresh(training).places_released_at is not None and states([waiting]) == [WAITING]
    assert promoted_mails() == []


def test_the_worker_runs_the_release_on_its_schedule(make_training, plan):
    training = make_training(capacity=1)
    hold(training, plan.coordinator, onderwijs=1)
    [waiting] = sign_up(training, J)
    fresh(training).places_release_at = utcnow() - timedelta(minutes=1)  # the moment has just passed
    db.session.commit()
    job = next(job for job in JOBS if job.name == "sector-places")
    assert run_job(job) == 1 and run_job(job) == 0
    assert states([waiting]) == [CONFIRMED] and promoted_mails() == [waiting.email]
