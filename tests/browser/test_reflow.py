"""Reflow (WCAG 1.4.10, issue 18, item 10): the coordinator's pages at 390 px scroll only down,
never sideways; tables become stacked rows, the navigation folds behind a menu button, and every
box that scrolls can be reached by keyboard and has a name. Checked with axe too.

A training's participant list, a registration's page and the presence list are among them."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail

from .keyboard import log_in_as_coordinator
from .viewports import NARROW, WIDE


PARTICIPANTS = 'a[href$="/deelnemers"]:has-text("Samen leren: signaleren en arrangeren")'

#: The pages, and for those reached through a list, the link on the list to follow (or the links,
#: one on each page in turn).
PAGES = [
    ("/coordinatie", None),
    ("/coordinatie/aanvragen", None),
    ("/coordinatie/aanvragen", 'tbody a[href*="/coordinatie/aanvragen/"]'),
    ("/coordinatie/planning", None),
    ("/coordinatie/trainingen", None),
    ("/coordinatie/trainingen", 'a[href*="/coordinatie/trainingen/"]:not([href$="/nieuw"])'),
    ("/coordinatie/regios", None),
    ("/coordinatie/regios", 'tbody a[href*="/coordinatie/regios/"]'),
    ("/coordinatie/periodes", None),
    ("/coordinatie/themas", None),
    ("/coordinatie/themas", 'tbody a[href*="/coordinatie/themas/"]'),
    ("/coordinatie/experts", None),
    ("/coordinatie/beschikbaarheid", None),
    ("/coordinatie/mail", None),
    ("/coordinatie/mail", 'tbody a[href*="/coordinatie/mail/"]'),
    # the demo training with a waiting list: its participants, one registration, the presence list
    ("/coordinatie/trainingen", (PARTICIPANTS,)),
    ("/coordinatie/trainingen", (PARTICIPANTS, '#waiting a[href*="/deelnemers/"]')),
    ("/coordinatie/trainingen", (PARTICIPANTS, "#presence-link")),
    # a session's page, with its actions panel
    ("/coordinatie/trainingen", 'a[href^="/coordinatie/bijeenkomsten/"]'),
]


@pytest.fixture
def coordinator_pages(page, demo, live_server):
    """Logged in as the demo's coordinator, with a mail in the outbox (the demo sends none)."""
    with live_server.app.app_context():
        db.session.add(OutboxMail(
            recipient="a.very.long.address.of.a.participant@basisschool-de-regenboog.example.org",
            subject="Aanmelding bevestigd: Samen signaleren in de regio, dagdeel 1 van 3",
            kind="registration_waiting", state=MailState.SENT, attempts=1,
            text_body="Beste deelnemer,\n\nUw pagina: https://ontwikkelbijeenkomsten.example.org/aanmelding/"
                      "eyJhbGciOiJIUzI1NiJ9.eyJyZWdpc3RyYXRpb24iOjQyLCJtZWV0aW5nIjo3fQ.c2lnbmF0dXJlLWxhbmc",
            html_body="<p>Beste deelnemer,</p>", calendar_method="REQUEST",
            calendar="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:meeting-7-dagdeel-1-of-3"
                     "@ontwikkelbijeenkomsten.example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
        db.session.commit()
        db.session.remove()
    log_in_as_coordinator(page, demo)
    return page


def scroll_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def open_page(page, url: str, link: str | tuple[str, ...] | None) -> str:
    page.goto(url)
    for selector in (link,) if isinstance(link, str) else link or ():
        page.goto(page.locator(selector).first.get_attribute("href"))
    return page.url


@pytest.mark.backends("sqlite")
def test_coordinator_pages_do_not_scroll_sideways_at_390_px(coordinator_pages, axe_check):
    page = coordinator_pages
    page.set_viewport_size(NARROW)
    too_wide = {}
    for url, link in PAGES:
        where = open_page(page, url, link)
        if scroll_width(page) > NARROW["width"]:
            too_wide[where] = scroll_width(page)
        axe_check(page)
    assert too_wide == {}, f"pages wider than 390 px: {too_wide}"


@pytest.mark.backends("sqlite")
def test_boxes_that_scroll_can_be_reached_by_keyboard_and_have_a_name(coordinator_pages, axe_check):
    page = coordinator_pages
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        for url, link in PAGES:
            open_page(page, url, link)
            unnamed = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter(el => el.scrollWidth > el.clientWidth + 1
                        && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
                .filter(el => el.tabIndex !== 0 || !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
                .map(el => el.outerHTML.slice(0, 80))""")
            assert unnamed == [], f"{page.url} at {size['width']} px: {unnamed}"


@pytest.mark.backends("sqlite")
def test_the_menu_folds_behind_a_button_at_390_px(coordinator_pages, axe_check):
    page = coordinator_pages
    page.set_viewport_size(NARROW)
    page.goto("/coordinatie/aanvragen")
    button = page.get_by_role("button", name="Menu")
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name="Periodes")).to_be_hidden()
    header = page.locator("header").bounding_box()
    assert header["height"] < 844 / 4, f"the header takes {header['height']} of 844 px"
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Periodes")).to_be_visible()
    axe_check(page)

    page.set_viewport_size(WIDE)
    page.reload()
    expect(page.get_by_role("link", name="Planning", exact=True)).to_be_visible()
    nav = page.locator(".ob-nav").bounding_box()
    assert nav["height"] < 120, f"the menu takes {nav['height']} px at 1280 px"


@pytest.mark.backends("sqlite")
def test_participant_pages_stack_their_tables_instead_of_scrolling_a_box_at_390_px(coordinator_pages):
    """The lists of people become a card per person, so no column hides in an inner scroller."""
    page = coordinator_pages
    page.set_viewport_size(NARROW)
    for url, link in [entry for entry in PAGES if isinstance(entry[1], tuple)]:
        open_page(page, url, link)
        scrollers = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(el => el.scrollWidth > el.clientWidth + 1
                    && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
            .map(el => el.outerHTML.slice(0, 120) + ` ${el.scrollWidth}/${el.clientWidth}`)""")
        assert scrollers == [], f"{page.url}: {scrollers}"
        for table in page.locator("main table.ob-cards").all():
            expect(table.locator("tbody tr").first).to_have_css("display", "block")
        for table in page.locator('main table.ob-cards[data-labels]').all():  # labels copied from the heads
            expect(table).to_have_attribute("data-labels", "done")
            expect(table.locator("tbody tr td").last).to_have_attribute("data-label", re.compile(r"\w"))
            expect(table.locator("thead")).to_have_css("position", "absolute")  # the legend is for no JavaScript
    expect(page.locator("#presence tbody .ob-presence__signature").first).to_be_hidden()  # for paper only
