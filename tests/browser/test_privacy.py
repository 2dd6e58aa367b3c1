"""Issue 15 in a real browser: a coordinator looks a person up, downloads their data, and erases
it after confirming; the person's place goes to the next on the waiting list. axe on each step."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.meetings.models import Registration, RegistrationState
from ontwikkelbijeenkomsten.privacy import person
from tests import factories
from tests.factories import applicant, make_expert

from .keyboard import tab_to, type_into
from .test_participants import _training
from .test_scheduling import log_in

COORDINATOR, ILSE = "coordinator@example.org", "ilse@example.org"


def _seed(live_server) -> tuple[int, str]:
    """A full training (one place): Ilse has it, one person waits. Returns the waiting person's
    id and Ilse's private link."""
    with live_server.app.app_context():
        factories.period()
        (theme,) = factories.themes(1)
        factories.coordinator(COORDINATOR)
        expert = make_expert("expert@example.org", "Eva Jansen", [theme])
        db.session.commit()
        training = _training("Samen signaleren", 30, 1, expert)
        with unit_of_work():
            ilse = services.register(training, applicant(1, email=ILSE, name="Ilse Claessens", needs="Vegetarisch"))
            waiting = services.register(training, applicant(2))
        found = waiting.id, f"/aanmelding/{links.registration_token(ilse)}"
        db.session.remove()
    return found


def test_search_export_and_erase_a_person(page, live_server, axe_check):
    waiting_id, ilse_link = _seed(live_server)
    log_in(page, COORDINATOR)
    page.goto("/coordinatie/privacy")
    axe_check(page)

    type_into(page, "#email", "Ilse@Example.org")
    page.keyboard.press("Enter")
    expect(page.locator("#found-counts")).to_contain_text("1 aanmelding")
    expect(page.get_by_role("table")).to_contain_text("Samen signaleren")
    axe_check(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Downloaden als JSON").click()
    exported = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert exported["registrations"][0]["needs"] == "Vegetarisch"
    with page.expect_download() as summary:
        page.get_by_role("button", name="Samenvatting downloaden").click()
    assert "Ilse Claessens" in open(summary.value.path(), encoding="utf-8").read()

    page.get_by_role("button", name="Gegevens verwijderen").click()  # without confirming
    expect(page.locator("#error-summary")).to_contain_text("Vink het vakje aan")
    axe_check(page)

    tab_to(page, "#sure")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Gegevens verwijderen").click()
    expect(page.locator(".ob-alert[role=status]")).to_contain_text("1 persoon van de wachtlijst kreeg de plaats en heeft een e-mail gekregen.")
    axe_check(page)

    with live_server.app.app_context():
        assert not person.find(ILSE).found
        assert db.session.get(Registration, waiting_id).state is RegistrationState.CONFIRMED
        db.session.remove()

    page.goto(ilse_link)  # Ilse's own link now shows the removal page
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze gegevens zijn verwijderd")
    axe_check(page)


def test_the_retention_periods_and_the_register_of_processing(page, live_server, axe_check):
    _seed(live_server)
    log_in(page, COORDINATOR)
    page.goto("/coordinatie/privacy/bewaartermijnen")
    page.locator("#registrations").fill("99")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#error-summary")).to_contain_text("Kies tussen 3 en 36 maanden")
    axe_check(page)
    page.locator("#registrations").fill("6")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".ob-alert[role=status]")).to_contain_text("opgeslagen")

    page.goto("/privacy/verwerkingen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwerkingsregister")
    expect(page.locator("main")).to_contain_text("6 maanden na de bijeenkomst")
    axe_check(page)
    page.goto("/privacy")
    expect(page.locator("#retention-registrations")).to_contain_text("6 maanden")
    axe_check(page)
