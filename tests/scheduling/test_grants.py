"""Granting fewer dagdelen: a region that needs fewer than it was granted gives the rest back to
its quota, and a request whose sessions then cover its grant is scheduled (and can be held)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.requests.models import RequestState
from ontwikkelbijeenkomsten.scheduling import grants
from tests.scheduling.test_services import book

PAGE = "/coordinatie/aanvragen/{}"


def four(plan):
    """A request granted 4 dagdelen, in the region whose quota the plan's own request leaves whole."""
    return plan.granted(4, region=plan.regions[1])


def lowered_mails() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "request_grant_lowered")))


def test_fewer_dagdelen_go_back_to_the_quota_and_the_booked_request_is_scheduled(plan):
    request = four(plan)
    book(plan, plan.moments[0], request=request)
    left = quota.remaining(request.region, plan.period)
    with unit_of_work():
        returned = grants.lower_grant(request, 1, "De regio heeft genoeg aan één bijeenkomst.", plan.coordinator)
    db.session.expire_all()
    assert returned == 3 and request.dagdelen_granted == 1
    assert quota.remaining(request.region, plan.period) == left + 3
    assert request.state is RequestState.SCHEDULED, (
        "BUG: the request keeps waiting for dagdelen nobody will book, and never reaches Uitgevoerd")
    (mail,) = lowered_mails()
    assert mail.recipient == request.contact_email
    assert "1 dagdeel ondersteuning" in mail.text_body and "3 dagdelen gaan terug" in mail.text_body
    assert "De regio heeft genoeg aan één bijeenkomst." in mail.html_body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "request.grant_lowered"))
    assert (event.details["from_dagdelen"], event.details["dagdelen"]) == (4, 1)


def test_a_request_with_dagdelen_still_to_book_stays_granted(plan):
    request = four(plan)
    with unit_of_work():
        assert grants.lower_grant(request, 2, "Twee is genoeg.", plan.coordinator) == 2
    db.session.expire_all()
    assert (request.state, request.dagdelen_granted) == (RequestState.GRANTED, 2)


@pytest.mark.parametrize("dagdelen, reason, fields", [
    (4, "x", ["dagdelen"]),       # not fewer than granted
    (0, "x", ["dagdelen"]),       # at least one
    (1, "  ", ["dagdelen", "reason"]),  # fewer than booked, and no reason: both at once
])
def test_what_cannot_be_lowered_is_said_at_its_field(plan, dagdelen, reason, fields):
    request = four(plan)
    book(plan, plan.moments[0], request=request)
    book(plan, plan.moments[1], request=request)
    with pytest.raises(RuleViolation) as caught:
        with unit_of_work():
            grants.lower_grant(request, dagdelen, reason, plan.coordinator)
    assert [p.field for p in caught.value.problems] == fields
    db.session.expire_all()
    assert request.dagdelen_granted == 4 and lowered_mails() == []


def test_the_request_page_lowers_the_grant(coordinator_client, plan):
    request = four(plan)
    book(plan, plan.moments[0], request=request)
    page = coordinator_client.get(PAGE.format(request.id)).get_data(as_text=True)
    assert 'id="lower-title"' in page and "Nu zijn 4 dagdelen toegekend, waarvan 1 ingepland." in page
    html = coordinator_client.post(PAGE.format(request.id) + "/minder-dagdelen",
                                   data={"lower-dagdelen": "0", "lower-reason": ""}).get_data(as_text=True)
    assert 'id="lower-reason-error"' in html and 'id="error-summary"' in html and 'value="0"' in html
    response = coordinator_client.post(PAGE.format(request.id) + "/minder-dagdelen",
                                       data={"lower-dagdelen": "1", "lower-reason": "Genoeg aan één."})
    assert response.status_code == 302
    page = coordinator_client.get(PAGE.format(request.id)).get_data(as_text=True)
    assert "3 dagdelen zijn terug naar het quotum van de regio." in page
    assert "Minder dagdelen toegekend" in page and 'id="lower-title"' not in page  # scheduled now


def test_experts_may_not_lower_a_grant(expert_client, plan):
    response = expert_client.post(PAGE.format(plan.request.id) + "/minder-dagdelen",
                                  data={"lower-dagdelen": "1", "lower-reason": "x"})
    assert response.status_code == 403 and plan.request.dagdelen_granted == 2
