import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.requests import services
from ontwikkelbijeenkomsten.requests.models import Request, RequestState
from tests.factories import future_day, submission


def _mails():
    return db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()


def test_submit_saves_the_request_with_receipt_and_notification(world):
    request = services.submit(submission(world))
    assert request.state is RequestState.SUBMITTED
    assert request.contact_email == "ilse@example.org"
    assert [m.rank for m in request.preferred_moments] == [1, 2]
    receipt, notification = _mails()
    assert receipt.recipient == "ilse@example.org" and receipt.kind == "request_received"
    link = re.search(r"http://localhost/aanvraag/(\S+)", receipt.text_body)
    assert services.request_for_token(link.group(1)) == request
    assert notification.recipient == "coordinator@example.org" and notification.kind == "request_new"
    events = db.session.scalars(select(AuditEvent)).all()
    assert [e.action for e in events] == ["request.submitted"]


@pytest.mark.parametrize("overrides, field", [
    ({"dagdelen_wanted": 5}, "dagdelen_wanted"),
    ({"theme_ids": []}, "theme_ids"),
    ({"theme_ids": [9999]}, "theme_ids"),
    ({"region_id": 9999}, "region_id"),
    ({"consent": False}, "consent"),
    ({"moments": []}, "moments"),
    ({"moments": [(today_local(), Dagdeel.OCHTEND)]}, "moments-0-date"),
    ({"moments": [(today_local() + timedelta(days=800), Dagdeel.OCHTEND)]}, "moments-0-date"),
    ({"moments": [(future_day(), Dagdeel.OCHTEND)] * 2}, "moments-1-date"),
    ({"moments": [(future_day(i + 2), Dagdeel.OCHTEND) for i in range(7)]}, "moments"),
    ({"location": ""}, "location"),
])
def test_rule_violations_name_the_field_and_save_nothing(world, overrides, field):
    with pytest.raises(services.RuleViolation) as raised:
        services.submit(submission(world, **overrides))
    assert raised.value.field == field
    db.session.rollback()
    assert db.session.scalars(select(Request)).all() == []
    assert _mails() == []


def test_a_period_instead_of_moments(world):
    request = services.submit(submission(
        world, moments=[], period_start=future_day(7), period_end=future_day(30),
        period_dagdelen=[Dagdeel.OCHTEND, Dagdeel.AVOND],
    ))
    assert request.preferred_dagdelen == ["ochtend", "avond"]


def test_grant_within_quota_and_the_next_request_sees_what_is_left(world):
    first = services.submit(submission(world, dagdelen_wanted=4))
    services.take_into_review(first, world.coordinator)
    services.grant(first, 3, world.coordinator, explanation="Eén dagdeel bewaren voor later.")
    assert first.state is RequestState.GRANTED and first.dagdelen_granted == 3
    assert quota.remaining(world.region, world.period) == 1
    with pytest.raises(services.RuleViolation) as raised:
        services.submit(submission(world, dagdelen_wanted=2))
    assert "1" in str(raised.value.message)


def test_a_partial_grant_needs_an_explanation(world):
    request = services.submit(submission(world, dagdelen_wanted=2))
    with pytest.raises(services.RuleViolation) as raised:
        services.grant(request, 1, world.coordinator)
    assert raised.value.field == "explanation"


def test_a_partial_grant_mail_says_how_many_were_asked_for_and_gives_the_reason(world):
    """Before, it said only "uw regio krijgt 1 dagdeel" and then the coordinator's explanation,
    without saying that the region had asked for more."""
    request = services.submit(submission(world, dagdelen_wanted=2))
    services.grant(request, 1, world.coordinator, explanation="Eén dagdeel bewaren voor later.")
    granted = _mails()[-1]
    assert granted.kind == "request_granted"
    for body in (granted.text_body, granted.html_body):
        assert ("Goed nieuws: uw regio krijgt 1 van de 2 dagdelen ondersteuning door een expert die u hebt "
                "aangevraagd. De reden:") in body
        assert "Eén dagdeel bewaren voor later." in body
    full = services.submit(submission(world, dagdelen_wanted=2, contact_email="vol@example.org"))
    services.grant(full, 2, world.coordinator)
    assert "Goed nieuws: uw regio krijgt 2 dagdelen ondersteuning door een expert." in _mails()[-1].text_body


def test_the_grant_mail_of_one_dagdeel_speaks_of_one_meeting(world):
    one = services.submit(submission(world, dagdelen_wanted=1))
    services.grant(one, 1, world.coordinator)
    for body in (_mails()[-1].text_body, _mails()[-1].html_body):
        assert "Als de bijeenkomst is ingepland, krijgt u de datum en een aanmeldlink" in body, (
            "BUG: 'de bijeenkomsten ... de data' for one dagdeel")
    two = services.submit(submission(world, dagdelen_wanted=2, contact_email="twee@example.org"))
    services.grant(two, 2, world.coordinator)
    assert "Als de bijeenkomsten zijn ingepland, krijgt u de data" in _mails()[-1].text_body


