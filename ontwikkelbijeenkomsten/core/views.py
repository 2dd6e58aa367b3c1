"""The public site pages: home, privacy, accessibility statement, language choice, health check."""
from __future__ import annotations

from datetime import date
from email.utils import parseaddr

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from ..extensions import db
from .urls import is_safe_local_path

bp = Blueprint("core", __name__)

#: The date the accessibility statement was last reviewed; update it with the statement.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 22)


@bp.app_context_processor
def _site_context() -> dict:
    """Values every page may show: the contact address, and checks for pages that come later."""
    return {
        "contact_email": contact_email(),
        "endpoint_exists": lambda name: name in current_app.view_functions,
        "path_exists": path_exists,
    }


def path_exists(path: str) -> bool:
    """True when a GET of `path` reaches a view (so the menu shows no link to a missing page)."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return False
    return True


def contact_email() -> str:
    """CONTACT_EMAIL when configured, else the address of MAIL_DEFAULT_SENDER."""
    configured = current_app.config.get("CONTACT_EMAIL")
    if configured:
        return configured
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    if isinstance(sender, (tuple, list)):
        return sender[1] if len(sender) > 1 else ""
    return parseaddr(sender)[1]


@bp.get("/")
def home():
    return render_template("core/home.html")


@bp.get("/privacy")
def privacy():
    return render_template("core/privacy.html")


@bp.get("/toegankelijkheid")
def accessibility():
    return render_template("core/accessibility.html", statement_date=ACCESSIBILITY_STATEMENT_DATE)


@bp.post("/taal")
def set_language():
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated and current_user.locale != locale:
        current_user.locale = locale
        db.session.commit()
    target = request.form.get("next", "")
    if not _is_plain_local_path(target):
        target = url_for("core.home")
    return redirect(target)


def _is_plain_local_path(target: str) -> bool:
    """A path on this site without control characters (no header tricks, no other host)."""
    return is_safe_local_path(target) and not any(ord(char) < 32 or ord(char) == 127 for char in target)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        current_app.logger.warning("Health check: the database does not answer", exc_info=True)
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
