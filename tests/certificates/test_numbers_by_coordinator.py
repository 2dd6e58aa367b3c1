"""A missing register number can still be added: the accreditation page lists the people with a
place but no number before attendance and certificates too, and the coordinator enters or
corrects a number on the registration's own page (the participant form's checks), also after
the certificate was issued: then it is issued anew and mailed again."""
from __future__ import annotations

import re

from sqlalchemy import select

from ontwikkelbijeenkomsten.certificates import services as certificates
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.registers import Register
from tests.factories import applicant
from tests.meetings.test_lists import csv_of
from tests.meetings.test_public_pages import field_error, text

from .conftest import pdf_text
from .test_certificates import certificate_mails


def page_url(registration, suffix: str = "") -> str:
    return f"/bijeenkomsten/{registration.meeting_id}/deelnemers/{registration.id}{suffix}"


def missing(client, lead) -> str:
    return text(re.search(r'id="missing-title".*?</section>', client.get(
        f"/bijeenkomsten/{lead.id}/accreditatie").get_data(as_text=True), re.S).group(0))


def test_before_attendance_the_page_lists_who_has_a_place_but_no_number(coordinator_client, make_training):
    lead = make_training(capacity=2)
    with unit_of_work():
        noor, _zoe, waiting = [services.register(lead, applicant(n, **fields)) for n, fields in enumerate(
            [{"name": "Noor Zonder"}, {"name": "Zoë Met", "register": Register.SKJ, "register_number": "110012345"},
             {"name": "Wacht Zonder"}])]
    section = missing(coordinator_client, lead)
    assert "1 deelnemer met een plaats gaf geen registratienummer" in section
    assert "als het laatste dagdeel voorbij is" in section
    assert "Noor Zonder" in section and noor.email in section
    assert "Zoë" not in section and "Wacht Zonder" not in section and waiting.email not in section
    html = coordinator_client.get(f"/bijeenkomsten/{lead.id}/accreditatie").get_data(as_text=True)
    assert f'href="{page_url(noor)}#register-title"' in html


def test_after_the_certificates_it_lists_the_attendees_without_a_number_and_says_what_a_change_does(
        coordinator_client, held):
    lead, (_noor, _absent) = held(people=[{"name": "Noor Zonder"}, {"name": "Afwezig Zonder"}], present={0: [0]})
    section = missing(coordinator_client, lead)
    assert "Noor Zonder" in section and "Afwezig" not in section
    assert "1 aanwezige gaf geen registratienummer, en het deelnamebewijs is zonder nummer uitgegeven" in section
    assert "opnieuw uitgegeven" in section


def test_the_coordinator_enters_a_number_with_the_participant_forms_checks(coordinator_client, plan, make_training):
    lead = make_training()
    with unit_of_work():
        noor = services.register(lead, applicant(1, name="Noor Zonder"))
    page = coordinator_client.get(page_url(noor)).get_data(as_text=True)
    assert 'id="register-title"' in page and "niet opgegeven" in text(page)
    # the coordinator reads the hint: the participant's register, not "uw register"
    assert "zoals het register van de deelnemer het geeft" in page and "uw register" not in page
    html = coordinator_client.post(page_url(noor, "/registernummer"),
                                   data={"professional_register": "skj", "register_number": "12-34"}
                                   ).get_data(as_text=True)
    assert "6 tot 9 cijfers" in field_error(html, "register_number") and 'value="12-34"' in html
    html = coordinator_client.post(page_url(noor, "/registernummer"),
                                   data={"professional_register": "nope", "register_number": "1"}).get_data(as_text=True)
    assert field_error(html, "professional_register")
    db.session.expire_all()
    assert noor.register is None
    response = coordinator_client.post(page_url(noor, "/registernummer"),
                                       data={"professional_register": "skj", "register_number": "110 012 345"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (noor.register, noor.register_number) == (Register.SKJ, "110012345")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.register_number")).one()
    assert event.actor_id == plan.coordinator.id
    assert certificate_mails() == []  # no certificate yet: nothing to mail
    assert "110012345" in text(coordinator_client.get(page_url(noor)).get_data(as_text=True))


def test_a_change_after_the_certificate_issues_it_anew_with_the_number_and_mails_the_link_again(
        coordinator_client, client, held):
    _lead, (noor,) = held(people=[{"name": "Noor Zonder"}])
    certificate = certificates.certificate_of(noor)
    code, first_issued = certificate.code, certificate.issued_at
    assert len(certificate_mails()) == 1
    page = text(coordinator_client.get(page_url(noor)).get_data(as_text=True))
    assert "Het deelnamebewijs is uitgegeven. Als u het nummer wijzigt" in page
    form = {"professional_register": "big", "register_number": "19012345601"}
    assert coordinator_client.post(page_url(noor, "/registernummer"), data=form).status_code == 302
    db.session.expire_all()
    again = certificates.certificate_of(noor)
    assert again.code == code and again.issued_at > first_issued
    assert len(certificate_mails()) == 2
    body = pdf_text(client.get(f"/aanmelding/{links.registration_token(noor)}/deelnamebewijs.pdf").data)
    assert "19012345601" in body
    assert coordinator_client.post(page_url(noor, "/registernummer"), data=form).status_code == 302
    assert len(certificate_mails()) == 2  # the same number again changes nothing
    # the participant still cannot change it themselves
    response = client.post(f"/aanmelding/{links.registration_token(noor)}/registernummer",
                           data={"professional_register": "", "register_number": ""})
    db.session.expire_all()
    assert response.status_code == 302 and noor.register is Register.BIG


def test_the_participant_csv_has_the_register_and_number_for_coordinators_only(
        coordinator_client, expert_client, make_training):
    lead = make_training()
    with unit_of_work():
        services.register(lead, applicant(1, name="Zoë Met", register=Register.SKJ, register_number="110012345"))
        services.register(lead, applicant(2, name="Noor Zonder"))
    rows = csv_of(coordinator_client.get(f"/bijeenkomsten/{lead.id}/deelnemers.csv"))
    header = rows[0]
    register, number = header.index("Beroepsregister"), header.index("Registratienummer")
    by_name = {row[0]: row for row in rows[1:]}
    assert (by_name["Zoë Met"][register], by_name["Zoë Met"][number]) == ("SKJ", "110012345")
    assert (by_name["Noor Zonder"][register], by_name["Noor Zonder"][number]) == ("", "")
    expert_rows = csv_of(expert_client.get(f"/bijeenkomsten/{lead.id}/deelnemers.csv"))
    assert "Registratienummer" not in expert_rows[0] and "110012345" not in str(expert_rows)
