"""The coordinators' open trainings: the list, a new training, and changing one.

The pages parse input and call meetings.trainings in one unit of work; it checks every rule
and reports all problems of a form at once, each shown at its field.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.themes import theme_choices
from ontwikkelbijeenkomsten.core.time import to_local, today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import trainings
from ontwikkelbijeenkomsten.meetings.changes import local_times
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind
from ontwikkelbijeenkomsten.meetings.queries import expert_choices, training_with_experts
from ontwikkelbijeenkomsten.meetings.trainings import MAX_PARTS
from ontwikkelbijeenkomsten.regions.queries import region_choices
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.forms import field_error
from ontwikkelbijeenkomsten.web.meetings.blueprint import bp
from ontwikkelbijeenkomsten.web.meetings.training_forms import TrainingEditForm, TrainingForm
from ontwikkelbijeenkomsten.web.regions.views import period_choice
from ontwikkelbijeenkomsten.web.scheduling import free_dagdelen
from ontwikkelbijeenkomsten.web.scheduling.forms import CancelForm
from ontwikkelbijeenkomsten.web.scheduling.expert_needed import expert_needed

TRAINING_URL = "/coordinatie/trainingen/<int(max=2147483647):meeting_id>"


@bp.get("/coordinatie/trainingen", endpoint="trainings")
@coordinator_required
def training_list():
    """Every upcoming training; the past ones of the chosen programme period (?period=ID, the
    current one by default), so the page does not grow with every year."""
    form, period = period_choice()
    upcoming, past = trainings.overview(period)
    return render_template("meetings/trainings/list.html", upcoming=upcoming, past=past, form=form, period=period)


def _choices(lead: Meeting | None = None) -> dict:
    """Active themes (and those the training has), regions, and active experts to choose from."""
    return {
        "themes": theme_choices(keep=[t.id for t in lead.themes] if lead else []),
        "regions": region_choices(),
        "experts": expert_choices(),
    }


def _form_page(form: TrainingForm, lead: Meeting | None = None, *, cancel: CancelForm | None = None, **context):
    """The training's form; for a training that exists also the form that cancels it (`cancel`,
    when that was sent with an error, whose summary then leads the page)."""
    errors = form.error_list() if request.method == "POST" else []
    if cancel is not None:
        errors = [(f.id, message) for f in cancel if f.type != "CSRFTokenField" for message in f.errors]
    elif lead is not None:
        cancel = CancelForm(prefix="cancel", formdata=None)
    return render_template("meetings/trainings/form.html", form=form, lead=lead, cancel=cancel,
                           needing=expert_needed(lead.all_parts) if lead else [], errors=errors, **context)


def _free_picker(form: TrainingForm, experts: list[tuple[int, str]]) -> dict:
    """The picker of the chosen expert's free dagdelen (scheduling/_free_dagdelen.html), and on a
    GET the form filled in with what was picked: the expert ticked, the picked dagdelen in the rows."""
    pick = free_dagdelen.pick_form(experts, default=next(iter(form.expert_ids.data or []), None))
    chosen = free_dagdelen.chosen_expert(pick)
    picked = free_dagdelen.picked_moments(MAX_PARTS) if chosen else []
    if request.method == "GET" and chosen:
        form.expert_ids.data = [chosen]
        for entry, (day, dagdeel) in zip(form.parts, picked):
            entry.form.date.data, entry.form.dagdeel.data = day, dagdeel.value
    return {"pick": pick, "free": free_dagdelen.free_for(pick, today_local()), "picked": picked,
            "picked_args": free_dagdelen.kept(picked),
            "next_row": form.parts[min(len(picked), MAX_PARTS - 1)].form.date.id}


@bp.route("/coordinatie/trainingen/nieuw", methods=["GET", "POST"], endpoint="new_training")
@coordinator_required
def new_training():
    choices = _choices()
    form = TrainingForm().configure(**choices)
    picker = _free_picker(form, choices["experts"])
    if form.validate_on_submit():
        try:
            with unit_of_work():
                lead = trainings.create_training(form.draft(), acting_user())
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("The training has been created. The experts have been sent an e-mail about it."), "success")
            for warning in trainings.missing_availability(lead):
                flash(warning, "warning")
            return redirect(url_for(".trainings"))
    return _form_page(form, **picker)


def _training_or_404(meeting_id: int) -> Meeting:
    found = training_with_experts(meeting_id)
    if found is None or found.kind is not MeetingKind.OPEN_TRAINING:
        abort(404)
    return found


def _edit_form(lead: Meeting, parts: list[Meeting]) -> TrainingEditForm:
    opens = to_local(lead.registration_opens_at) if lead.registration_opens_at else None
    closes = to_local(lead.registration_closes_at) if lead.registration_closes_at else None
    return TrainingEditForm(
        formdata=None, title=lead.title, description=lead.description, target_groups=lead.target_groups,
        theme_ids=[t.id for t in lead.themes], region_id=str(lead.region_id or ""), location=lead.location,
        online_url=lead.online_url, capacity=lead.capacity, waiting_list=lead.waiting_list_enabled,
        opens_day=opens and opens.date(), opens_time=opens and opens.time(),
        closes_day=closes and closes.date(), closes_time=closes and closes.time(),
        parts=[{"date": p.date, "dagdeel": p.dagdeel.value, **dict(zip(("starts", "ends"), local_times(p)))}
               for p in parts],
    )


@bp.route(TRAINING_URL, methods=["GET", "POST"], endpoint="edit_training")
@coordinator_required
def edit_training(meeting_id: int):
    lead = _training_or_404(meeting_id)
    if lead.series_id is not None:
        return redirect(url_for(".edit_training", meeting_id=lead.series_id))
    closed = trainings.closed_reason(lead)
    parts = trainings.editable_parts(lead)
    if request.method == "GET":
        form = _edit_form(lead, parts).configure(**_choices(lead))
        return _form_page(form, lead, closed=closed, parts=parts)
    if closed:
        flash(closed, "warning")
        return redirect(url_for(".edit_training", meeting_id=lead.id))
    form = TrainingEditForm().configure(**_choices(lead))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                told = trainings.update_training(lead, form.draft(), acting_user())
        except RuleViolation as exc:
            if exc.field == "meeting":
                flash(exc.message, "warning")
                return redirect(url_for(".edit_training", meeting_id=lead.id))
            field_error(form, exc)
        else:
            flash(_("The changes have been saved. Everyone involved gets an e-mail with the new details.") if told
                  else _("The changes have been saved."), "success")
            return redirect(url_for(".trainings"))
    return _form_page(form, lead, closed=None, parts=parts)


@bp.post(TRAINING_URL + "/annuleren", endpoint="cancel_training")
@coordinator_required
def cancel_training(meeting_id: int):
    """Cancel every dagdeel of the training at once, with one mail per person."""
    lead = _training_or_404(meeting_id)
    if lead.series_id is not None:
        abort(404)
    page = url_for(".edit_training", meeting_id=lead.id)
    form = CancelForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            with unit_of_work():
                cancelled = trainings.cancel_training(lead, form.reason.data, acting_user())
        except RuleViolation as exc:
            if exc.field == "meeting":
                flash(exc.message, "warning")
                return redirect(page)
            field_error(form, exc)
        else:
            flash(ngettext("The training has been cancelled (%(num)s dagdeel). Everyone involved gets an e-mail "
                           "about it.",
                           "The training has been cancelled (%(num)s dagdelen). Everyone involved gets one e-mail "
                           "about the whole training, and a short mail per other dagdeel for their calendar.",
                           len(cancelled)), "success")
            return redirect(page)
    parts = trainings.editable_parts(lead)
    return _form_page(_edit_form(lead, parts).configure(**_choices(lead)), lead, cancel=form,
                      closed=trainings.closed_reason(lead), parts=parts)
