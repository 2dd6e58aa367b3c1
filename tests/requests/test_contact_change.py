"""'Contactpersoon wijzigen': a coordinator gives a request another contact person."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation, StateError
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.privacy import person as privacy
from ontwikkelbijeenkomsten.requests import contact_change, services
from ontwikkelbijeenkomsten.requests.contact_change import Contact
from ontwikkelbijeenkomsten.requests.models import RequestState
from tests.factories import submission

from .test_coordinator_pages import detail, has_field_error

NEW = Contact("Joris Bakker", "Joris@Example.org", "06 12345678", "beleidsadviseur")
NOTE = "Ilse werkt sinds 1 december bij een andere gemeente."


@pytest.fixture
def submitted(world):
    with unit_of_work():
        return services.submit(submission(world))


def _mails(since: int = 0) -> list[OutboxMail]:
    return db.session.scalars(select(OutboxMail).where(OutboxMail.id > since).order_by(OutboxMail.id)).all()


def _last_mail_id() -> int:
    return max([m.id for m in _mails()] or [0])


def _link_token(mail: OutboxMail) -> str | None:
    found = re.search(r"http://localhost/aanvraag/(\S+)", mail.text_body)
    return found.group(1) if found else None


# ---- the service -------------------------------------------------------------------------------
def test_the_new_contact_replaces_the_old_with_audit_and_mails(world, submitted):
    old_token = _link_token(_mails()[0])
    since = _last_mail_id()
    assert contact_change.change_contact(submitted, NEW, NOTE, world.coordinator) is True
    assert (submitted.contact_name, submitted.contact_email, submitted.contact_phone, submitted.contact_function) == (
        "Joris Bakker", "joris@example.org", "06 12345678", "beleidsadviseur")

    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "request.contact_changed")).all()
    assert event.actor_id == world.coordinator.id and event.subject_id == submitted.id
    assert event.details["old"]["email"] == "ilse@example.org" and event.details["new"]["email"] == "joris@example.org"
    assert event.details["text"] == NOTE

    welcome, replaced = _mails(since)
    assert (welcome.recipient, welcome.kind) == ("joris@example.org", "request_contact_welcome")
    assert (replaced.recipient, replaced.kind) == ("ilse@example.org", "request_contact_replaced")
    assert "Joris Bakker" in welcome.text_body
    assert _link_token(replaced) is None and "/aanvraag/" not in replaced.html_body
    # the new contact's link works; the link of the contact who left no longer opens the request
    assert services.request_for_token(_link_token(welcome)) == submitted
    assert services.request_for_token(old_token) is None, (
        "BUG: the previous contact can still see and withdraw the request through their old link")


def test_the_new_contact_of_a_granted_request_reads_where_it_stands(world, submitted):
    with unit_of_work():
        services.take_into_review(submitted, world.coordinator)
        services.grant(submitted, 1, world.coordinator, "Eén dagdeel past beter.")
    since = _last_mail_id()
    with unit_of_work():
        contact_change.change_contact(submitted, NEW, NOTE, world.coordinator)
    welcome = _mails(since)[0]
    assert welcome.kind == "request_contact_welcome"
    for body in (welcome.text_body, re.sub(r"<[^>]+>", " ", welcome.html_body)):
        said = " ".join(body.split())
        assert "Status: Toegekend" in said, "BUG: the new contact is not told the request was granted"
        assert "Toegekende dagdelen: 1" in said or "Toegekende dagdelen 1" in said


def test_every_field_is_checked_at_once(world, submitted):
    with pytest.raises(RuleViolation) as raised:
        contact_change.change_contact(submitted, Contact(" ", "geen-adres", "", "x" * 201), "  ", world.coordinator)
    assert {p.field for p in raised.value.problems} == {
        "contact_name", "contact_email", "contact_phone", "contact_function", "note"}
    db.session.rollback()
    assert submitted.contact_email == "ilse@example.org"


def test_the_same_details_are_no_change(world, submitted):
    with pytest.raises(RuleViolation) as raised:
        contact_change.change_contact(submitted, Contact.of(submitted), NOTE, world.coordinator)
    assert raised.value.field == "contact_name"


def test_new_details_of_the_same_address_mail_only_the_contact(world, submitted):
    since = _last_mail_id()
    same = Contact("Ilse de Boer", "ilse@example.org", "030 1234567", "directeur")
    assert contact_change.change_contact(submitted, same, NOTE, world.coordinator) is False
    assert [(m.recipient, m.kind) for m in _mails(since)] == [("ilse@example.org", "request_contact_welcome")]


@pytest.mark.parametrize("close", ["withdraw", "reject"])
def test_refused_once_the_request_is_closed(world, submitted, close):
    if close == "withdraw":
        services.withdraw(submitted)
    else:
        services.reject(submitted, "Past niet.", world.coordinator)
    with pytest.raises(StateError):
        contact_change.change_contact(submitted, NEW, NOTE, world.coordinator)


def test_refused_when_held(world, submitted):
    submitted.state = RequestState.HELD
    with pytest.raises(StateError):
        contact_change.change_contact(submitted, NEW, NOTE, world.coordinator)


def test_the_previous_contact_still_finds_the_change_and_its_erasure_clears_it(world, submitted):
    contact_change.change_contact(submitted, NEW, NOTE, world.coordinator)
    db.session.commit()
    old = privacy.find("ilse@example.org")
    assert old.requests == []
    assert "request.contact_changed" in [e.action for e in old.audit_events]
    privacy.erase("ilse@example.org", world.coordinator)
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "request.contact_changed")).all()
    assert event.details == {} and event.actor_id == world.coordinator.id
    assert submitted.contact_email == "joris@example.org"  # the request keeps its new contact


# ---- the page ----------------------------------------------------------------------------------
FORM = {"contact-contact_name": "Joris Bakker", "contact-contact_email": "joris@example.org",
        "contact-contact_phone": "06 12345678", "contact-contact_function": "beleidsadviseur",
        "contact-note": NOTE}


def test_the_page_shows_the_form(coordinator_client, submitted):
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert "Contactpersoon wijzigen" in html
    assert f'action="{detail(submitted.id)}/contactpersoon"' in html
    assert 'id="contact-note"' in html


def test_a_closed_request_says_why_there_is_no_form(coordinator_client, submitted):
    services.withdraw(submitted)
    db.session.commit()
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert 'id="contact-closed"' in html and 'id="contact-note"' not in html
    response = coordinator_client.post(f"{detail(submitted.id)}/contactpersoon", data=FORM, follow_redirects=True)
    assert "Deze aanvraag is intussen veranderd" in response.get_data(as_text=True)
    assert submitted.contact_email == "ilse@example.org"


def test_errors_are_shown_at_their_fields_and_keep_the_input(coordinator_client, submitted):
    data = {**FORM, "contact-contact_email": "joris-at-example", "contact-contact_phone": "", "contact-note": ""}
    response = coordinator_client.post(f"{detail(submitted.id)}/contactpersoon", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for field in ("contact-contact_email", "contact-contact_phone", "contact-note"):
        assert has_field_error(html, field), field
    assert 'value="Joris Bakker"' in html and 'value="joris-at-example"' in html
    db.session.expire_all()
    assert submitted.contact_email == "ilse@example.org"


def test_success_changes_the_contact_and_shows_it_in_the_history(coordinator_client, submitted):
    response = coordinator_client.post(f"{detail(submitted.id)}/contactpersoon", data=FORM, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Joris Bakker is nu de contactpersoon" in html
    assert "Contactpersoon gewijzigd" in html and NOTE in html
    db.session.expire_all()
    assert submitted.contact_email == "joris@example.org"


def test_the_new_contact_sees_in_the_history_when_they_took_over_but_not_the_note(client, world, submitted):
    with unit_of_work():
        contact_change.change_contact(submitted, NEW, "Vorige contactpersoon is met ziekteverlof.", world.coordinator)
    page = client.get(f"/aanvraag/{services.status_token(submitted)}").get_data(as_text=True)
    history = page[page.index('id="history-title"'):]
    assert "Joris Bakker is nu de contactpersoon van deze aanvraag." in history, "BUG: the takeover is not in it"
    assert "ziekteverlof" not in page and submission(world).contact_name not in history
