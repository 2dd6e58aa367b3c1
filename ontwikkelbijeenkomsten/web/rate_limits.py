"""The page for a rate limit that was hit: the real wait and the contact address, and for a form
that was sent, that form again with what was typed (README "Rate limits").

A view whose form is worth keeping registers how to show it with `@form_again_when_limited`;
the 429 handler then renders that page, with the notice at the top, instead of the error page.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, render_template, request

from ..core.extensions import limiter

#: endpoint → a function that renders the form page again (from request.form) with `limited`.
_FORM_PAGES: dict[str, Callable[["Wait"], str]] = {}


@dataclass(frozen=True)
class Wait:
    """How long until the limit that was hit lets the next attempt through."""

    seconds: int
    until: datetime

    @property
    def minutes(self) -> int:
        return max(round(self.seconds / 60), 1)

    @property
    def hours(self) -> int:
        return round(self.seconds / 3600)


def current_wait() -> Wait:
    limit = limiter.current_limit
    reset_at = limit.reset_at if limit is not None and limit.breached else time.time() + 60
    return Wait(seconds=max(math.ceil(reset_at - time.time()), 1), until=datetime.fromtimestamp(reset_at, UTC))


def form_again_when_limited(endpoint: str):
    """Register the decorated `render(wait)` as the page for a POST to `endpoint` over its limit."""
    def register(render: Callable[[Wait], str]):
        _FORM_PAGES[endpoint] = render
        return render
    return register


def too_many_attempts(error):
    wait = current_wait()
    render = _FORM_PAGES.get(request.endpoint) if request.method == "POST" else None
    page = render(wait) if render else render_template("errors/429.html", wait=wait)
    return page, 429, {"Retry-After": str(wait.seconds)}


def init_app(app: Flask) -> None:
    app.register_error_handler(429, too_many_attempts)
