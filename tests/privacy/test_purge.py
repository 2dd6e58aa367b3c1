"""The purge: each retention rule just before and just after its period ends (the clock is the
`now` handed in), the waiting list of a session still to come, a stopped and resumed purge, the
dry run and the worker's job."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.retention import RetentionKind, add_months, months_in_force
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.models import Evaluation, Registration, RegistrationState
from ontwikkelbijeenkomsten.privacy import purge
from ontwikkelbijeenkomsten.privacy.anonymise import HIDDEN_DOMAIN, REMOVED
from ontwikkelbijeenkomsten.requests.models import RequestState, SentNudge
from tests.factories import applicant

LONG_AGO = datetime(2021, 5, 31, 10, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def _registration(training, n=1, **answers):
    registration = services.register(training, applicant(n, needs="Rolstoeltoegankelijk, vegetarisch"))
    db.session.commit()
    return registration


def _needs(plan, training):
    row = _registration(training)
    return row, training.ends_at, lambda: row.needs == "" and row.name == "Deelnemer 1"


def _registrations(plan, training):
    row = _registration(training)
    return row, training.ends_at, lambda: (
        row.name == REMOVED and row.email.endswith(HIDDEN_DOMAIN) and row.organisation == row.function == ""
        and row.sector is not None and row.state is RegistrationState.CONFIRMED and row.anonymised_at is not None)


def _evaluation_texts(plan, training):
    row = _registration(training)
    row.state = RegistrationState.ATTENDED
    evaluation = Evaluation(registration=row, meeting_id=training.id, score=4, went_well="Fijn, dank aan Eva",
                            to_improve="Meer tijd", created_at=LONG_AGO)
    db.session.add(evaluation)
    db.session.commit()
    return evaluation, LONG_AGO, lambda: evaluation.went_well == evaluation.to_improve == "" and evaluation.score == 4


def _request_contacts(plan, training):
    request = plan.request
    request.state, request.updated_at = RequestState.WITHDRAWN, LONG_AGO
    db.session.commit()
    return request, LONG_AGO, lambda: (request.contact_name == REMOVED and request.contact_phone == ""
                                       and request.contact_email.endswith(HIDDEN_DOMAIN)
                                       and request.region_id == plan.region.id)


def _nudge_recipients(plan, training):
    row = SentNudge(period_id=plan.period.id, region_id=plan.region.id, recipient="ilse@example.org", remaining=2,
                    sent_at=LONG_AGO)
    db.session.add(row)
    db.session.commit()
    return row, LONG_AGO, lambda: row.recipient.endswith(HIDDEN_DOMAIN) and row.remaining == 2


def _mails(plan, training):
    row = OutboxMail(recipient="deelnemer1@example.org", subject="Uw aanmelding", text_body="Beste Deelnemer 1",
                     html_body="<p>Beste Deelnemer 1</p>", kind="registration_confirmed", state=MailState.SENT,
                     sent_at=LONG_AGO, created_at=LONG_AGO)
    db.session.add(row)
    db.session.commit()
    return row, LONG_AGO, lambda: (row.recipient.endswith(HIDDEN_DOMAIN) and row.text_body == row.html_body == ""
                                   and row.kind == "registration_confirmed" and row.sent_at == LONG_AGO)


def _audit_events(plan, training):
    row = AuditEvent(occurred_at=LONG_AGO, actor_label="ilse@example.org", action="request.submitted",
                     subject_type="requests", subject_id=plan.request.id, details={"name": "Ilse"})
    db.session.add(row)
    db.session.commit()
    return row, LONG_AGO, lambda: (row.actor_label == REMOVED and row.details == {}
                                   and row.action == "request.submitted")


def _accounts(plan, training):
    """Omar's account was closed long ago; he kept a day of availability."""
    from ontwikkelbijeenkomsten.experts.models import Availability
    from tests.factories import available

    row = plan.other_expert
    available(row, training.date, training.dagdeel)
    row.active, row.deactivated_at = False, LONG_AGO
    db.session.commit()
    return row, LONG_AGO, lambda: (row.name == "Gewiste expert" and row.email.endswith(HIDDEN_DOMAIN)
                                   and row.password_hash is None and row.anonymised_at is not None
                                   and not db.session.scalars(select(Availability)
                                                              .where(Availability.expert_id == row.id)).all())


SCENARIOS = {
    "needs": (RetentionKind.NEEDS, _needs),
    "registrations": (RetentionKind.REGISTRATIONS, _registrations),
    "evaluation_texts": (RetentionKind.EVALUATION_TEXT, _evaluation_texts),
    "request_contacts": (RetentionKind.REQUEST_CONTACTS, _request_contacts),
    "nudge_recipients": (RetentionKind.REQUEST_CONTACTS, _nudge_recipients),
    "mails": (RetentionKind.MAIL_BODIES, _mails),
    "audit_events": (RetentionKind.AUDIT, _audit_events),
    "accounts": (RetentionKind.ACCOUNTS, _accounts),
}


def test_every_purge_rule_has_a_scenario():
    assert set(SCENARIOS) == {rule.name for rule in purge.RULES}


