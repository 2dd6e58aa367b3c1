"""The two widths every page is checked at: a desktop (1280 px) and a phone (390 px)."""
from __future__ import annotations

import pytest

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}

#: Runs a test once at each width, with the size as its `viewport` argument.
each_width = pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])


def fits(page) -> None:
    """The page scrolls only down at the width it is shown at, never sideways."""
    width = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, f"{page.url} is wider than {width} px"
