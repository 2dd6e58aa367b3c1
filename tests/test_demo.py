from sqlalchemy import func, select

from ontwikkelbijeenkomsten.accounts.models import Role, User
from ontwikkelbijeenkomsten.accounts.services import authenticate
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import Theme
from ontwikkelbijeenkomsten.demo.services import (
    DEMO_COORDINATOR_EMAIL,
    DEMO_PASSWORD,
    load_demo,
)
from ontwikkelbijeenkomsten.meetings.models import Evaluation, Meeting, RegistrationState
from ontwikkelbijeenkomsten.regions.models import QuotaLedger, Region
from ontwikkelbijeenkomsten.requests.models import Request, RequestState


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_is_a_living_example(app):
    credentials = load_demo()
    assert _count(Region) == 42
    assert db.session.scalar(select(Region.name).where(Region.code == "JZ01")) == "Groningen"
    assert _count(Theme) == 14
    assert _count(User, User.role == Role.EXPERT) == 3
    assert authenticate(credentials.coordinator, DEMO_PASSWORD).role is Role.COORDINATOR
    states = set(db.session.scalars(select(Request.state)))
    assert {RequestState.SUBMITTED, RequestState.IN_REVIEW, RequestState.GRANTED, RequestState.SCHEDULED} <= states
    meetings = db.session.scalars(select(Meeting)).all()
    leads = [s for s in meetings if s.series_id is None]
    assert len(meetings) == 6 and len(leads) == 4 and all(s.registrations for s in leads)
    training = next(s for s in meetings if s.capacity == 3)
    assert [r.state for r in training.registrations].count(RegistrationState.WAITING) == 1
    series = next(s for s in leads if s.parts)
    assert len(series.all_parts) == 3 and series.all_parts[0] is series
    held = next(s for s in leads if s.title == "OOGO in de praktijk")
    assert all(r.state is RegistrationState.ATTENDED and r.attendances for r in held.registrations)
    assert _count(Evaluation) == 2
    granted = db.session.scalar(select(func.sum(QuotaLedger.granted)))
    assert granted == db.session.scalar(select(func.sum(Request.dagdelen_granted)))


def test_demo_refuses_a_full_database_unless_forced(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert DEMO_COORDINATOR_EMAIL in first.output and DEMO_PASSWORD in first.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(args=["demo", "load", "--if-empty"]).exit_code == 0
    forced = runner.invoke(args=["demo", "load", "--force"])
    assert forced.exit_code == 0, forced.output
    assert _count(Region) == 42
