"""Certificates wait for the end of the series (attendance saved during a dagdeel leads to
issuing by the worker's job, once); a partial attendance's certificate says the points are for
full attendance; the public form to type a verification code, and the code's address on the PDF."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ontwikkelbijeenkomsten.certificates import services as certificates
from ontwikkelbijeenkomsten.certificates.models import CreditUnit
from ontwikkelbijeenkomsten.cli.worker import JOBS
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.worker import run_job
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.registers import Register
from tests.factories import applicant
from tests.meetings.test_public_pages import field_error

from .conftest import pdf_text
from .test_certificates import BIG, certificate_mails


def test_attendance_saved_during_the_dagdeel_issues_nothing_until_the_job_runs_after_the_end(plan, make_training):
    (job,) = [job for job in JOBS if job.name == "certificates"]
    assert job.interval == timedelta(minutes=15)
    lead = make_training()
    with unit_of_work():
        person = services.register(lead, applicant(1))
    lead.starts_at, lead.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=2)
    db.session.commit()
    with unit_of_work():
        services.mark_attendance(lead, {person.id}, plan.coordinator)
    assert certificates.certificate_of(person) is None and certificate_mails() == []
    assert run_job(job) == 0  # still running
    lead.starts_at, lead.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert run_job(job) == 1
    assert certificates.certificate_of(person) is not None and len(certificate_mails()) == 1
    assert run_job(job) == 0  # once
    with unit_of_work():  # saving again after the end issues nothing twice either
        services.mark_attendance(lead, {person.id}, plan.coordinator)
    assert len(certificate_mails()) == 1


def test_a_save_after_the_end_issues_at_once(plan, make_training):
    lead = make_training()
    with unit_of_work():
        person = services.register(lead, applicant(1))
    lead.starts_at, lead.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(minutes=1)
    db.session.commit()
    with unit_of_work():
        services.mark_attendance(lead, {person.id}, plan.coordinator)
    assert certificates.certificate_of(person) is not None


def test_partial_attendance_states_the_points_are_for_full_attendance(client, plan, held):
    lead, (full, partial) = held(parts=3, people=[BIG, {}], present={0: [0, 1, 2], 1: [1]})
    with unit_of_work():
        certificates.set_accreditation(lead, [Register.SKJ], "A-118", Decimal(9), CreditUnit.POINTS, plan.coordinator)
    body = pdf_text(client.get(f"/aanmelding/{links.registration_token(partial)}/deelnamebewijs.pdf").data)
    assert ("De 9 punten van de accreditatie gelden alleen bij volledige deelname aan de training. "
            "Bijgewoond: netto 3,5 uur.") in body
    assert "Geaccrediteerd door SKJ; activiteitnummer A-118 " in body + " " and "A-118; 9 punten" not in body
    whole = pdf_text(client.get(f"/aanmelding/{links.registration_token(full)}/deelnamebewijs.pdf").data)
    assert "A-118; 9 punten" in whole and "gelden alleen" not in whole


def test_the_pdf_prints_the_short_address_and_the_code(client, held):
    _lead, (zoe,) = held(people=[BIG])
    body = pdf_text(client.get(f"/aanmelding/{links.registration_token(zoe)}/deelnamebewijs.pdf").data)
    assert "Of typ de controlecode op http://localhost/deelnamebewijs:" in body
    assert certificates.certificate_of(zoe).code in body.replace(" ", "")


def test_the_lookup_form_leads_to_the_verification_page(client, held):
    _lead, (zoe,) = held(people=[BIG])
    code = certificates.certificate_of(zoe).code
    form = client.get("/deelnamebewijs")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and 'method="get"' in html and 'name="code"' in html
    lookup = html.split('action="/deelnamebewijs"')[1].split("</form>")[0]
    assert "csrf_token" not in lookup and form.headers["X-Robots-Tag"] == "noindex, nofollow"
    pasted = f"  {code[:20]}\n{code[20:]} "  # copied from the PDF: spaces and a line break
    response = client.get("/deelnamebewijs", query_string={"code": pasted})
    assert response.status_code == 302 and response.headers["Location"] == f"/deelnamebewijs/{code}"
    assert "Zoë Ïmkamp" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_lookup_form_says_what_is_wrong_and_keeps_the_code(client, held):
    _lead, (zoe,) = held(people=[BIG])
    code = certificates.certificate_of(zoe).code
    html = client.get("/deelnamebewijs", query_string={"code": "  "}).get_data(as_text=True)
    assert "Typ de controlecode" in field_error(html, "code")
    wrong = code[:-3] + "xyz"
    response = client.get("/deelnamebewijs", query_string={"code": wrong})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "kennen we niet" in field_error(html, "code") and f'value="{wrong}"' in html
    assert "<title>Fout:" in html


def test_an_expired_code_leads_to_the_page_that_says_so(client, held):
    _lead, (zoe,) = held(people=[BIG])
    code = certificates.certificate_of(zoe).code
    for part in zoe.meeting.all_parts:
        part.starts_at -= timedelta(days=400)
        part.ends_at -= timedelta(days=400)
    db.session.commit()
    response = client.get("/deelnamebewijs", query_string={"code": code})
    assert response.status_code == 302 and client.get(response.headers["Location"]).status_code == 410


def test_checking_codes_is_rate_limited(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    ip = {"REMOTE_ADDR": "192.0.2.71"}
    codes = [client.get("/deelnamebewijs", query_string={"code": "x"}, environ_base=ip).status_code
             for _ in range(61)]
    assert codes[:60] == [200] * 60 and codes[60] == 429
    assert client.get("/deelnamebewijs/x", environ_base=ip).status_code == 429


def test_saving_attendance_says_how_many_certificates_went_out_or_were_withdrawn(coordinator_client, plan,
                                                                                make_training):
    """The message after saving spoke of the evaluation only: that the save after the end had
    issued (or withdrawn) certificates, and mailed them, went unsaid."""
    from tests.meetings.test_lists import begin, fill, follow

    lead = make_training(days_ahead=2)
    first, second = fill(lead, 2)
    begin(lead)
    address = f"/bijeenkomsten/{lead.id}/aanwezigheid"
    html = follow(coordinator_client, coordinator_client.post(
        address, data={"attendance-present": [str(first.id), str(second.id)]}))
    assert "2 deelnemers krijgen hun deelnamebewijs per e-mail." in html
    html = follow(coordinator_client, coordinator_client.post(address, data={"attendance-present": str(first.id)}))
    assert "1 deelnamebewijs is ingetrokken: die deelnemer staat niet meer als aanwezig genoteerd." in html
    assert "deelnamebewijs per e-mail" not in html
