"""Friendly error pages (400, 403, 404, 405, 413, 429, 500 and an expired form) with the right status."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ontwikkelbijeenkomsten.core.extensions import db


def _page(code: int, **context):
    return render_template(f"errors/{code}.html", **context), code


def csrf_error(error):
    return _page(
        400,
        message=_(
            "The form has expired or was sent twice. Go back, reload the page and try again."
        ),
    )


def server_error(error):
    try:
        db.session.close()  # a failed transaction must not break the page; the unit of work is gone
    except Exception:  # the page must render even when the database is gone
        pass
    try:
        return _page(500)
    except Exception:  # last resort when the templates themselves fail
        return "Er ging iets mis. Probeer het later nog eens. / Something went wrong.", 500


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda error, code=code: _page(code))
    app.register_error_handler(500, server_error)
