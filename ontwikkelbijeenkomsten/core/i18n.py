"""Locale choice (Dutch by default, English selectable) and date formatting in Europe/Amsterdam."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_login import current_user

from .audit import actor_words
from .config import TIMEZONE
from .time import Dagdeel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, workers: mails pick their language with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return TIMEZONE


def long_date(value: date | datetime) -> str:
    """'dinsdag 3 maart 2026'."""
    if isinstance(value, datetime):
        return format_datetime(value, "EEEE d MMMM y")
    return format_date(value, "EEEE d MMMM y")


def clock(value: datetime) -> str:
    """'09:00' in Europe/Amsterdam."""
    return format_datetime(value, "HH:mm")


_LOCAL = ZoneInfo(TIMEZONE)


def short_moment(value: datetime) -> str:
    """'3-3-2026 09:00' in Europe/Amsterdam, as format_datetime(value, "d-M-y HH:mm") writes it
    in every language, without Babel's pattern machinery: a list of a thousand names has a
    thousand of these."""
    local = value.astimezone(_LOCAL)
    return f"{local.day}-{local.month}-{local.year} {local.hour:02d}:{local.minute:02d}"


def dagdeel_label(value: Dagdeel | str) -> str:
    """'ochtend', for a Dagdeel or its stored value (a request's preferred dagdelen are values)."""
    labels = {
        Dagdeel.OCHTEND: gettext("morning"),
        Dagdeel.MIDDAG: gettext("afternoon"),
        Dagdeel.AVOND: gettext("evening"),
    }
    return labels[Dagdeel(value)]


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(long_date=long_date, clock=clock, dagdeel=dagdeel_label, short_moment=short_moment,
                                 actor=actor_words)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["languages"] = app.config["LANGUAGES"]
