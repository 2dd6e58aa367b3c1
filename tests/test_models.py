"""The rules the database itself holds, on both backends."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    Registration,
    RegistrationState,
)
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, QuotaLedger, Region

DAY = date(2026, 3, 3)


def _training(**fields) -> Meeting:
    starts, ends = Dagdeel.MIDDAG.bounds(DAY)
    values = dict(kind=MeetingKind.OPEN_TRAINING, title="Samen leren", date=DAY, dagdeel=Dagdeel.MIDDAG,
                  starts_at=starts, ends_at=ends, capacity=10, confirmed_count=0)
    values.update(fields)
    meeting = Meeting(**values)
    db.session.add(meeting)
    return meeting


def _commit_fails():
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_times_come_back_aware_in_utc(app):
    meeting = _training()
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(Meeting, meeting.id)
    assert loaded.starts_at == datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)  # 13:00 CET
    assert loaded.starts_at.tzinfo is not None


def test_naive_datetimes_are_refused(app):
    _training(starts_at=datetime(2026, 3, 3, 13, 0))
    with pytest.raises(Exception, match="naive"):
        db.session.flush()
    db.session.rollback()


def test_one_active_assignment_per_expert_slot(app):
    expert = create_user("e@example.org", "Expert", Role.EXPERT)
    first, second = _training(), _training(title="Ander")
    db.session.add(MeetingExpert(meeting=first, expert=expert, date=DAY, dagdeel=Dagdeel.MIDDAG))
    db.session.commit()
    db.session.add(MeetingExpert(meeting=second, expert=expert, date=DAY, dagdeel=Dagdeel.MIDDAG))
    _commit_fails()


def test_a_declined_assignment_frees_the_slot(app):
    expert = create_user("e@example.org", "Expert", Role.EXPERT)
    first, second = _training(), _training(title="Ander")
    db.session.add(MeetingExpert(meeting=first, expert=expert, date=DAY, dagdeel=Dagdeel.MIDDAG,
                                 state=AssignmentState.DECLINED))
    db.session.add(MeetingExpert(meeting=second, expert=expert, date=DAY, dagdeel=Dagdeel.MIDDAG))
    db.session.commit()


def _registration(meeting, state=RegistrationState.CONFIRMED):
    return Registration(meeting=meeting, name="Fatima", email="f@example.org", sector=Sector.ONDERWIJS,
                        state=state)


def test_one_active_registration_per_email_and_meeting(app):
    meeting = _training()
    db.session.add(_registration(meeting))
    db.session.commit()
    db.session.add(_registration(meeting, RegistrationState.WAITING))
    _commit_fails()


def test_a_cancelled_registration_allows_registering_again(app):
    meeting = _training()
    db.session.add(_registration(meeting, RegistrationState.CANCELLED))
    db.session.add(_registration(meeting))
    db.session.commit()


def test_granted_dagdelen_never_exceed_the_quota(app):
    region = Region(code="JZ01", name="Groningen")
    period = ProgrammePeriod(name="2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    db.session.add(QuotaLedger(region=region, period=period, quota=4, granted=5))
    _commit_fails()


def test_confirmed_places_never_exceed_the_capacity(app):
    _training(capacity=2, confirmed_count=3)
    _commit_fails()


def test_a_meeting_ends_after_it_starts(app):
    starts, _ = Dagdeel.MIDDAG.bounds(DAY)
    _training(ends_at=starts - timedelta(hours=1))
    _commit_fails()
