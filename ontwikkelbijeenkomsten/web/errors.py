"""Friendly error pages (400, 403, 404, 405, 410, 413, 429, 500, 503 and an expired form) with the right status.

A database that cannot be reached (stopped, restarting, unreachable, out of connections) is a
503 with `Retry-After`, not a 500: it is not a bug and a later attempt works. The pool's
pre-ping replaces dead connections, so the app recovers by itself when the database is back.
"""
from __future__ import annotations

from flask import Flask, current_app, g, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc

from ontwikkelbijeenkomsten.core.extensions import db, login_manager

#: Seconds a client is asked to wait before trying again while the database is unavailable.
RETRY_AFTER = 30
#: What a database that cannot be reached raises (a refused or dropped connection, a full pool).
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


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


def database_unavailable(error):
    current_app.logger.error("The database cannot be reached: %s", error)
    try:
        db.session.close()  # the failed transaction and its connection go; the next request starts clean
    except Exception:  # the page must render even when closing fails too
        pass
    # The layout shows the logged-in user, whose lookup needs the database: show the page as to
    # a visitor. Flask-Login keeps the user of this request in `g`, so this holds for it only.
    g._login_user = login_manager.anonymous_user()
    page, code = _page(503)
    return page, code, {"Retry-After": str(RETRY_AFTER)}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    for code in (400, 403, 404, 405, 410, 413, 429):
        app.register_error_handler(code, lambda error, code=code: _page(code))
    app.register_error_handler(500, server_error)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)
