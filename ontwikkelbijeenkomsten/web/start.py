"""The coordinators' start page (`/coordinatie`): what needs them today, each count a link to
the list of exactly those items, and the national picture of the current period."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.regions.services import default_period
from ontwikkelbijeenkomsten.reports import search, start
from ontwikkelbijeenkomsten.web.access import coordinator_required
from ontwikkelbijeenkomsten.web.start_forms import SearchForm

bp = Blueprint("start", __name__)


@bp.get("/coordinatie")
@coordinator_required
def page():
    period = default_period(today_local())
    return render_template(
        "start/page.html", form=SearchForm(formdata=None), todo=start.todo(), period=period, attention=start.Attention,
        national=start.national(period) if period else None,
        unrequested=start.regions_without_requests(period) if period else [],
        uncontacted=start.regions_without_contact(period) if period else [],
    )


@bp.get("/coordinatie/aandacht/<kind>")
@coordinator_required
def attention(kind: str):
    """The sessions behind one of the start page's counts."""
    try:
        chosen = start.Attention(kind)
    except ValueError:
        abort(404)
    return render_template("start/attention.html", kind=chosen, attention=start.Attention,
                           meetings=start.attention_meetings(chosen))


@bp.get("/coordinatie/zoeken")
@coordinator_required
def search_people():
    """Requests, registrations and experts whose person's name or e-mail address holds `q`;
    before anything was typed, only the search field."""
    form = SearchForm(formdata=request.args)
    searched = "q" in request.args
    found = search.people(form.q.data) if searched and form.validate() else None
    return render_template("start/search.html", form=form, searched=searched, found=found, limit=search.LIMIT)
