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

from ontwikkelbijeenkomsten.accounts.services import set_locale
from ontwikkelbijeenkomsten.core import retention
from ontwikkelbijeenkomsten.core.health import database_state
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import is_safe_local_path
from ontwikkelbijeenkomsten.mail.delivery import delivery_state

bp = Blueprint("core", __name__)

#: The date the accessibility statement was last reviewed; update it with the statement.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 22)


@bp.app_context_processor
def _site_context() -> dict:
    """The contact address every page may show."""
    return {"contact_email": contact_email()}


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
    return render_template("core/privacy.html", rules=retention.RULES, in_force=retention.months_in_force())


@bp.get("/toegankelijkheid")
def accessibility():
    return render_template("core/accessibility.html", statement_date=ACCESSIBILITY_STATEMENT_DATE)


@bp.post("/taal")
def set_language():
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        with unit_of_work():
            set_locale(current_user, locale)
    target = request.form.get("next", "")
    return redirect(target if is_safe_local_path(target) else url_for("core.home"))


@bp.get("/healthz")
def healthz():
    state = database_state()
    if state["database"] != "ok":
        current_app.logger.warning("Health check: the database does not answer")
        return jsonify(status="error", **state), 503
    # The site works without the worker: "late" is for the operator's monitoring, not a 503.
    try:
        with unit_of_work():
            mail = delivery_state()
    except Exception:  # no outbox table yet (schema "unknown" or "outdated")
        mail = "unknown"
    return jsonify(status="ok", **state, mail=mail)
