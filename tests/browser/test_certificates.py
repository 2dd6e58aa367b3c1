"""Issue 16: a professional registers with an SKJ number, the coordinator marks attendance, the
participant downloads the certificate from their own page and opens the verification page, and
types the code in the lookup form. axe on every page, also with the errors showing."""
from __future__ import annotations

import io
from datetime import timedelta

import pypdf
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings import links
from ontwikkelbijeenkomsten.meetings.models import Meeting, Registration
from tests import factories
from tests.factories import make_expert

from .keyboard import type_into
from .test_participants import COORDINATOR, EXPERT, _training
from .test_scheduling import log_in, press


def seed(live_server) -> int:
    with live_server.app.app_context():
        factories.period()
        (theme,) = factories.themes(1)
        factories.coordinator(COORDINATOR)
        expert = make_expert(EXPERT, "Eva Jansen", [theme])
        db.session.commit()
        meeting_id = _training("Signaleren – één aanpak", 30, 10, expert).id
        db.session.remove()
    return meeting_id


def into_the_past(live_server, meeting_id: int) -> str:
    """Let the training take place; returns the participant's private page."""
    with live_server.app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        for name in ("starts_at", "ends_at"):
            setattr(meeting, name, getattr(meeting, name) - timedelta(days=40))
        meeting.date -= timedelta(days=40)
        db.session.commit()
        token = links.registration_token(db.session.scalar(select(Registration)))
        db.session.remove()
    return f"/aanmelding/{token}"


def test_register_with_a_number_attend_download_and_verify(page, live_server, axe_check):
    meeting_id = seed(live_server)
    page.goto(f"/agenda/{meeting_id}")
    type_into(page, "#name", "Zoë Ïmkamp")
    type_into(page, "#email", "zoe@example.org")
    type_into(page, "#organisation", "Jeugdteam Oost")
    page.check('input[name="sector"][value="jeugdhulp"]')
    type_into(page, "#function", "Jeugdprofessional")
    page.select_option("#professional_register", "skj")
    type_into(page, "#register_number", "1234")
    page.check("#consent")
    press(page, "#register-button")
    expect(page.locator("#register_number-error")).to_be_visible()
    expect(page.locator("#register_number")).to_have_value("1234")
    axe_check(page)
    type_into(page, "#register_number", "110 012 345")
    page.check("#consent")
    press(page, "#register-button")
    expect(page.locator("#register-number")).to_contain_text("110012345")
    axe_check(page)

    private = into_the_past(live_server, meeting_id)
    log_in(page, COORDINATOR)
    page.goto(f"/bijeenkomsten/{meeting_id}/deelnemers")
    page.check('input[name="attendance-present"]')
    press(page, 'form[action$="/aanwezigheid"] button[type="submit"]')
    expect(page.get_by_role("status")).to_be_visible()
    press(page, "#accreditation-link")
    expect(page.locator("#exports")).to_contain_text("SKJ")
    axe_check(page)
    page.goto(f"/bijeenkomsten/{meeting_id}/deelnemers")
    press(page, 'tr[id^="registration-"] th a')
    expect(page.locator("#register_number")).to_have_value("110012345")
    axe_check(page)

    page.goto(private)
    expect(page.locator("#certificate-link")).to_be_visible()
    axe_check(page)
    pdf = page.request.get(page.locator("#certificate-link").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    body = " ".join(pypdf.PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().split())
    assert "Zoë Ïmkamp" in body and "110012345" in body and "Signaleren – één aanpak" in body

    press(page, "#verification-link")
    expect(page.locator("#verified-name")).to_have_text("Zoë Ïmkamp")
    expect(page.locator("#verified-title")).to_have_text("Signaleren – één aanpak")
    expect(page.locator("main")).not_to_contain_text("110012345")
    axe_check(page)

    code = page.url.rsplit("/", 1)[1]
    page.goto("/deelnamebewijs")
    axe_check(page)
    type_into(page, "#code", code[:-3] + "xyz")
    press(page, "#lookup-button")
    expect(page.locator("#code-error")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        axe_check(page)
    type_into(page, "#code", f"  {code} ")
    press(page, "#lookup-button")
    expect(page.locator("#verified-name")).to_have_text("Zoë Ïmkamp")


def test_someone_marked_absent_reads_why_no_certificate_comes(page, live_server, axe_check):
    from ontwikkelbijeenkomsten.accounts.models import User
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.meetings import services

    meeting_id = seed(live_server)
    with live_server.app.app_context():
        with unit_of_work():
            services.register(db.session.get(Meeting, meeting_id), factories.applicant(1))
        db.session.remove()
    private = into_the_past(live_server, meeting_id)
    with live_server.app.app_context():
        coordinator = db.session.scalar(select(User).where(User.email == COORDINATOR))
        with unit_of_work():
            services.mark_attendance(db.session.get(Meeting, meeting_id), set(), coordinator)
        db.session.remove()
    page.goto(private)
    expect(page.locator("#absent")).to_contain_text("afwezig")
    expect(page.locator("#register-number-button")).to_have_count(0)
    expect(page.locator("#absent-contact")).to_contain_text("Was u er toch?")
    axe_check(page)
