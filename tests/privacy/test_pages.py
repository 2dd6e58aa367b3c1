"""The privacy pages: a person's data for coordinators, the retention periods they set, the
public register of processing and the privacy statement's retention table."""
from __future__ import annotations

import json

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.retention import RULES, RetentionKind, months_in_force
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.privacy import person
from ontwikkelbijeenkomsten.privacy.register import PROCESSINGS
from tests.factories import applicant

ILSE = "ilse@example.org"


def _ilse(training):
    services.register(training, applicant(1, email=ILSE, name="Ilse Claessens"))
    db.session.commit()


def test_a_coordinator_looks_up_downloads_and_erases(plan, training, coordinator_client):
    _ilse(training)
    assert coordinator_client.get("/coordinatie/privacy").status_code == 200

    found = coordinator_client.post("/coordinatie/privacy", data={"email": "ILSE@example.org"})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "1 aanmelding" in page and training.title in page
    assert found.headers["Cache-Control"] == "private, no-store"

    exported = coordinator_client.post("/coordinatie/privacy/export.json", data={"email": ILSE})
    assert exported.headers["Content-Disposition"] == 'attachment; filename="persoonsgegevens.json"'
    assert json.loads(exported.get_data(as_text=True))["registrations"][0]["name"] == "Ilse Claessens"
    summary = coordinator_client.post("/coordinatie/privacy/export.txt", data={"email": ILSE}).get_data(as_text=True)
    assert "Aanmeldingen: 1" in summary and "Ilse Claessens" in summary

    unconfirmed = coordinator_client.post("/coordinatie/privacy/wissen", data={"email": ILSE})
    assert "Vink het vakje aan" in unconfirmed.get_data(as_text=True) and person.find(ILSE).found
    erased = coordinator_client.post("/coordinatie/privacy/wissen", data={"email": ILSE, "sure": "y"})
    assert erased.status_code == 302 and not person.find(ILSE).found
    audited = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("privacy.%"))
                                 .order_by(AuditEvent.id)).all()
    assert audited == ["privacy.viewed", "privacy.exported", "privacy.exported", "privacy.erased"]


def test_an_unknown_address_finds_nothing_and_a_bad_one_is_refused(app, coordinator_client):
    nothing = coordinator_client.post("/coordinatie/privacy", data={"email": "niemand@example.org"})
    assert "geen gegevens" in nothing.get_data(as_text=True)
    bad = coordinator_client.post("/coordinatie/privacy", data={"email": "geen adres"})
    assert bad.status_code == 200 and "naam@voorbeeld.nl" in bad.get_data(as_text=True)


def test_only_coordinators_see_a_persons_data(app, client, expert_client):
    assert client.get("/coordinatie/privacy").status_code == 302
    assert expert_client.get("/coordinatie/privacy").status_code == 403
    assert expert_client.post("/coordinatie/privacy/wissen", data={"email": ILSE, "sure": "y"}).status_code == 403
    assert expert_client.get("/coordinatie/privacy/bewaartermijnen").status_code == 403


def test_a_coordinator_sets_the_retention_periods_within_the_bounds(app, coordinator_client):
    values = {kind.value: months for kind, months in months_in_force().items()}
    refused = coordinator_client.post("/coordinatie/privacy/bewaartermijnen", data={**values, "registrations": "999"})
    assert refused.status_code == 200 and "Kies tussen 3 en 36 maanden" in refused.get_data(as_text=True)
    saved = coordinator_client.post("/coordinatie/privacy/bewaartermijnen", data={**values, "registrations": "6"})
    assert saved.status_code == 302
    assert months_in_force()[RetentionKind.REGISTRATIONS] == 6
    statement = coordinator_client.get("/privacy").get_data(as_text=True)
    assert "6 maanden na de bijeenkomst" in statement


def test_the_register_of_processing_is_public_and_shows_the_periods_in_force(app, client):
    page = client.get("/privacy/verwerkingen")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count('<h2 class="utrecht-heading-2"') == len(PROCESSINGS)
    assert "12 maanden na de bijeenkomst" in text and "Grondslag" in text and "SMTP" in text
    accounts = text.split("Accounts van coördinatoren en experts")[1].split("</dl>")[0]
    assert "Gesloten accounts van coördinatoren en experts</a>: 12 maanden nadat het account is gesloten" in accounts
    statement = client.get("/privacy").get_data(as_text=True)
    assert all(f'id="retention-{kind.value}"' in statement for kind in RULES)
    assert "/privacy/verwerkingen" in statement


def test_the_statement_names_everything_the_registration_form_asks(client):
    statement = client.get("/privacy").get_data(as_text=True)
    said = statement.split("Als u zich aanmeldt voor een bijeenkomst</h3>")[1].split("</p>")[0]
    for word in ("naam", "e-mailadres", "organisatie", "sector", "functie", "beroepsregister", "registratienummer",
                 "wensen", "aanwezig"):
        assert word in said


