"""A participant changes their own details on their private page: what may change, the checks at
the fields, the audit (field names, not values), and when it is no longer possible."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation, StateError
from ontwikkelbijeenkomsten.meetings import registration_details
from ontwikkelbijeenkomsten.meetings import services as meetings
from ontwikkelbijeenkomsten.meetings.links import registration_token
from ontwikkelbijeenkomsten.meetings.registration_details import Details
from tests.factories import applicant


@pytest.fixture
def person(training):
    found = meetings.register(training, applicant(1))
    db.session.commit()
    return found


def _events(person):
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "registrations", AuditEvent.subject_id == person.id)))


def _url(person):
    return f"/aanmelding/{registration_token(person)}/gegevens"


def test_change_saves_what_changed_and_audits_the_field_names(person):
    changed = registration_details.change(person, Details(" Anna de Vries ", person.organisation, "Teamleider",
                                                          "Rolstoel"))
    db.session.commit()
    assert changed == ["name", "function", "needs"]
    assert (person.name, person.function, person.needs) == ("Anna de Vries", "Teamleider", "Rolstoel")
    (event,) = [e for e in _events(person) if e.action == "registration.details_changed"]
    assert event.details == {"fields": ["name", "function", "needs"]} and "Rolstoel" not in str(event.details)


def test_every_problem_at_its_field(person):
    with pytest.raises(RuleViolation) as refused:
        registration_details.change(person, Details("", " ", "x" * 201, "y" * 2001))
    assert {p.field for p in refused.value.problems} == {"name", "organisation", "function", "needs"}


def test_not_after_cancelling_or_once_begun(person, training):
    training.starts_at, training.ends_at = utcnow() - timedelta(minutes=5), utcnow() + timedelta(hours=3)
    db.session.commit()
    assert not registration_details.editable(person)
    with pytest.raises(StateError):
        registration_details.change(person, Details("A", "B", "C", ""))


def test_the_page_fills_in_saves_and_links_back(client, person):
    token = registration_token(person)
    page = client.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert f'href="/aanmelding/{token}/gegevens"' in page
    page = client.get(_url(person)).get_data(as_text=True)
    assert 'value="Deelnemer 1"' in page and "deelnemer1@example.org" in page
    response = client.post(f"/aanmelding/{token}/gegevens",
                           data={"name": "Anna", "organisation": "SWV", "function": "IB", "needs": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/aanmelding/{token}")
    assert person.name == "Anna"
    assert "Uw gegevens zijn opgeslagen." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_errors_at_the_fields_with_what_was_typed(client, person):
    response = client.post(_url(person), data={"name": "", "organisation": "Nieuwe school", "function": "",
                                               "needs": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html
    assert 'id="name-error"' in html and 'id="function-error"' in html and 'value="Nieuwe school"' in html
    assert person.name == "Deelnemer 1"


def test_a_cancelled_registration_is_sent_back(client, person):
    meetings.cancel_registration(person)
    db.session.commit()
    token = registration_token(person)
    response = client.get(f"/aanmelding/{token}/gegevens")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/aanmelding/{token}")
    assert client.post(_url(person), data={"name": "X", "organisation": "Y", "function": "Z"}).status_code == 302
    assert person.name == "Deelnemer 1"


def test_a_bad_link_is_404(client):
    assert client.get("/aanmelding/nep/gegevens").status_code == 404