def test_rejection_after_grant_gives_the_dagdelen_back(world):
    request = services.submit(submission(world, dagdelen_wanted=2))
    services.grant(request, 2, world.coordinator)
    assert quota.remaining(world.region, world.period) == 2
    services.reject(request, "Dubbele aanvraag.", world.coordinator)
    assert quota.remaining(world.region, world.period) == 4
    assert _mails()[-1].kind == "request_rejected"
    assert "Dubbele aanvraag." in _mails()[-1].text_body


def test_withdrawal_gives_the_dagdelen_back(world):
    request = services.submit(submission(world, dagdelen_wanted=2))
    services.grant(request, 2, world.coordinator)
    services.withdraw(request)
    assert request.state is RequestState.WITHDRAWN
    assert quota.remaining(world.region, world.period) == 4
    contact, coordinator = _mails()[-2:]
    assert (contact.kind, contact.recipient) == ("request_withdrawn", "ilse@example.org")
    assert (coordinator.kind, coordinator.recipient) == ("request_withdrawn_notice", "coordinator@example.org")
    with pytest.raises(services.StateError):
        services.withdraw(request)


def test_status_tokens_cannot_be_forged(world):
    request = services.submit(submission(world))
    assert services.request_for_token(services.status_token(request)) == request
    from ontwikkelbijeenkomsten.core.tokens import InvalidToken, make_token

    with pytest.raises(InvalidToken):
        services.request_for_token(services.status_token(request) + "x")
    with pytest.raises(InvalidToken):
        services.request_for_token(make_token("password-reset", request.id))


def test_quota_can_be_raised_but_not_below_what_is_granted(world):
    with unit_of_work():
        request = services.submit(submission(world, dagdelen_wanted=3))
        services.grant(request, 3, world.coordinator)
    with pytest.raises(quota.QuotaBelowGranted):
        quota.set_quota(world.region.id, world.period, 2)
    db.session.rollback()
    assert quota.set_quota(world.region.id, world.period, 6) == (4, 6)
    db.session.commit()
    assert quota.remaining(world.region, world.period) == 3


def test_never_more_than_asked_for(world):
    request = services.submit(submission(world, dagdelen_wanted=2))
    with pytest.raises(services.RuleViolation) as raised:
        services.grant(request, 3, world.coordinator)
    assert raised.value.field == "dagdelen"
    db.session.rollback()
    assert quota.remaining(world.region, world.period) == 4


def test_rejecting_a_grant_says_the_grant_is_withdrawn(world):
    request = services.submit(submission(world, dagdelen_wanted=1))
    services.grant(request, 1, world.coordinator)
    services.reject(request, "Dubbel.", world.coordinator)
    assert "We moeten de toegekende dagdelen" in _mails()[-1].text_body
    assert _mails()[-1].subject == "Uw aanvraag is alsnog afgewezen"


def test_the_subject_of_a_rejection_says_it_was_rejected(world):
    """Before, it read "Besluit over uw aanvraag voor dagdelen", as if the mail could go either way."""
    request = services.submit(submission(world, dagdelen_wanted=1))
    services.reject(request, "Het thema past niet bij het programma.", world.coordinator)
    rejected = _mails()[-1]
    assert (rejected.kind, rejected.subject) == ("request_rejected", "Uw aanvraag is afgewezen")
    assert "<title>Uw aanvraag is afgewezen</title>" in rejected.html_body


def test_a_held_request_is_not_withdrawn(world):
    request = services.submit(submission(world, dagdelen_wanted=1))
    services.grant(request, 1, world.coordinator)
    request.state = RequestState.HELD
    db.session.commit()
    with pytest.raises(services.StateError):
        services.withdraw(request)


def test_withdrawing_a_scheduled_request_returns_its_dagdelen(world):
    request = services.submit(submission(world, dagdelen_wanted=1))
    services.grant(request, 1, world.coordinator)
    request.state = RequestState.SCHEDULED
    db.session.commit()
    services.withdraw(request)
    assert request.state is RequestState.WITHDRAWN
    assert quota.remaining(world.region, world.period) == 4


def test_a_region_with_open_requests_stays_active(world):
    from ontwikkelbijeenkomsten.regions import services as regions

    services.submit(submission(world))
    with pytest.raises(services.RuleViolation) as raised:
        regions.update_region(world.region, world.region.name, False, world.coordinator)
    assert raised.value.field == "active"


def test_the_receipt_repeats_both_the_moments_and_the_period_the_region_gave(world):
    """The form asks for moments, a period, or both; the receipt dropped the period when there
    were moments too."""
    start, end = future_day(30), future_day(60)
    with unit_of_work():
        services.submit(submission(world, period_start=start, period_end=end,
                                   period_dagdelen=[Dagdeel.OCHTEND, Dagdeel.AVOND]))
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "request_received")).one()
    for body in (mail.text_body, re.sub(r"<[^>]+>", " ", mail.html_body)):
        body = " ".join(body.split())
        assert "Voorkeursmomenten" in body
        assert "Voorkeursperiode" in body, "BUG: the period is left out"
        assert "(ochtend, avond)" in body
