"""A hundred people register at the same moment for twenty places, each in a thread with a
connection of its own: exactly twenty get a place, eighty wait in line, nobody is lost; five
cancellations at once give their places to the first five in line."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.models import Meeting, Registration, RegistrationState
from tests.factories import applicant
from tests.races import Race

PEOPLE, PLACES, CANCELLING = 100, 20, 5


def race(make_app, actions: list) -> list[str]:
    """Run every action() in its own thread with its own connection, all released at once;
    returns "ok", "refused: …" or "error: …" per action."""
    together = Race(make_app, len(actions), max_overflow=5)
    outcomes: list[str] = []

    def register(action) -> None:
        together.go()
        try:
            with unit_of_work():
                action()
            outcomes.append("ok")
        except RuleViolation as exc:
            with force_locale("en"):
                outcomes.append(f"refused: {exc.message}")
        except Exception as exc:  # noqa: BLE001 -- a deadlock or an integrity error is a bug
            outcomes.append(f"error: {exc!r}")

    together.run(register, [(action,) for action in actions])
    return outcomes


def registrations(state: RegistrationState) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(Registration.state == state).order_by(Registration.id)))


def test_a_hundred_registrations_for_twenty_places(make_training, make_app):
    meeting_id = make_training(capacity=PLACES).id

    def register(n: int):
        return lambda: services.register(db.session.get(Meeting, meeting_id), applicant(n))

    outcomes = race(make_app, [register(n) for n in range(PEOPLE)])
    assert outcomes == ["ok"] * PEOPLE
    confirmed, waiting = registrations(RegistrationState.CONFIRMED), registrations(RegistrationState.WAITING)
    assert (len(confirmed), len(waiting)) == (PLACES, PEOPLE - PLACES)
    assert db.session.get(Meeting, meeting_id).confirmed_count == PLACES
    assert {r.email for r in confirmed + waiting} == {applicant(n).email for n in range(PEOPLE)}
    kinds = dict(db.session.execute(select(OutboxMail.kind, func.count()).where(
        OutboxMail.kind.startswith("registration_")).group_by(OutboxMail.kind)).all())
    assert kinds == {"registration_confirmed": PLACES, "registration_waiting": PEOPLE - PLACES}

    first_in_line = [r.id for r in waiting[:CANCELLING]]
    leaving = [r.id for r in confirmed[:CANCELLING]]

    def cancel(registration_id: int):
        return lambda: services.cancel_registration(db.session.get(Registration, registration_id))

    assert race(make_app, [cancel(i) for i in leaving]) == ["ok"] * CANCELLING
    assert [r.id for r in registrations(RegistrationState.CANCELLED)] == leaving
    promoted = [r.id for r in registrations(RegistrationState.CONFIRMED) if r.id in {w.id for w in waiting}]
    assert promoted == first_in_line
    assert len(registrations(RegistrationState.CONFIRMED)) == PLACES
    assert len(registrations(RegistrationState.WAITING)) == PEOPLE - PLACES - CANCELLING
    assert db.session.get(Meeting, meeting_id).confirmed_count == PLACES
    assert db.session.scalar(select(func.count()).where(OutboxMail.kind == "registration_promoted")) == CANCELLING
