"""A person's requests: the export finds every table that holds the address, the erasure keeps
the counts and gives a freed place to the next on the waiting list, and both are audited."""
from __future__ import annotations

import json

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.models import Evaluation, RegistrationState
from ontwikkelbijeenkomsten.privacy import person
from ontwikkelbijeenkomsten.privacy.anonymise import HIDDEN_DOMAIN, REMOVED
from ontwikkelbijeenkomsten.privacy.purge import RULES
from ontwikkelbijeenkomsten.requests.models import SentNudge
from tests.factories import applicant

ILSE = "ilse@example.org"  # the contact of plan.request ("Ilse@Example.org")
ADDRESS_WORDS = ("email", "address", "recipient")


def test_every_column_with_an_address_is_exported_and_purged(app):
    """A new model with an e-mail column fails here until the export and the purge cover it."""
    found = {f"{table.name}.{column.name}" for table in db.metadata.tables.values() for column in table.columns
             if any(word in column.name for word in ADDRESS_WORDS)}
    assert found == set(person.ADDRESS_COLUMNS)
    purged = {rule.model.__tablename__ for rule in RULES}
    assert {name.split(".")[0] for name in found} <= purged


def _everywhere(plan, training):
    """Ilse is the contact of a request, registered for a training, evaluated an earlier one,
    got mails and a nudge."""
    registration = services.register(training, applicant(1, email=ILSE, name="Ilse Claessens", needs="Vegetarisch"))
    db.session.add(SentNudge(period_id=plan.period.id, region_id=plan.region.id, recipient=ILSE, remaining=2))
    db.session.add(OutboxMail(recipient=ILSE, subject="Ontvangen", text_body="Beste Ilse", html_body="<p>Beste Ilse</p>",
                              kind="request_received", state=MailState.SENT))
    db.session.commit()
    return registration


def test_the_export_holds_every_table_with_the_address(plan, training):
    _everywhere(plan, training)
    exported = json.loads(json.dumps(person.export(person.find("ILSE@example.org"))))
    assert exported["requests"][0]["contact_email"].lower() == ILSE
    assert exported["requests"][0]["region"] == plan.region.name
    assert exported["registrations"][0]["needs"] == "Vegetarisch"
    assert exported["registrations"][0]["session"]["title"] == training.title
    assert {m["kind"] for m in exported["mails"]} >= {"request_received"}
    assert exported["nudges"][0]["recipient"] == ILSE
    assert {e["action"] for e in exported["audit_events"]} >= {"request.submitted", "request.granted"}
    sections = {"requests", "registrations", "mails", "nudges"}
    assert all(exported[section] for section in sections)


def test_an_account_is_exported_without_its_secrets(plan, coordinator):
    exported = person.export(person.find(coordinator.email))
    assert exported["account"]["email"] == coordinator.email
    assert "password_hash" not in exported["account"] and "reset_nonce" not in exported["account"]


def test_erasing_a_confirmed_place_in_a_full_session_promotes_the_next_and_mails_them(plan, make_training, coordinator):
    full = make_training(capacity=1)
    ilse = services.register(full, applicant(1, email=ILSE, name="Ilse Claessens"))
    next_in_line = services.register(full, applicant(2))
    db.session.commit()
    assert next_in_line.state is RegistrationState.WAITING

    with unit_of_work():
        done = person.erase(ILSE, coordinator)

    assert (done.cancelled, done.promoted) == (1, 1)
    assert next_in_line.state is RegistrationState.CONFIRMED and full.confirmed_count == 1
    promoted_mail = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == "deelnemer2@example.org")
                                       .order_by(OutboxMail.id.desc())).first()
    assert promoted_mail.kind.endswith("promoted")
    assert (ilse.state, ilse.name) == (RegistrationState.CANCELLED, REMOVED)
    assert ilse.email.endswith(HIDDEN_DOMAIN)
    assert not db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == ILSE)).all()
    assert not person.find(ILSE).found


def test_erasing_keeps_the_counts_and_audits_only_numbers(plan, training, coordinator):
    registration = _everywhere(plan, training)
    registration.state = RegistrationState.ATTENDED
    db.session.add(Evaluation(registration=registration, meeting_id=training.id, score=5, went_well="Top, Ilse"))
    db.session.commit()

    with unit_of_work():
        person.erase(ILSE, coordinator)

    request = plan.request
    assert (request.contact_name, request.contact_phone, request.state.value) == (REMOVED, "", "granted")
    assert registration.sector is not None and registration.state is RegistrationState.ATTENDED  # began: kept
    assert registration.evaluation.score == 5 and registration.evaluation.went_well == ""
    events = db.session.scalars(select(AuditEvent)).all()
    assert not [e for e in events if "ilse" in f"{e.actor_label} {e.details}".lower()]
    erased = next(e for e in events if e.action == "privacy.erased")
    assert erased.actor_id == coordinator.id and erased.details["requests"] == 1


def test_the_commands_export_and_erase(plan, training, app, coordinator):
    _everywhere(plan, training)
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["privacy", "export", ILSE, "--by", coordinator.email])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["nudges"][0]["recipient"] == ILSE
    summary = runner.invoke(args=["privacy", "export", ILSE, "--by", coordinator.email, "--summary"])
    assert "Vegetarisch" in summary.output and training.title in summary.output
    refused = runner.invoke(args=["privacy", "erase", ILSE, "--by", "nobody@example.org", "--yes"])
    assert refused.exit_code != 0 and person.find(ILSE).found
    erased = runner.invoke(args=["privacy", "erase", ILSE, "--by", coordinator.email, "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "registrations: 1" in erased.output
    assert not person.find(ILSE).found
    done = select(AuditEvent.action).where(AuditEvent.action.like("privacy.%")).order_by(AuditEvent.id)
    assert db.session.scalars(done).all() == ["privacy.exported", "privacy.exported", "privacy.erased"]


def test_an_experts_profile_availability_and_assignments_are_exported(plan, training):
    """An expert asking what we hold got only the account's name and address: not the profile
    they wrote, the themes and regions, their availability or the sessions they were given."""
    from datetime import timedelta

    from ontwikkelbijeenkomsten.core.time import Dagdeel
    from ontwikkelbijeenkomsten.experts.models import Availability, ExpertProfile, WeeklyPattern

    profile = db.session.get(ExpertProfile, plan.expert.id)
    profile.bio, profile.organisation, profile.feed_token = "Orthopedagoog in Heerlen.", "Kennispunt", "geheim-feed"
    day = training.date + timedelta(days=7)
    db.session.add(Availability(expert_id=plan.expert.id, date=day, dagdeel=Dagdeel.AVOND))
    db.session.add(WeeklyPattern(expert_id=plan.expert.id, weekdays=[1], dagdelen=["middag"], starts_on=day,
                                 ends_on=day + timedelta(days=28)))
    db.session.commit()
    found = person.find(plan.expert.email)
    exported = json.loads(json.dumps(person.export(found)))["expert"]
    assert exported["profile"]["bio"] == "Orthopedagoog in Heerlen."
    assert exported["profile"]["organisation"] == "Kennispunt" and "feed_token" not in exported["profile"]
    assert exported["themes"] == [t.name for t in profile.themes]
    assert {"date": day.isoformat(), "dagdeel": "avond"} in exported["availability"]
    assert exported["weekly_patterns"][0]["weekdays"] == [1]
    assert [a["session"]["title"] for a in exported["assignments"]] == [training.title]
    assert exported["assignments"][0]["state"] == "assigned"
