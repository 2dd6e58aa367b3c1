"""The register numbers: SKJ 6 to 9 digits, BIG 11 digits, others as typed; Dutch errors at the
field, the typed value kept; the participant changes it until the certificate is issued."""
from __future__ import annotations

import re

import pytest

from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.registers import Register, checked_number
from tests.factories import applicant
from tests.meetings.test_public_pages import FORM, field_error, registrations, text


@pytest.mark.parametrize(("register", "typed", "stored"), [
    (Register.SKJ, "110012345", "110012345"),
    (Register.SKJ, "1100 123", "1100123"),
    (Register.SKJ, "123.456", "123456"),
    (Register.BIG, "19012345601", "19012345601"),
    (Register.BIG, "190-1234-5601", "19012345601"),
    (Register.LERARENREGISTER, " LR-2024/118 ", "LR-2024/118"),
    (Register.NIP_NVO, "NIP 9981", "NIP 9981"),
    (None, "", ""),
])
def test_good_numbers_are_stored_in_their_form(app, register, typed, stored):
    assert checked_number(register, typed) == stored


@pytest.mark.parametrize(("register", "typed", "field"), [
    (Register.SKJ, "12345", "register_number"),  # too short
    (Register.SKJ, "1234567890", "register_number"),  # too long
    (Register.SKJ, "11001234a", "register_number"),
    (Register.BIG, "1901234560", "register_number"),  # 10 digits
    (Register.BIG, "190123456011", "register_number"),
    (Register.REGISTERPLEIN, "<script>", "register_number"),
    (Register.OTHER, "x" * 41, "register_number"),
    (Register.SKJ, "", "register_number"),  # a register without a number
    (None, "110012345", "professional_register"),  # a number without a register
])
def test_wrong_numbers_are_refused_at_their_field(app, register, typed, field):
    with pytest.raises(RuleViolation) as refused:
        checked_number(register, typed)
    assert refused.value.field == field


def test_registering_with_a_number_stores_it(client, training):
    response = client.post(f"/agenda/{training.id}/aanmelden",
                           data={**FORM, "professional_register": "skj", "register_number": "110 012 345"})
    assert response.status_code == 302
    (registration,) = registrations(training)
    assert (registration.register, registration.register_number) == (Register.SKJ, "110012345")


def test_a_wrong_number_gives_a_dutch_error_and_keeps_what_was_typed(client, training):
    response = client.post(f"/agenda/{training.id}/aanmelden",
                           data={**FORM, "professional_register": "big", "register_number": "12345"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and registrations(training) == []
    assert "Een BIG-nummer heeft 11 cijfers" in field_error(html, "register_number")
    assert 'value="12345"' in html
    assert "selected" in re.search(r'<option[^>]*value="big"[^>]*>', html).group(0)
    assert "Fatima el Amrani" in html


def test_a_forged_register_is_refused_at_the_field(client, training):
    html = client.post(f"/agenda/{training.id}/aanmelden",
                       data={**FORM, "professional_register": "nope", "register_number": "1"}).get_data(as_text=True)
    assert field_error(html, "professional_register") and registrations(training) == []


def test_the_participant_changes_the_number_on_their_page_until_the_certificate(client, training, held):
    with unit_of_work():
        registration = services.register(training, applicant(1))
    page = f"/aanmelding/{links.registration_token(registration)}"
    assert 'id="register-number-button"' in client.get(page).get_data(as_text=True)
    html = client.post(page + "/registernummer", data={"professional_register": "skj", "register_number": "12"}).get_data(as_text=True)
    assert "SKJ-registratienummer heeft 6 tot 9 cijfers" in field_error(html, "register_number")
    assert 'value="12"' in html
    response = client.post(page + "/registernummer", data={"professional_register": "skj", "register_number": "110012345"})
    assert response.status_code == 302
    assert "110012345" in text(client.get(page).get_data(as_text=True))

    _lead, (issued,) = held(people=[{"register": Register.BIG, "register_number": "19012345601"}])
    issued_page = f"/aanmelding/{links.registration_token(issued)}"
    html = client.get(issued_page).get_data(as_text=True)
    assert 'id="register-number-button"' not in html and 'id="certificate-link"' in html
    client.post(issued_page + "/registernummer", data={"professional_register": "skj", "register_number": "110012345"})
    html = client.get(issued_page).get_data(as_text=True)
    assert "u kunt het nummer niet meer veranderen" in html
    assert registrations(issued.meeting)[0].register_number == "19012345601"


def test_someone_marked_absent_is_told_why_no_certificate_comes_instead_of_the_number_form(client, held):
    """The form promised a certificate after the session to someone marked absent at every
    dagdeel, for whom none will come."""
    _lead, (present, absent) = held(people=[{}, {}], present={0: [0]})
    html = client.get(f"/aanmelding/{links.registration_token(absent)}").get_data(as_text=True)
    assert 'id="register-number-button"' not in html
    shown = text(html)
    assert ("U staat bij elk dagdeel als afwezig genoteerd. Daarom krijgt u geen deelnamebewijs.") in shown
    assert "Was u er toch? Stuur dan een e-mail naar" in shown and 'href="mailto:' in html
    assert 'id="cannot-cancel"' not in html
    assert 'id="absent"' not in client.get(f"/aanmelding/{links.registration_token(present)}").get_data(as_text=True)


def test_before_the_attendance_is_saved_the_number_form_stays(client, make_training):
    lead = make_training()
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    html = client.get(f"/aanmelding/{links.registration_token(registration)}").get_data(as_text=True)
    assert 'id="register-number-button"' in html and 'id="absent"' not in html
