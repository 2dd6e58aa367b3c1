"""The chosen expert's free dagdelen beside a booking form, without JavaScript.

A small GET form picks the expert (?deskundige=12); the page then lists that expert's free
dagdelen, each a link that opens the page again with the booking form filled in
(&datum=2026-03-17&dagdeel=ochtend). A form with several dagdelen (a new training) keeps the
ones picked before in the links (&gekozen=2026-03-17.ochtend, repeated), so each pick fills the
next row. Values that do not parse are ignored, never an error.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.meetings.bookings import free_dagdelen
from ontwikkelbijeenkomsten.web.forms import choice_labels, options

FREE_WEEKS = 6  # how far ahead the list looks


class ExpertPickForm(FlaskForm):
    """?deskundige=<id>; the view sets the choices."""

    class Meta:
        csrf = False

    expert = SelectField(_l("Expert"), name="deskundige", default="", validate_choice=False)


@dataclass(frozen=True)
class FreeDagdelen:
    expert_name: str
    start: date
    end: date
    days: list[tuple[date, list[Dagdeel]]]


def pick_form(experts: list[tuple[int, str]], default: int | None = None) -> ExpertPickForm:
    form = ExpertPickForm(formdata=request.args or None, data={"expert": str(default or "")})
    form.expert.choices = options((str(id_), name) for id_, name in experts)
    return form


def chosen_expert(form: ExpertPickForm) -> int | None:
    names = choice_labels(form.expert)
    return int(form.expert.data) if form.expert.data in names else None


def free_for(form: ExpertPickForm, start: date) -> FreeDagdelen | None:
    """The picked expert's free dagdelen in the FREE_WEEKS from `start` (one query), or None."""
    expert_id = chosen_expert(form)
    if expert_id is None:
        return None
    end = start + timedelta(weeks=FREE_WEEKS) - timedelta(days=1)
    slots = free_dagdelen(expert_id, start, end)
    days = [(day, [dagdeel for _day, dagdeel in group]) for day, group in groupby(slots, key=lambda s: s[0])]
    return FreeDagdelen(choice_labels(form.expert)[str(expert_id)], start, end, days)


def picked_moment() -> dict:
    """The date and dagdeel a free-dagdeel link carries, as form data; empty when absent or bad."""
    try:
        day = date.fromisoformat(request.args.get("datum", ""))
        dagdeel = Dagdeel(request.args.get("dagdeel", ""))
    except ValueError:
        return {}
    return {"day": day, "dagdeel": dagdeel.value}


def picked_moments(limit: int) -> list[tuple[date, Dagdeel]]:
    """The moments picked so far (?gekozen=...) and then this link's, without repeats, at most `limit`."""
    moments = []
    for value in request.args.getlist("gekozen"):
        day, _dot, dagdeel = value.partition(".")
        try:
            moments.append((date.fromisoformat(day), Dagdeel(dagdeel)))
        except ValueError:
            continue
    if picked := picked_moment():
        moments.append((picked["day"], Dagdeel(picked["dagdeel"])))
    return list(dict.fromkeys(moments))[:limit]


def kept(moments: list[tuple[date, Dagdeel]]) -> dict:
    """The URL arguments that carry `moments` into the next pick."""
    return {"gekozen": [f"{day.isoformat()}.{dagdeel.value}" for day, dagdeel in moments]}

