"""The availability editor and the coordinators' grid in a real browser: keyboard and axe."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.experts.models import Availability

from .keyboard import check_box, focused_matches, log_in_as_coordinator, tab_to, type_date
from .viewports import each_width

EXPERT_EMAIL = "m.jansen@example.org"


def expert_id() -> int:
    found = db.session.scalar(select(User.id).where(User.email == EXPERT_EMAIL))
    db.session.commit()  # end the read: on SQLite it would hold up the server's writes
    return found


def evenings(user_id: int, start, end) -> int:
    count = db.session.scalar(
        select(func.count()).select_from(Availability).where(
            Availability.expert_id == user_id, Availability.dagdeel == Dagdeel.AVOND,
            Availability.date.between(start, end),
        )
    )
    db.session.commit()
    return count


def log_in_as_expert(page, demo) -> None:
    page.goto("/inloggen")
    page.locator("#email").fill(EXPERT_EMAIL)
    page.locator("#password").fill(demo.DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.locator(".ob-nav__logout")).to_be_visible()


def test_an_expert_toggles_a_slot_with_the_keyboard_and_applies_a_rule(page, demo, axe_check):
    user_id = expert_id()
    log_in_as_expert(page, demo)
    day = today_local() + timedelta(days=8)
    page.goto(f"/experts/{user_id}/beschikbaarheid?maand={day:%Y-%m}")
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)

    button = f"#slot-{day.isoformat()}-avond"
    expect(page.locator(button)).to_have_attribute("aria-pressed", "false")
    tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**#day-{day.isoformat()}")
    expect(page.locator(button)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".ob-alert")).to_be_visible()
    assert evenings(user_id, day, day) == 1
    # The page comes back at the day: the next Tab stays in that day's cell.
    page.keyboard.press("Tab")
    assert focused_matches(page, f"#day-{day.isoformat()} button")

    start = today_local() + timedelta(days=70)  # after the demo's availability
    end = start + timedelta(days=13)  # two Mondays and two Wednesdays
    page.locator("#rule-start").fill(start.isoformat())
    page.locator("#rule-end").fill(end.isoformat())
    for checkbox in ("#rule-weekdays-0", "#rule-weekdays-2", "#rule-dagdelen-2"):
        tab_to(page, checkbox)
        page.keyboard.press("Space")
        expect(page.locator(checkbox)).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    expect(page.locator(".ob-alert")).to_contain_text("4")
    assert evenings(user_id, start, end) == 4
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_rule_errors_are_accessible(page, demo, axe_check):
    user_id = expert_id()
    log_in_as_expert(page, demo)
    page.goto(f"/experts/{user_id}/beschikbaarheid")
    start = today_local() + timedelta(days=10)
    page.locator("#rule-start").fill(start.isoformat())
    page.locator("#rule-end").fill((start - timedelta(days=2)).isoformat())
    page.locator("#rule-weekdays-1").check()
    page.get_by_role("button", name="Weekpatroon opslaan").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#rule-end-error")).to_be_visible()
    expect(page.locator("#rule-dagdelen-error")).to_be_visible()
    expect(page.locator("#rule-start")).to_have_value(start.isoformat())
    expect(page.locator("#rule-weekdays-1")).to_be_checked()
    axe_check(page)

    page.locator("#block-start").fill(start.isoformat())
    page.locator("#block-end").fill((start + timedelta(days=400)).isoformat())
    page.locator("#block-end").press("Enter")
    expect(page.locator("#block-end-error")).to_be_visible()
    axe_check(page)


def test_the_coordinators_grid_links_to_the_experts(page, demo, axe_check):
    log_in_as_coordinator(page, demo)
    page.goto("/coordinatie/beschikbaarheid")
    expect(page.locator("tbody tr")).to_have_count(28)
    axe_check(page)

    tab_to(page, "td.ob-heat a")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash.length > 1")  # the in-page jump may lag the key press
    target = page.url.split("#", 1)[1]
    expect(page.locator(f"#{target} + ul a").first).to_be_visible()
    name = page.locator(f"#{target} + ul a").first.inner_text()
    page.locator(f"#{target} + ul a").first.click()
    page.wait_for_url("**/beschikbaarheid?maand=*")
    expect(page.locator("h1")).to_contain_text(name)

    page.goto("/coordinatie/beschikbaarheid?van=2027-01-01&tot=2027-06-01")
    expect(page.locator("#tot-error")).to_be_visible()
    axe_check(page)


@pytest.mark.backends("sqlite")
@each_width
def test_an_expert_saves_and_removes_a_weekly_pattern_by_keyboard(page, demo, axe_check, viewport):
    page.set_viewport_size(viewport)
    user_id = expert_id()
    log_in_as_expert(page, demo)
    start = today_local() + timedelta(days=120)  # after the demo's availability
    end = start + timedelta(days=27)  # four Tuesdays
    page.goto(f"/experts/{user_id}/beschikbaarheid?maand={start:%Y-%m}")
    type_date(page, "#rule-start", start)
    type_date(page, "#rule-end", end)
    check_box(page, "#rule-weekdays-1")
    check_box(page, "#rule-dagdelen-2")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    expect(page.locator(".ob-alert")).to_contain_text("Weekpatroon opgeslagen: elke dinsdag, avond")
    expect(page.locator("#patterns")).to_contain_text("Elke dinsdag, avond")
    assert evenings(user_id, start, end) == 4
    expect(page.locator(".ob-slot__button--pattern").first).to_be_visible()
    axe_check(page)

    remove = "#patterns button"
    expect(page.locator(remove)).to_have_accessible_name(re.compile(r"^Verwijderen ?: elke dinsdag, avond"))
    tab_to(page, remove)
    page.keyboard.press("Enter")
    page.wait_for_url("**#patterns-title")
    expect(page.locator(".ob-alert")).to_contain_text("4 dagdelen vanaf vandaag verwijderd")
    assert evenings(user_id, start, end) == 0
    expect(page.locator("#patterns")).to_have_count(0)
    axe_check(page)
