from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import today_local

from ontwikkelbijeenkomsten.accounts.models import Role, User
from ontwikkelbijeenkomsten.accounts.services import authenticate
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import Theme
from ontwikkelbijeenkomsten.demo.services import (
    DEMO_COORDINATOR_EMAIL,
    DEMO_PASSWORD,
    load_demo,
)
from ontwikkelbijeenkomsten.meetings.models import Attendance, Evaluation, Meeting, MeetingState, RegistrationState
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, QuotaLedger, Region
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
    current = db.session.scalar(select(ProgrammePeriod).order_by(ProgrammePeriod.starts_on.desc()).limit(1))
    meetings = db.session.scalars(select(Meeting).where(Meeting.date >= current.starts_on)).all()
    leads = [s for s in meetings if s.series_id is None]
    assert len(meetings) == 7 and len(leads) == 5 and all(s.registrations for s in leads)
    training = next(s for s in meetings if s.capacity == 3)
    assert [r.state for r in training.registrations].count(RegistrationState.WAITING) == 1
    series = next(s for s in leads if s.parts)
    assert len(series.all_parts) == 3 and series.all_parts[0] is series
    joint = next(s for s in leads if s.held_onderwijs)
    assert (joint.held_onderwijs, joint.confirmed_onderwijs, joint.held_jeugdhulp, joint.confirmed_jeugdhulp) == (4, 2, 4, 1)
    held = next(s for s in leads if s.title == "OOGO in de praktijk")
    assert all(r.state is RegistrationState.ATTENDED and r.attendances for r in held.registrations)
    assert held.state is MeetingState.HELD
    assert _count(Evaluation, Evaluation.meeting_id == held.id) == 2
    granted = db.session.scalar(select(func.sum(QuotaLedger.granted)))
    assert granted == db.session.scalar(select(func.sum(Request.dagdelen_granted)))


def test_demo_holds_a_past_period_with_held_sessions(app):
    """The school year before the current one: its sessions and requests were moved to held by
    the held job (audited as the system), with attendance and evaluations, for the reports."""
    load_demo()
    past = db.session.scalar(select(ProgrammePeriod).order_by(ProgrammePeriod.starts_on).limit(1))
    assert past.ends_on < today_local() and _count(ProgrammePeriod) == 2
    requests = db.session.scalars(select(Request).where(Request.period_id == past.id)).all()
    sessions = db.session.scalars(select(Meeting).where(Meeting.date.between(past.starts_on, past.ends_on))).all()
    assert len(requests) == 6 and {r.state for r in requests} == {RequestState.HELD}
    assert len(sessions) == 15 and {s.state for s in sessions} == {MeetingState.HELD}
    assert sum(r.dagdelen_granted for r in requests) == 14 == db.session.scalar(
        select(func.sum(QuotaLedger.granted)).where(QuotaLedger.period_id == past.id))
    assert all(any(r.attendances for r in s.registrations) for s in sessions)
    assert {len({r.sector for r in s.registrations}) >= 2 for s in sessions} == {True}  # joint sessions
    assert _count(Attendance, Attendance.meeting_id.in_([s.id for s in sessions])) < sum(
        len(s.registrations) for s in sessions)  # a no-show here and there
    assert _count(Evaluation, Evaluation.meeting_id.in_([s.id for s in sessions])) == 30
    assert _count(AuditEvent, AuditEvent.actor_label == "system") >= 15 + 6


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


def test_production_refuses_the_demo(make_app):
    """Its coordinator's password is in the README; --force would wipe the programme's data."""
    production = make_app(APP_ENV="production")
    with production.app_context():
        for args in (["demo", "load"], ["demo", "load", "--if-empty"], ["demo", "load", "--force"]):
            result = production.test_cli_runner().invoke(args=args)
            assert result.exit_code == 1 and "APP_ENV=production" in result.output, args
        assert _count(Region) == 0


def test_the_demo_past_year_fills_every_table_of_the_report(app):
    """`make run` shows a full report of the past school year from the first minute."""
    from ontwikkelbijeenkomsten.reports.monitoring import Dagdelen, monitoring_report

    load_demo()
    past = db.session.scalar(select(ProgrammePeriod).order_by(ProgrammePeriod.starts_on).limit(1))
    report = monitoring_report(past.starts_on, past.ends_on)
    assert report.total == Dagdelen(requested=14, granted=14, booked=14, held=14)
    assert len(report.regions) == 42 and [r.dagdelen.held for r in report.regions[:6]] == [4, 3, 2, 2, 2, 1]
    assert report.themes and sum(m.dagdelen.held for m in report.months) == 14
    assert report.reach.qualifying == 15 == report.reach.joint and all(report.reach.per_sector)
    total = report.quality[-1]
    assert total.theme is None and total.sessions == 15 and total.present < total.places and total.answers == 30
    assert sum(e.dagdelen for e in report.experts) == 15


def test_the_worker_finds_no_old_mail_to_send_in_the_demo(app):
    """The past year is told as it happened: everyone present got the evaluation link when the
    session ended. So the worker's first run after `make run` does not mail dozens of people
    about sessions of months ago."""
    from ontwikkelbijeenkomsten.cli.worker import JOBS
    from ontwikkelbijeenkomsten.mail.models import OutboxMail

    load_demo()
    before = _count(OutboxMail)
    done = {job.name: job.run() for job in JOBS if job.name in ("evaluations", "held", "certificates")}
    assert done == {"evaluations": 0, "held": 0, "certificates": 0}
    assert _count(OutboxMail) == before


def test_the_demo_training_that_was_given_had_its_expert_say_yes(app):
    """'OOGO in de praktijk' three weeks ago was given, with certificates: on the expert's
    Mijn opdrachten it is 'Gegeven', not 'Geweest zonder antwoord'."""
    from ontwikkelbijeenkomsten.meetings.models import AssignmentState

    load_demo()
    held = db.session.scalar(select(Meeting).where(Meeting.title == "OOGO in de praktijk"))
    assert [a.state for a in held.experts] == [AssignmentState.ACCEPTED]


def test_every_demo_request_has_the_timeline_of_the_state_it_is_in(app):
    """A granted or scheduled demo request said "Nothing has been recorded for this request yet"."""
    load_demo()
    for request in db.session.scalars(select(Request)):
        actions = list(db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_type == "requests", AuditEvent.subject_id == request.id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)))
        expected = {RequestState.SUBMITTED: [], RequestState.IN_REVIEW: ["request.review"],
                    RequestState.GRANTED: ["request.review", "request.granted"]}.get(
            request.state, ["request.review", "request.granted", "request.scheduled"])
        assert actions[:len(expected) + 1] == ["request.submitted", *expected], (request.state, actions)
    # the timeline ends today: nothing was sent or decided in the future
    latest = db.session.scalar(select(func.max(AuditEvent.occurred_at)).where(AuditEvent.subject_type == "requests"))
    assert latest.replace(tzinfo=None) <= utcnow().replace(tzinfo=None)
