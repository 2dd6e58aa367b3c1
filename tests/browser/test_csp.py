"""The Content-Security-Policy in a real browser (issue 13, item 5): a visitor and a coordinator
go through the main pages of the demo, the scripts, the calendar links and the mail preview
frame keep working, and Chromium reports no violation of the policy."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.demo.services import DEMO_COORDINATOR_EMAIL, DEMO_PASSWORD
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind, Registration
from ontwikkelbijeenkomsten.regions.models import Region

#: Runs in every document before its own scripts; reports each violation to the test.
LISTEN = """document.addEventListener("securitypolicyviolation", (event) =>
    window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.href}`));"""


def demo_ids(live_server) -> SimpleNamespace:
    with live_server.app.app_context():
        training = db.session.scalars(
            select(Meeting).join(Registration, Registration.meeting_id == Meeting.id)
            .where(Meeting.kind == MeetingKind.OPEN_TRAINING, Meeting.series_id.is_(None))
            .order_by(Meeting.date.desc())).first()
        found = SimpleNamespace(
            training=training.id,
            region=db.session.execute(select(Region.id, Region.name).where(Region.code == "JZ41")).one(),
        )
        db.session.remove()
    return found


def latest_mail(live_server) -> int:
    with live_server.app.app_context():
        found = db.session.scalars(select(OutboxMail.id).order_by(OutboxMail.id.desc())).first()
        db.session.remove()
    return found


@pytest.fixture
def problems(page) -> list[str]:
    """Every CSP violation and console error on `page`, in the documents and in their frames."""
    found: list[str] = []
    page.expose_function("reportViolation", lambda text: found.append(text))
    page.add_init_script(LISTEN)
    page.on("console", lambda message: found.append(message.text) if message.type == "error" else None)
    return found


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.ok, f"{url}: {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


@pytest.mark.backends("sqlite")
def test_the_main_pages_keep_working_under_the_policy(page, problems, live_server, demo):
    ids = demo_ids(live_server)
    training = f"/agenda/{ids.training}"

    # A visitor: the home page, the agenda as a list and as a month, a training: registering, then
    # the calendar links on the participant's own page.
    for url in ("/", "/agenda", "/agenda?weergave=maand", training, "/inloggen", "/wachtwoord-vergeten", "/privacy",
                "/privacy/verwerkingen"):
        visit(page, url)
    visit(page, training)
    page.locator("#name").fill("Fatima el Amrani")
    page.locator("#email").fill("fatima@example.org")
    page.locator("#organisation").fill("Basisschool De Linde")
    page.locator("#sector-0").check()
    page.locator("#function").fill("Intern begeleider")
    page.locator("#consent").check()
    with page.expect_navigation():
        page.locator("#register-button").click()
    expect(page.locator("#cancel-button")).to_be_visible()  # the participant's private page, with the calendar links
    expect(page.locator("#add-to-calendar a[href^='https://calendar.google.com/']").first).to_be_visible()
    expect(page.locator("#add-to-calendar a[href^='https://outlook.']").first).to_be_visible()
    with page.expect_download() as download:
        page.locator("#ics-link").click()
    assert download.value.path().read_text("utf-8").startswith("BEGIN:VCALENDAR")

    # The request form's script: the search box chooses the region and says what it has left.
    visit(page, "/aanvragen")
    page.locator("#region-filter").fill(ids.region.name.lower())
    expect(page.locator("#region_id")).to_have_value(str(ids.region.id))
    expect(page.locator("#region-remaining")).to_contain_text("Uw regio heeft in deze periode nog")

    # A coordinator: the start page (the queue), the other lists, the participants and the presence list.
    visit(page, "/inloggen")
    page.locator("#email").fill(DEMO_COORDINATOR_EMAIL)
    page.locator("#password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    expect(page.locator(".ob-nav__logout")).to_be_visible()
    for url in ("/coordinatie/aanvragen", "/coordinatie/trainingen", "/coordinatie/regios", "/coordinatie/planning",
                "/coordinatie/beschikbaarheid", "/coordinatie/evaluaties", f"/bijeenkomsten/{ids.training}/deelnemers",
                "/coordinatie/privacy", "/coordinatie/privacy/bewaartermijnen"):
        visit(page, url)
    visit(page, f"/bijeenkomsten/{ids.training}/presentielijst")
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.locator("#print-button").click()
    assert page.evaluate("() => window.printed") is True

    # The mail pages, with the confirmation mail's HTML in its frame.
    visit(page, "/coordinatie/mail")
    visit(page, f"/coordinatie/mail/{latest_mail(live_server)}")
    expect(page.frame_locator("#html-body").locator("body")).to_contain_text("Ontwikkelbijeenkomsten")

    assert problems == []