@pytest.mark.parametrize("name", SCENARIOS)
def test_just_before_the_end_of_its_period_nothing_goes_just_after_it_goes(plan, training, name):
    kind, build = SCENARIOS[name]
    row, starts, purged = build(plan, training)
    ends = add_months(starts, months_in_force()[kind])

    with unit_of_work():
        assert purge.purge_batch(now=ends - MINUTE)[name] == 0
    db.session.refresh(row)
    assert not purged()

    with unit_of_work():
        assert purge.purge_batch(now=ends + MINUTE)[name] == 1
    db.session.refresh(row)
    assert purged()
    with unit_of_work():
        assert purge.purge_batch(now=ends + MINUTE)[name] == 0  # idempotent


def test_a_purge_keeps_a_waiting_list_moving(plan, make_training):
    """Berend waits for a place in a full training; his registration for an old training is purged
    in the meantime. When the one place is freed, he still gets it and his mail."""
    old = make_training(title="Vorig jaar")
    old_registration = services.register(old, applicant(2))
    old.starts_at, old.ends_at = LONG_AGO - timedelta(hours=3), LONG_AGO
    full = make_training(capacity=1, days_ahead=20)
    first = services.register(full, applicant(1))
    berend = services.register(full, applicant(2, needs="Gebarentolk"))
    third = services.register(full, applicant(3))
    db.session.commit()

    with unit_of_work():
        counts = purge.purge_batch()
    assert counts["registrations"] == 1 and counts["needs"] == 0
    assert old_registration.name == REMOVED
    assert (berend.state, berend.name, berend.needs) == (RegistrationState.WAITING, "Deelnemer 2", "Gebarentolk")

    with unit_of_work():
        promoted = services.cancel_registration(first)
    assert promoted == [berend] and berend.state is RegistrationState.CONFIRMED
    assert services.waiting_position(third) == services.WaitingPosition(1)
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == "deelnemer2@example.org")
                              .order_by(OutboxMail.id.desc())).first()
    assert mail.kind.endswith("promoted")


def _purged_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(Registration.anonymised_at.is_not(None)))


def test_a_purge_stopped_halfway_goes_on_without_counting_twice(plan, make_training):
    old = make_training(capacity=None)
    for n in range(7):
        services.register(old, applicant(n))
    old.starts_at, old.ends_at = LONG_AGO - timedelta(hours=3), LONG_AGO
    db.session.commit()
    assert purge.pending()["registrations"] == 7

    first_run = purge.batches(unit_of_work, size=3)
    assert next(first_run)["registrations"] == 3
    first_run.close()  # stopped (Ctrl+C) after one batch: that batch is committed
    db.session.rollback()
    assert _purged_count() == 3 and purge.pending()["registrations"] == 4

    resumed = list(purge.batches(unit_of_work, size=3))
    assert [c["registrations"] for c in resumed] == [3, 1]
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.purged")).all()
    assert sum(event.details["registrations"] for event in audited) == 7 == _purged_count()
    assert all("@" not in str(event.details) and "Deelnemer" not in str(event.details) for event in audited)


def test_the_command_lists_per_kind_in_a_dry_run_then_purges(plan, make_training, app):
    old = make_training()
    services.register(old, applicant(1, needs="Vegetarisch"))
    old.starts_at, old.ends_at = LONG_AGO - timedelta(hours=3), LONG_AGO
    db.session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "registrations: 1" in dry.output and "needs: 1" in dry.output
    assert purge.pending()["registrations"] == 1

    done = runner.invoke(args=["privacy", "purge"])
    assert done.exit_code == 0, done.output
    assert "registrations: 1" in done.output
    assert purge.pending()["registrations"] == 0


def test_the_worker_job_purges_one_batch(plan, make_training):
    old = make_training()
    services.register(old, applicant(1))
    old.starts_at, old.ends_at = LONG_AGO - timedelta(hours=3), LONG_AGO
    db.session.commit()
    with unit_of_work():
        assert purge.run() >= 1
    assert _purged_count() == 1


#: Text columns of a registration that hold no person: they stay for the counts.
KEPT_TEXT = {"state", "sector", "locale"}


def test_an_anonymised_registration_keeps_no_personal_text(plan, training):
    """A new text column on registrations (a register number, a phone) fails here until
    `anonymise.registration` empties it."""
    from sqlalchemy import String

    from ontwikkelbijeenkomsten.privacy import anonymise

    row = _registration(training)
    anonymise.registration(row, LONG_AGO)
    text_columns = [c.key for c in Registration.__table__.columns if isinstance(c.type, String) and c.key not in KEPT_TEXT]
    assert "email" in text_columns and "needs" in text_columns
    for key in text_columns:
        value = getattr(row, key)
        assert value in ("", None, REMOVED) or value.endswith(HIDDEN_DOMAIN), key


def _purge_queries(make_training, people: int, title: str, days: int) -> int:
    from tests.queries import count_queries

    old = make_training(capacity=None, title=title, days_ahead=days)
    for n in range(people):
        services.register(old, applicant(100 * days + n, needs="Vegetarisch"))
    old.starts_at, old.ends_at = LONG_AGO - timedelta(hours=3), LONG_AGO
    db.session.commit()
    with count_queries() as statements, unit_of_work():
        assert purge.purge_batch()["registrations"] == people
    return len(statements)


def test_a_batch_runs_the_same_number_of_queries_for_few_or_many_rows(plan, make_training):
    assert _purge_queries(make_training, 2, "Klein", 40) == _purge_queries(make_training, 12, "Groot", 50)
