"""Security headers on every response, set by one after_request hook (README: "Security headers").

Scripts and styles come only from this site's own files: no inline scripts, event attributes or
style attributes in the templates. A view that sets one of these headers itself keeps its value:
the private pages keep `Referrer-Policy: no-referrer` (core.urls.private_page), and the mail
preview's framed document keeps the policy of `framed_by_this_site`.
"""
from __future__ import annotations

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # the favicon and the CSS's icons are data: URLs
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

#: An HTML document that only this site's pages show in a frame (the mail preview): its own
#: inline styles and images, no scripts, no forms, in a sandbox.
FRAMED_POLICY = "; ".join((
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    "sandbox",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
#: Only in production, which is served over HTTPS: browsers then refuse plain HTTP for a year.
HSTS = "max-age=31536000; includeSubDomains"


def framed_by_this_site(response: Response) -> Response:
    """Let this site's own pages, and no other site, show `response` in a frame."""
    response.headers["Content-Security-Policy"] = FRAMED_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["APP_ENV"] == "production":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
