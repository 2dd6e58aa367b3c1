"""The batch scheduler's page: preview a period's plan, then confirm it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.regions.queries import find_period
from ontwikkelbijeenkomsten.scheduling import batch as planner
from ontwikkelbijeenkomsten.scheduling import batch_result
from ontwikkelbijeenkomsten.scheduling import plan_cache
from ontwikkelbijeenkomsten.scheduling.labels import (
    REASONS,
    rank_label,
    region_rows,
    served_requests,
    sorted_bookings,
    sorted_unserved,
)
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.regions.views import period_choice
from ontwikkelbijeenkomsten.web.scheduling.batch_forms import ConfirmForm
from ontwikkelbijeenkomsten.web.scheduling.blueprint import bp

PLANNING_URL = "/coordinatie/planning"

# ---- the page ----------------------------------------------------------------------------------
@bp.get(PLANNING_URL)
@coordinator_required
def batch():
    form, period = period_choice()
    context = {}
    if period is not None:
        found = plan_cache.preview(period)
        context = {
            "preview": found, "rows": region_rows(found), "bookings": sorted_bookings(found),
            "unserved": sorted_unserved(found), "served": served_requests(found),
            "confirm": ConfirmForm(formdata=None, period_id=period.id, fingerprint=found.fingerprint),
            # ?batch=ID after a confirmation: what that batch booked (see scheduling/batch_result.py)
            "done": batch_result.find(request.args.get("batch", type=int), period),
        }
    return render_template(
        "scheduling/batch.html", form=form, period=period, reasons=REASONS, rank_label=rank_label, **context,
    )


@bp.post(PLANNING_URL)
@coordinator_required
def batch_confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    period = find_period(form.period_id.data) if form.period_id.data else None
    if period is None:
        abort(404)
    target = url_for(".batch", period=period.id)
    try:
        with unit_of_work():
            result = planner.confirm(period, acting_user(), seen=form.fingerprint.data or None)
    except IntegrityError:
        flash(_("Other bookings were made at the same moment, so nothing has been booked. "
                "Look at the plan again and confirm once more."), "error")
        return redirect(target)
    booked = result.preview.plan.total
    if not booked:
        flash(_("Nothing has been booked: no dagdelen could be scheduled any more."), "warning")
        return redirect(target)
    flash(ngettext(
        "%(num)s dagdeel has been booked; the contact persons and experts will receive an e-mail.",
        "%(num)s dagdelen have been booked; the contact persons and experts will receive an e-mail.",
        booked), "success")
    target = url_for(".batch", period=period.id, batch=result.batch_id)
    if result.changed:
        flash(ngettext(
            "The data changed after you looked at the plan, so the plan was made again before booking: "
            "%(num)s dagdeel has been booked.",
            "The data changed after you looked at the plan, so the plan was made again before booking: "
            "%(num)s dagdelen have been booked.",
            booked), "warning")
    return redirect(target)
