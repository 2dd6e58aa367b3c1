"""Certificates of attendance: issued once attendance is saved for the whole series, mailed with
a link (no attachment), the PDF's content read back with pypdf, partial attendance said so, and
the public verification page (genuine, tampered, expired)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ontwikkelbijeenkomsten.certificates import services as certificates
from ontwikkelbijeenkomsten.certificates.models import Certificate, CreditUnit
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.i18n import long_date
from ontwikkelbijeenkomsten.core.tokens import make_token
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.registers import Register
from tests.factories import applicant
from tests.meetings.test_lists import begin
from tests.meetings.test_public_pages import text

from .conftest import pdf_text

BIG = {"name": "Zoë Ïmkamp", "register": Register.BIG, "register_number": "19012345601"}


def certificate_mails() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "registration_certificate")))


def pdf_of(client, registration) -> str:
    response = client.get(f"/aanmelding/{links.registration_token(registration)}/deelnamebewijs.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    return pdf_text(response.data)


def test_a_certificate_holds_name_number_dates_hours_expert_and_accreditation(client, app, plan, held):
    lead, (zoe,) = held(people=[BIG], title="Signaleren – één aanpak")
    with unit_of_work():
        certificates.set_accreditation(lead, [Register.SKJ, Register.BIG], "A-2026-118", Decimal("3.5"),
                                       CreditUnit.POINTS, plan.coordinator)
    body = pdf_of(client, zoe)
    assert "Deelnamebewijs" in body and "Zoë Ïmkamp" in body and "19012345601" in body
    assert "Signaleren – één aanpak" in body
    with app.test_request_context():
        assert long_date(lead.starts_at) in body
    assert "3,5 uur" in body and "Eva Jansen" in body
    assert "A-2026-118" in body and "3,5 punten" in body and "SKJ, BIG" in body
    certificate = certificates.certificate_of(zoe)
    assert certificate.code in body.replace(" ", "")
    assert "Gedeeltelijk" not in body


def test_the_pdf_embeds_its_fonts_and_is_tagged(client, held):
    import io

    import pypdf

    _lead, (person,) = held(people=[BIG])
    response = client.get(f"/aanmelding/{links.registration_token(person)}/deelnamebewijs.pdf")
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "nl"
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts)


def test_partial_attendance_of_a_series_names_the_dagdelen_attended_and_says_so(client, app, held):
    lead, (full, partial, absent) = held(parts=3, people=[{}, {}, {}], present={0: [0, 1, 2], 1: [1]})
    parts = lead.all_parts
    body = pdf_of(client, partial)
    assert "Gedeeltelijke deelname: 1 van de 3 dagdelen" in body
    with app.test_request_context():
        assert long_date(parts[1].starts_at) in body
        assert long_date(parts[0].starts_at) not in body and long_date(parts[2].starts_at) not in body
    assert "3,5 uur" in body
    whole = pdf_of(client, full)
    assert "Gedeeltelijk" not in whole and "10,5 uur" in whole
    assert certificates.certificate_of(absent) is None
    assert client.get(f"/aanmelding/{links.registration_token(absent)}/deelnamebewijs.pdf").status_code == 404


def test_issued_once_attendance_is_saved_for_every_dagdeel_and_mailed_with_a_link(plan, make_training):
    lead = make_training(parts=2)
    with unit_of_work():
        person = services.register(lead, applicant(1))
    first, second = lead.all_parts
    begin(first, hours_ago=30)
    begin(second, hours_ago=4)
    with unit_of_work():
        services.mark_attendance(first, {person.id}, plan.coordinator)
    assert certificates.certificate_of(person) is None and certificate_mails() == []
    with unit_of_work():
        services.mark_attendance(second, set(), plan.coordinator)
    assert certificates.certificate_of(person) is not None
    (mail,) = certificate_mails()
    assert mail.recipient == person.email and mail.calendar_method is None
    link = mail.context["person"]["link"]
    assert link.endswith("/deelnamebewijs.pdf")
    assert links.registration_for_token(link.split("/aanmelding/")[1].split("/")[0]) == person
    with unit_of_work():  # saving again issues nothing twice
        services.mark_attendance(second, set(), plan.coordinator)
    assert len(certificate_mails()) == 1
    with unit_of_work():  # nobody present after all: the certificate is withdrawn
        services.mark_attendance(first, set(), plan.coordinator)
    assert certificates.certificate_of(person) is None


def test_the_verification_page_shows_name_training_and_date_only(client, app, held):
    lead, (zoe,) = held(people=[{**BIG, "organisation": "Jeugdteam Oost", "function": "Jeugdarts"}])
    code = certificates.certificate_of(zoe).code
    response = client.get(f"/deelnamebewijs/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["X-Robots-Tag"] == "noindex, nofollow"
    page = text(html)
    assert "Zoë Ïmkamp" in page and lead.title in page
    with app.test_request_context():
        assert long_date(lead.starts_at) in page
    for private in ("19012345601", zoe.email, "Jeugdteam Oost", "Jeugdarts"):
        assert private not in page


def test_tampered_forged_and_expired_codes(client, held):
    _lead, (zoe,) = held(people=[BIG])
    certificate = certificates.certificate_of(zoe)
    code = certificate.code
    assert client.get(f"/deelnamebewijs/{code[:-2]}xy").status_code == 404
    assert client.get(f"/deelnamebewijs/{make_token('certificate', certificate.id + 1000)}").status_code == 404
    assert client.get(f"/deelnamebewijs/{make_token('registration', certificate.id)}").status_code == 404
    # a second genuine signature of the same id is not the code that was issued
    assert client.get(f"/deelnamebewijs/{make_token('certificate', certificate.id)}x").status_code == 404
    expires = certificates.expires_at(zoe.meeting)
    assert expires - max(p.ends_at for p in zoe.meeting.all_parts) >= timedelta(days=365)
    assert certificates.verify(code, now=expires - timedelta(minutes=1)) == certificate
    for part in zoe.meeting.all_parts:
        part.starts_at -= timedelta(days=400)
        part.ends_at -= timedelta(days=400)
    db.session.commit()
    response = client.get(f"/deelnamebewijs/{code}")
    assert response.status_code == 410 and "Zoë" not in response.get_data(as_text=True)


def test_no_certificate_behind_a_tampered_link(client, held):
    _lead, (zoe,) = held(people=[BIG])
    token = links.registration_token(zoe)
    assert client.get(f"/aanmelding/{token}x/deelnamebewijs.pdf").status_code == 404
    assert db.session.scalar(select(Certificate.id)) is not None
