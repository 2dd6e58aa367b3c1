"""Issue 18, item 14 in a real browser: "Stuur mijn link opnieuw" filled in by keyboard at 1280
and 390 px, with its error and its confirmation; the 404 and 403 pages, whose ways on the
keyboard reaches. Axe on every page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail

from .keyboard import tab_to, type_into
from .test_scheduling import EXPERT, log_in, seed
from .viewports import each_width

URL = "/link-kwijt"
CONTACT = "ilse@example.org"  # the contact of test_scheduling's request
SEND = "#send-links"


def no_sideways_scroll(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@each_width
def test_send_my_link_again_by_keyboard(page, live_server, axe_check, viewport):
    seed(live_server)
    page.set_viewport_size(viewport)
    page.goto(URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stuur mijn link opnieuw")
    no_sideways_scroll(page)
    axe_check(page)

    # nothing filled in: the error at the field, focus on the summary
    tab_to(page, SEND)
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#email-error")).to_contain_text("Vul uw e-mailadres in.")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    type_into(page, "#email", CONTACT)
    tab_to(page, SEND)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw e-mail")
    expect(page.locator("#lost-link-sent")).to_contain_text(CONTACT)
    no_sideways_scroll(page)
    axe_check(page)
    with live_server.app.app_context():
        sent = db.session.scalars(select(OutboxMail.recipient).where(OutboxMail.kind == "lost_links")).all()
        db.session.remove()
    assert sent == [CONTACT]

    # the confirmation leads on, by keyboard
    tab_to(page, 'main a[href="/agenda"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/agenda")


@pytest.mark.backends("sqlite")
@each_width
def test_the_404_and_403_pages_lead_on_by_keyboard(page, live_server, axe_check, viewport):
    seed(live_server)
    page.set_viewport_size(viewport)

    response = page.goto("/bestaat-niet")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_role("heading", level=2, name="Waar wilt u heen?")).to_be_visible()
    expect(page.locator("#ways-on a")).to_have_count(4)  # lost link, agenda, request form, contact
    no_sideways_scroll(page)
    axe_check(page)
    tab_to(page, f'#ways-on a[href="{URL}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{URL}")

    # an expert on a coordinator's page
    log_in(page, EXPERT)
    response = page.goto("/coordinatie/aanvragen")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("U hebt geen toegang tot deze pagina")
    no_sideways_scroll(page)
    axe_check(page)
    for link in (URL, "/agenda", "/aanvragen", "mailto:"):  # in the order of the page
        tab_to(page, f'#ways-on a[href^="{link}"]')
    page.reload()
    tab_to(page, '#ways-on a[href="/agenda"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/agenda")
