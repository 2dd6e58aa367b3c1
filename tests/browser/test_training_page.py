"""Issue 18, item 6: registering is no longer buried. A training's page shows "Aanmelden – nog N
plaatsen" with a way to the form in the first screen: at 1280 px in a column beside the details
that stays in view while scrolling, at 390 px right after the title, with no sideways scroll.
Reached by keyboard, checked with axe."""
from __future__ import annotations

from playwright.sync_api import expect

from .keyboard import tab_to
from .test_registration import seed

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}


def in_view(page, selector: str, size: dict) -> bool:
    """The whole element lies inside the viewport (its box is relative to it)."""
    box = page.locator(selector).bounding_box()
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] + box["width"] <= size["width"]


def test_at_1280_px_the_block_is_beside_the_details_and_stays_in_view(page, live_server, axe_check):
    data = seed(live_server)
    page.set_viewport_size(WIDE)
    page.goto(f"/agenda/{data.training_id}")
    expect(page.locator("#signup-title")).to_have_text("Aanmelden – nog 4 plaatsen")
    assert in_view(page, "#signup", WIDE) and in_view(page, "#to-register", WIDE)
    block, details = page.locator("#signup").bounding_box(), page.locator("#details").bounding_box()
    assert block["x"] >= details["x"] + details["width"], "the block is in a column beside the details"
    axe_check(page)

    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 600")  # the form is well below the first screen
    assert in_view(page, "#signup", WIDE), "the block stays in view while scrolling"

    page.evaluate("() => window.scrollTo(0, 0)")
    tab_to(page, "#to-register")
    page.keyboard.press("Enter")
    expect(page.locator("#register-title")).to_be_in_viewport()
    tab_to(page, "#name", limit=5)  # the next stop after the jump is the form's first field
    axe_check(page)


def test_at_390_px_the_block_follows_the_title_in_the_first_screen(page, live_server, axe_check):
    data = seed(live_server)
    page.set_viewport_size(NARROW)
    page.goto(f"/agenda/{data.training_id}")
    assert in_view(page, "#signup", NARROW), "the block, with its button, is in the first screen"
    title, block = page.locator("h1").bounding_box(), page.locator("#signup").bounding_box()
    assert title["y"] < block["y"] < page.locator("#details").bounding_box()["y"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]
    axe_check(page)

    tab_to(page, "#to-register")
    page.keyboard.press("Enter")
    expect(page.locator("#register-title")).to_be_in_viewport()
    tab_to(page, "#name", limit=5)
