"""The expert's availability editor (a month of dagdelen, rules, blocks) and the coordinators' grid."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.core.i18n import dagdeel_label, long_date
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.themes import theme_choices
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.experts import availability as services
from ontwikkelbijeenkomsten.experts import patterns
from ontwikkelbijeenkomsten.experts.queries import region_choices
from ontwikkelbijeenkomsten.meetings import bookings
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.changes import apply_and_redirect
from ontwikkelbijeenkomsten.web.experts.access import expert_page
from ontwikkelbijeenkomsten.web.experts.availability_forms import (
    BlockForm,
    GridFilterForm,
    PatternRemoveForm,
    RuleForm,
    ToggleForm,
    describe_pattern,
    weekday_names,
)
from ontwikkelbijeenkomsten.web.experts.blueprint import bp
from ontwikkelbijeenkomsten.web.forms import field_error, options

#: Larger ids overflow the database's integer column; the converter answers 404 for them.
AVAILABILITY_URL = "/experts/<int(max=2147483647):expert_id>/beschikbaarheid"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEARS = range(2000, 2101)  # months outside these years are not worth a page
GRID_DEFAULT_DAYS = 28


def _shown_month() -> date:
    """The first day of the month in ?maand=2026-12 (this month without it); 404 for nonsense."""
    text = request.args.get("maand")
    if text is None:
        return today_local().replace(day=1)
    found = MONTH.match(text)
    if not found or int(found[1]) not in YEARS or not 1 <= int(found[2]) <= 12:
        abort(404)
    return date(int(found[1]), int(found[2]), 1)


def _month_url(expert: User, first: date, **values) -> str:
    return url_for(".availability", expert_id=expert.id, maand=first.strftime("%Y-%m"), **values)


def _month_page(expert: User, first: date, **submitted):
    """The month; `submitted` holds the form that was sent (with its errors and input)."""
    forms = {
        "rule": RuleForm(prefix="rule", formdata=None, start=today_local()),
        "block": BlockForm(prefix="block", formdata=None),
        **submitted,
    }
    own = current_user.id == expert.id
    current = patterns.current(expert.id)
    return render_template(
        "experts/availability.html", expert=expert, forms=forms,
        failed=next((form for form in forms.values() if form.errors), None),
        view=bookings.month(expert, first.year, first.month), weekdays=weekday_names(),
        patterns=current, describe=describe_pattern,
        in_pattern=lambda slot: any(p.covers(slot.day, slot.dagdeel) for p in current),
        title=_("My availability") if own else _("Availability of %(name)s", name=expert.name),
    )


def _submitted(expert: User, first: date, name: str, form, run):
    """Apply `run()`, which returns (flash message, where to go); a refusal shows on the month page."""
    return apply_and_redirect(form, run) or _month_page(expert, first, **{name: form})


def _skipped_note(start: date, weekdays: set[int] | None = None, dagdelen: set[Dagdeel] | None = None) -> str:
    past_days, ended_today = services.skipped(start, weekdays, dagdelen)
    if past_days and ended_today:
        return " " + _("Days before today and today's dagdelen that are over were skipped.")
    if past_days:
        return " " + _("Days before today were skipped.")
    return " " + _("Today's dagdelen that are over were skipped.") if ended_today else ""


@bp.get(AVAILABILITY_URL)
@expert_page
def availability(expert: User):
    return _month_page(expert, _shown_month())


@bp.post(AVAILABILITY_URL + "/dagdeel")
@expert_page
def availability_toggle(expert: User):
    first = _shown_month()
    form = ToggleForm()

    def run():
        day, dagdeel = form.day.data, Dagdeel(form.dagdeel.data)
        available = services.toggle(expert, day, dagdeel, acting_user(), available=form.available.data == "1")
        values = {"date": long_date(day), "dagdeel": dagdeel_label(dagdeel)}
        message = _("%(date)s, %(dagdeel)s: available.", **values) if available else _(
            "%(date)s, %(dagdeel)s: not available.", **values
        )
        return message, _month_url(expert, day.replace(day=1), _anchor=f"day-{day.isoformat()}")

    return _submitted(expert, first, "toggle", form, run)


@bp.post(AVAILABILITY_URL + "/regel")
@expert_page
def availability_rule(expert: User):
    first = _shown_month()
    form = RuleForm(prefix="rule")

    def run():
        pattern, added = patterns.add(
            expert, form.start.data, form.end.data, set(form.weekdays.data),
            {Dagdeel(value) for value in form.dagdelen.data}, acting_user(),
        )
        message = ngettext("%(num)s dagdeel added.", "%(num)s dagdelen added.", added) if added else _(
            "No dagdelen added: they were all available or booked already."
        )
        message = _("Weekly pattern saved: %(pattern)s.", pattern=describe_pattern(pattern)) + " " + message
        note = _skipped_note(form.start.data, set(form.weekdays.data), {Dagdeel(v) for v in form.dagdelen.data})
        return message + note, _month_url(expert, first)

    return _submitted(expert, first, "rule", form, run)


@bp.post(AVAILABILITY_URL + "/weekpatroon/<int(max=2147483647):pattern_id>/verwijderen")
@expert_page
def availability_pattern_remove(expert: User, pattern_id: int):
    first = _shown_month()
    pattern = patterns.find(expert.id, pattern_id) or abort(404)
    form = PatternRemoveForm()

    def run():
        described = describe_pattern(pattern)
        removed, kept = patterns.remove(expert, pattern, acting_user())
        message = _("Weekly pattern removed: %(pattern)s.", pattern=described) + " " + ngettext(
            "%(num)s future dagdeel removed.", "%(num)s future dagdelen removed.", removed)
        if kept:
            message += " " + ngettext("%(num)s scheduled session stays.", "%(num)s scheduled sessions stay.", kept)
        return message, _month_url(expert, first, _anchor="patterns-title")

    return _submitted(expert, first, "remove", form, run)


@bp.post(AVAILABILITY_URL + "/blokkeren")
@expert_page
def availability_block(expert: User):
    first = _shown_month()
    form = BlockForm(prefix="block")

    def run():
        removed, kept = services.block(expert, form.start.data, form.end.data, acting_user())
        message = ngettext("%(num)s dagdeel removed.", "%(num)s dagdelen removed.", removed)
        if kept:
            message += " " + ngettext(
                "%(num)s scheduled session stays.", "%(num)s scheduled sessions stay.", kept
            )
        return message + _skipped_note(form.start.data), _month_url(expert, first)

    return _submitted(expert, first, "block", form, run)


@bp.get("/coordinatie/beschikbaarheid")
@coordinator_required
def availability_grid():
    today = today_local()
    args = request.args.copy()
    args.setdefault("van", today.isoformat())
    args.setdefault("tot", (today + timedelta(days=GRID_DEFAULT_DAYS - 1)).isoformat())
    form = GridFilterForm(formdata=args)
    form.theme.choices = options([("", _("All themes"))] + [(str(id_), name) for id_, name in theme_choices()])
    form.region.choices = options([("", _("All regions"))] + [(str(r.id), r.name) for r in region_choices()])
    grid = None
    if form.validate():
        try:
            grid = bookings.grid(
                form.start.data, form.end.data,
                theme_id=int(form.theme.data) if form.theme.data else None,
                region_id=int(form.region.data) if form.region.data else None,
            )
        except RuleViolation as exc:
            field_error(form, exc)
    return render_template(
        "experts/coordinator/availability_grid.html", form=form, grid=grid, levels=bookings.HEAT_LEVELS,
    )
