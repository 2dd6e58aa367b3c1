"""Friendly error pages (400, 403, 404, 429, 500 and an expired form) with the right status."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ..extensions import db


def _page(code: int, **context):
    return render_template(f"errors/{code}.html", **context), code


def bad_request(error):
    return _page(400)


def csrf_error(error):
    return _page(
        400,
        message=_(
            "The form has expired or was sent twice. Go back, reload the page and try again."
        ),
    )


def forbidden(error):
    return _page(403)


def not_found(error):
    return _page(404)


def too_many_requests(error):
    return _page(429)


def server_error(error):
    try:
        db.session.rollback()
    except Exception:  # the page must render even when the database is gone
        pass
    try:
        return _page(500)
    except Exception:  # last resort when the templates themselves fail
        return "Er ging iets mis. Probeer het later nog eens. / Something went wrong.", 500


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(400, bad_request)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(500, server_error)
