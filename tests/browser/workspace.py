"""The coordinator's two-column pages (the request page, a session's page): where the details and
the actions panel sit at desktop width and on a phone."""
from __future__ import annotations

from .viewports import NARROW

DETAILS, ACTIONS = ".ob-workspace__details", ".ob-workspace__actions"


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def assert_actions_beside_the_details(page) -> None:
    """At 1280 px: the actions panel is a column to the right of the details, level with their top."""
    details, actions = box(page, DETAILS), box(page, ACTIONS)
    assert actions["x"] >= details["x"] + details["width"]
    assert abs(actions["y"] - details["y"]) < 2
    assert actions["width"] >= 280 and details["width"] > actions["width"]


def assert_one_column_without_sideways_scroll(page) -> None:
    """At 390 px: details, then the actions below them, and nothing wider than the screen."""
    details, actions = box(page, DETAILS), box(page, ACTIONS)
    assert actions["y"] >= details["y"] + details["height"]
    assert abs(actions["x"] - details["x"]) < 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]
