"""The public pages and the login form in a real browser: WCAG 2.1 A/AA by axe, keyboard, login."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .viewports import WIDE

PUBLIC_PAGES = ["/", "/inloggen", "/privacy", "/toegankelijkheid"]


def submit_login(page, email: str = "", password: str = "") -> None:
    page.goto("/inloggen")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def test_the_demo_coordinator_logs_in_with_the_form(page, demo):
    submit_login(page, demo.DEMO_COORDINATOR_EMAIL, demo.DEMO_PASSWORD)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert not page.url.endswith("/inloggen")


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_wcag_violations(page, axe_check, path):
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    expect(page.locator("main")).to_have_count(1)
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_the_home_page_steps_are_cards_side_by_side_on_a_wide_screen(page):
    page.set_viewport_size(WIDE)
    page.goto("/")
    steps = page.locator(".ob-steps").first
    expect(steps).to_have_css("display", "grid")
    first, second = (step.bounding_box() for step in steps.locator(".ob-step").all())
    assert first["y"] == second["y"] and second["x"] > first["x"]


@pytest.mark.backends("sqlite")
def test_login_errors_for_an_empty_form_have_no_wcag_violations(page, axe_check):
    submit_login(page)
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_login_errors_for_a_wrong_password_have_no_wcag_violations(page, axe_check, demo):
    submit_login(page, demo.DEMO_COORDINATOR_EMAIL, "niet-het-wachtwoord")
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    axe_check(page)


@pytest.mark.backends("sqlite")
def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    expect(skip_link).to_be_visible()
    assert skip_link.evaluate("el => el.tagName") == "A"
    assert (skip_link.get_attribute("href") or "").startswith("#"), "the first Tab stop is not a skip link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.closest('main') !== null"), (
        "after Enter on the skip link the focus is not in <main>: "
        + page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    )
