"""The batch scheduler's page: preview a period's plan, then confirm it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ontwikkelbijeenkomsten.core.i18n import dagdeel_label, long_date
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings.models import MeetingState
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


# ---- what a confirmation scheduled -------------------------------------------------------------
@dataclass(frozen=True)
class ResultRow:
    meeting_href: str
    day: str
    dagdeel: str
    region: str
    request_href: str
    organisation: str
    experts: str
    state: MeetingState


def _link(endpoint: str, name: str) -> Callable[[int], str]:
    """The address of `endpoint` for an id, built once: url_for per row is too slow for a batch
    of thousands of sessions (the id is the address's last part)."""
    head, _, tail = url_for(endpoint, **{name: 1}).rpartition("/1")
    return lambda value: f"{head}/{value}{tail}"


def result_rows(done: batch_result.BatchResult) -> list[ResultRow]:
    """The batch's sessions as the page shows them; each date and dagdeel formatted once."""
    meeting, request_page = _link("scheduling.meeting", "meeting_id"), _link("requests.coordinator_detail", "request_id")
    days: dict[date, str] = {}
    dagdelen = {}
    rows = []
    for s in done.sessions:
        if s.date not in days:
            days[s.date] = long_date(s.date)
        if s.dagdeel not in dagdelen:
            dagdelen[s.dagdeel] = dagdeel_label(s.dagdeel)
        rows.append(ResultRow(meeting(s.meeting_id), days[s.date], dagdelen[s.dagdeel], s.region,
                              request_page(s.request_id), s.organisation, ", ".join(s.experts) or "–", s.state))
    return rows


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
        context["done_rows"] = result_rows(context["done"]) if context["done"] else []
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
