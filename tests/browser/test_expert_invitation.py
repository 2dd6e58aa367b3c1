"""The round trip of issue 4, by keyboard: invite an expert, set the password with the mailed
link, log in as the expert and set a rule; the slots are in the database."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.experts.models import Availability
from ontwikkelbijeenkomsten.mail.models import OutboxMail

from .keyboard import check_box, log_in_as_coordinator, tab_to, type_date, type_into

EMAIL = "f.dewit@example.org"
PASSWORD = "haar eigen zomerse zin"  # not her name: the password rule refuses that
SUBMIT = 'main form button[type="submit"]'


def press(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def log_out(page) -> None:
    press(page, ".ob-nav__logout button")
    expect(page.get_by_role("link", name="Inloggen").first).to_be_visible()


def invitation_path(live_server) -> str:
    body = db.session.scalars(select(OutboxMail.text_body).where(OutboxMail.recipient == EMAIL)).one()
    db.session.rollback()  # SQLite: an open transaction here would hold the server's writes back
    return re.search(re.escape(live_server.url) + r"(/uitnodiging/\S+)", body).group(1)


def test_invite_accept_log_in_and_set_a_rule(page, live_server, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto("/coordinatie/experts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Experts")
    expect(page.locator("tbody tr")).to_have_count(3)
    axe_check(page)

    press(page, 'main a[href="/coordinatie/experts/uitnodigen"]')
    page.wait_for_url("**/coordinatie/experts/uitnodigen")
    press(page, SUBMIT)  # empty: every missing field is named
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.locator("#theme_ids-error")).to_be_visible()
    axe_check(page)

    type_into(page, "#name", "Fleur de Wit")
    type_into(page, "#email", EMAIL)
    check_box(page, "#theme_ids-0")
    press(page, SUBMIT)  # no region yet
    expect(page.locator("#region_ids-error")).to_be_visible()
    expect(page.locator("#name")).to_have_value("Fleur de Wit")
    axe_check(page)
    check_box(page, "#serves_all_regions")
    press(page, SUBMIT)
    expect(page.get_by_role("status")).to_contain_text("Fleur de Wit is uitgenodigd.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fleur de Wit")
    expect(page.locator("main")).to_contain_text("Uitgenodigd")
    axe_check(page)
    log_out(page)

    page.goto(invitation_path(live_server))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel uw wachtwoord in")
    axe_check(page)
    type_into(page, "#password", PASSWORD)
    type_into(page, "#confirm", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Welkom, Fleur de Wit.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn profiel")
    axe_check(page)
    log_out(page)

    page.goto("/inloggen")
    type_into(page, "#email", EMAIL)
    type_into(page, "#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/experts/*/opdrachten")
    expert_id = int(re.search(r"/experts/(\d+)/", page.url).group(1))
    assert db.session.scalar(select(User.id).where(User.email == EMAIL)) == expert_id
    db.session.rollback()

    page.goto(f"/experts/{expert_id}/beschikbaarheid")
    start = today_local() + timedelta(days=7 + (7 - today_local().weekday()) % 7)  # a Monday
    end = start + timedelta(days=27)
    type_date(page, "#rule-start", start)
    type_date(page, "#rule-end", end)
    for weekday in ("1", "3"):  # Tuesday, Thursday
        check_box(page, f'input[name="rule-weekdays"][value="{weekday}"]')
    check_box(page, 'input[name="rule-dagdelen"][value="ochtend"]')
    expect(page.get_by_role("button", name="Weekpatroon opslaan")).to_be_visible()
    press(page, 'form[action*="/beschikbaarheid/regel"] button[type="submit"]')
    expect(page.get_by_role("status")).to_be_visible()

    expected = {(start + timedelta(days=n), Dagdeel.OCHTEND) for n in range(28)
                if (start + timedelta(days=n)).weekday() in (1, 3)}
    slots = set(db.session.execute(
        select(Availability.date, Availability.dagdeel).where(Availability.expert_id == expert_id)
    ).tuples())
    db.session.rollback()
    assert len(expected) == 8
    assert slots == expected