def test_the_summary_holds_the_register_number_and_an_experts_data(plan, training, coordinator_client):
    """The readable summary left out the professional register and its number, and everything
    about an expert but the account; the page did not lead to the expert's own page."""
    from ontwikkelbijeenkomsten.meetings.registers import Register

    services.register(training, applicant(1, email=ILSE, name="Ilse Claessens", register=Register.SKJ,
                                          register_number="123456789"))
    db.session.commit()
    summary = coordinator_client.post("/coordinatie/privacy/export.txt", data={"email": ILSE}).get_data(as_text=True)
    assert "SKJ" in summary and "123456789" in summary
    expert = plan.expert.email
    page = coordinator_client.post("/coordinatie/privacy", data={"email": expert}).get_data(as_text=True)
    assert f'href="/coordinatie/experts/{plan.expert.id}"' in page and "1 opdracht" in page
    summary = coordinator_client.post("/coordinatie/privacy/export.txt", data={"email": expert}).get_data(as_text=True)
    assert "Opdrachten: 1" in summary and training.title in summary


def test_after_erasing_the_message_says_whose_data_went_and_what_happened(plan, training, coordinator_client):
    """It said "1 aanmeldingen, 0 aanvragen" without the address, and left out the log; an
    active account is not erased at all (tests/privacy/test_accounts.py)."""
    _ilse(training)
    html = coordinator_client.post("/coordinatie/privacy/wissen", data={"email": ILSE, "sure": "y"},
                                   follow_redirects=True).get_data(as_text=True)
    assert "De persoonsgegevens van ilse@example.org zijn verwijderd: 1 aanmelding, " in html
    assert "regel in het logboek" in html or "regels in het logboek" in html
    assert "1 plaats of plek op de wachtlijst in een komende bijeenkomst is afgemeld." in html
    assert "aanmeldingen" not in html.split('role="status"')[1].split("</div>")[0]
    expert = coordinator_client.post("/coordinatie/privacy/wissen", data={"email": plan.expert.email, "sure": "y"},
                                     follow_redirects=True).get_data(as_text=True)
    assert "Het account van deze expert is nog actief." in expert and plan.expert.name == "Eva Jansen"


def test_before_erasing_a_contact_the_page_warns_about_requests_still_running(plan, coordinator_client):
    """Erasing the contact of a granted request left the region without mail about it, and the
    page did not say so or lead to the request."""
    page = coordinator_client.post("/coordinatie/privacy", data={"email": ILSE}).get_data(as_text=True)
    warning = page.split('id="running-requests"')[1].split("</div>")[0]
    assert "1 aanvraag van deze persoon loopt nog" in " ".join(warning.split())
    assert f'href="/coordinatie/aanvragen/{plan.request.id}"' in page


def test_the_summary_says_in_words_what_the_log_holds(plan, training, coordinator_client):
    """The log entries of the readable summary were codes: "request.submitted", "request.review"."""
    _ilse(training)
    summary = coordinator_client.post("/coordinatie/privacy/export.txt", data={"email": ILSE}).get_data(as_text=True)
    log = summary.split("Regels in het logboek")[1]
    assert "Aanvraag ingediend" in log and "In behandeling genomen" in log
    assert "request.submitted" not in log and "request.review" not in log


def test_the_statement_says_what_cancelling_keeps_for_how_long_and_how_to_have_it_erased(app, client, coordinator):
    """It said consent is withdrawn by cancelling, while a cancelled registration keeps name and
    address until its retention period ends: the text now says so, with the periods in force."""
    from ontwikkelbijeenkomsten.core.retention import set_months
    from ontwikkelbijeenkomsten.core.uow import unit_of_work

    with unit_of_work():
        set_months({RetentionKind.REGISTRATIONS: 6, RetentionKind.NEEDS: 2, RetentionKind.MAIL_BODIES: 4,
                    RetentionKind.AUDIT: 30}, actor=coordinator)
    statement = " ".join(client.get("/privacy").get_data(as_text=True).split())
    said = statement.split('id="after-cancelling">Als u zich afmeldt</h3>')[1].split("</p>")[0]
    assert "Als u zich afmeldt, wordt uw aanmelding niet gewist." in said
    assert "Uw naam, e-mailadres, organisatie, functie en registratienummer bewaren we tot 6 maanden na de bijeenkomst" in said
    assert "tot 2 maanden na de bijeenkomst" in said and "4 maanden na het versturen" in said and "30 maanden" in said
    assert "Wilt u dat we ze eerder wissen? Stuur dan een e-mail naar" in said and "mailto:" in said
    assert "U kunt die altijd intrekken door u af te melden. Dan sturen we u geen e-mails meer" in statement
    register = client.get("/privacy/verwerkingen").get_data(as_text=True)
    assert "De afgemelde aanmelding blijft bewaard tot het einde van de bewaartermijn" in register
