"""The coordinators' start page (`/coordinatie`): what needs them today, each count a link to
the list of exactly those items, and the national picture of the current period."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.regions.services import default_period
from ontwikkelbijeenkomsten.reports import start
from ontwikkelbijeenkomsten.web.access import coordinator_required

bp = Blueprint("start", __name__)


@bp.get("/coordinatie")
@coordinator_required
def page():
    period = default_period(today_local())
    return render_template(
        "start/page.html", todo=start.todo(), period=period, attention=start.Attention,
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
