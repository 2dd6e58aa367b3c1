"""A period's nudges (`/coordinatie/periodes/<id>/herinneringen`): which regions get one and
when, which did, which have no contact; and the setting (on or off, the moment)."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.regions import queries
from ontwikkelbijeenkomsten.requests import nudges
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.changes import apply_and_redirect
from ontwikkelbijeenkomsten.web.regions.nudge_forms import NudgeForm
from ontwikkelbijeenkomsten.web.regions.views import PERIOD_URL, bp


@bp.route(PERIOD_URL + "/herinneringen", methods=["GET", "POST"])
@coordinator_required
def nudges_page(period_id: int):
    period = queries.find_period(period_id) or abort(404)
    current = nudges.plan(period)
    form = NudgeForm(data=dict(enabled=current.enabled, unit=current.unit, amount=current.amount,
                               send_on=current.send_on))

    def run():
        changed = nudges.change_plan(period, form.enabled.data, form.unit.data, form.amount.data,
                                     form.send_on.data, acting_user())
        message = _("The nudges have been saved.") if changed else _("Nothing has changed.")
        return message, url_for(".nudges_page", period_id=period.id)

    return apply_and_redirect(form, run) or render_template(
        "regions/nudges.html", period=period, plan=current, form=form, rows=nudges.overview(period),
    )
