"""Scheduling one request: proposals, booking; and a session's page: details, reschedule, cancel.

The pages parse input and call scheduling.services, which checks every rule again under a lock.
A booking or change outside what fits comes back as NeedsConfirmation: the page shows the
warnings and asks to tick a box, and only the same choice with the box ticked goes through.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from ontwikkelbijeenkomsten.core.i18n import clock, dagdeel_label, long_date
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import changes, messages
from ontwikkelbijeenkomsten.meetings.bookings import MAX_GRID_DAYS
from ontwikkelbijeenkomsten.meetings.lists import waiting_count
from ontwikkelbijeenkomsten.meetings.models import ACTIVE_ASSIGNMENT_STATES, Meeting
from ontwikkelbijeenkomsten.meetings.queries import expert_choices, meeting_with_people
from ontwikkelbijeenkomsten.reports.requests import request_meetings
from ontwikkelbijeenkomsten.requests.models import Request, RequestState
from ontwikkelbijeenkomsten.requests.queries import find_request
from ontwikkelbijeenkomsten.scheduling import services
from ontwikkelbijeenkomsten.scheduling.candidates import request_moments
from ontwikkelbijeenkomsten.scheduling.proposals import Proposal, proposals
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.forms import choice_labels, field_error, options
from ontwikkelbijeenkomsten.web.meetings.held_places import held_places
from ontwikkelbijeenkomsten.web.requests.coordinator_views import REQUEST_URL
from ontwikkelbijeenkomsten.web.scheduling import free_dagdelen
from ontwikkelbijeenkomsten.web.scheduling.blueprint import bp
from ontwikkelbijeenkomsten.web.scheduling.expert_needed import expert_needed
from ontwikkelbijeenkomsten.web.scheduling.forms import (
    CancelForm,
    DetailsForm,
    ManualForm,
    MoveForm,
    ProposalForm,
    slot_value,
)

#: Larger ids overflow the database's integer column; the converter answers 404 for them.
MEETING_URL = "/coordinatie/bijeenkomsten/<int(max=2147483647):meeting_id>"


def _slot_text(day, dagdeel, expert: str) -> dict:
    return {"date": long_date(day), "dagdeel": dagdeel_label(dagdeel), "expert": expert}


# ---- one request -------------------------------------------------------------------------------
def _proposal_label(proposal: Proposal) -> Markup:
    day, dagdeel = proposal.moment
    start, end = dagdeel.bounds(day)
    head = _("%(date)s, %(dagdeel)s (%(start)s to %(end)s): %(expert)s", start=clock(start), end=clock(end),
             **_slot_text(day, dagdeel, proposal.expert_name))
    return Markup("<strong>{}</strong><br>{}").format(head, "; ".join(str(reason) for reason in proposal.reasons))


def _grid_url(item: Request, days: list[date]) -> str:
    """The coordinators' availability grid over the request's accepted `days`, for its region
    (and its theme, when it has one)."""
    args = {"regio": item.region_id}
    if len(item.themes) == 1:
        args["thema"] = item.themes[0].id
    if days:
        last = min(days[-1], days[0] + timedelta(days=MAX_GRID_DAYS - 1))
        args.update(van=days[0].isoformat(), tot=last.isoformat())
    return url_for("experts.availability_grid", **args)


def _request_page(item: Request, *, proposal: ProposalForm | None = None, manual: ManualForm | None = None,
                  warnings=()):
    """The scheduling page; `proposal` or `manual` is the form that was sent, with its errors."""
    bookable = item.state is RequestState.GRANTED
    found = proposals(item) if bookable else None
    days = sorted(day for day, _dagdeel in request_moments(item))
    forms, pick, free = {}, None, None
    if bookable:
        title = services.default_title(item)
        forms["proposal"] = proposal or ProposalForm(prefix="proposal", formdata=None, title=title)
        forms["proposal"].proposal.choices = options(
            (slot_value(*p.moment, p.expert_id), _proposal_label(p)) for p in found.items
        )
        experts = expert_choices()
        pick = free_dagdelen.pick_form(experts, default=manual and manual.expert_id.data)
        chosen = free_dagdelen.chosen_expert(pick)
        forms["manual"] = manual or ManualForm(prefix="manual", formdata=None, experts=experts, title=title,
                                               expert_id=str(chosen or ""), **free_dagdelen.picked_moment())
        free = free_dagdelen.free_for(pick, max([today_local(), *days[:1]]))
    return render_template(
        "scheduling/request.html", item=item, found=found, forms=forms, warnings=warnings, pick=pick, free=free,
        grid_url=_grid_url(item, days), **request_meetings(item),
    )


def _to_detail(item: Request, message):
    flash(message, "warning")
    return redirect(url_for("requests.coordinator_detail", request_id=item.id))


def _not_bookable(item: Request):
    if item.state is RequestState.SCHEDULED:
        return _to_detail(item, _("All granted dagdelen of this request have been booked."))
    return _to_detail(item, _("Only a granted request can be booked."))


def _booked(item: Request, booked: services.Booked):
    """Say what was booked; go on booking while dagdelen are left, else back to the request."""
    meeting = booked.meeting
    if booked.already:
        flash(_("This session had already been booked."), "info")
    else:
        expert = next(a.expert.name for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES)
        flash(_("Booked: %(date)s, %(dagdeel)s, with %(expert)s. The contact person and the expert have been "
                "sent an e-mail about it.", **_slot_text(meeting.date, meeting.dagdeel, expert)), "success")
    if item.state is RequestState.GRANTED:
        return redirect(url_for(".request", request_id=item.id))
    return redirect(url_for("requests.coordinator_detail", request_id=item.id))


def _request_or_404(request_id: int) -> Request:
    found = find_request(request_id)
    if found is None:
        abort(404)
    return found


@bp.route(REQUEST_URL + "/inplannen", methods=["GET", "POST"], endpoint="request")
@coordinator_required
def request_page(request_id: int):
    item = _request_or_404(request_id)
    if request.method == "POST":
        return _book_proposal(item)
    if item.state not in (RequestState.GRANTED, RequestState.SCHEDULED):
        return _not_bookable(item)
    return _request_page(item)


def _book_proposal(item: Request):
    """A proposal fits by definition: when the service has warnings about it, it has stopped
    fitting (or the value was forged), and that is an error at the proposals."""
    form = ProposalForm(prefix="proposal")
    if form.validate_on_submit():
        day, dagdeel, expert_id = form.slot
        try:
            with unit_of_work():
                booked = services.book(item, expert_id, day, dagdeel, acting_user(), title=form.title.data)
        except services.NeedsConfirmation as exc:
            form.proposal.errors.append(_(
                "This proposal does not fit (any more): %(warnings)s Choose another proposal, or book this "
                "moment below, outside the proposals.", warnings=" ".join(str(w) for w in exc.warnings)))
        except RuleViolation as exc:
            if exc.field == "request":
                return _to_detail(item, exc.message)
            field_error(form, exc, aliases={"day": "proposal", "expert_id": "proposal"})
        else:
            return _booked(item, booked)
    if item.state is not RequestState.GRANTED:
        return _not_bookable(item)
    return _request_page(item, proposal=form)


@bp.post(REQUEST_URL + "/inplannen/handmatig", endpoint="book_manual")
@coordinator_required
def book_manual(request_id: int):
    item = _request_or_404(request_id)
    form = ManualForm(prefix="manual", experts=expert_choices())
    warnings = []
    if form.validate_on_submit():
        day, dagdeel, expert_id = form.slot
        try:
            with unit_of_work():
                booked = services.book(item, expert_id, day, dagdeel, acting_user(), title=form.title.data,
                                       confirmed=form.confirmed_slot)
        except services.NeedsConfirmation as exc:
            form.needs_confirmation()
            warnings = exc.warnings
        except RuleViolation as exc:
            if exc.field == "request":
                return _to_detail(item, exc.message)
            field_error(form, exc)
        else:
            return _booked(item, booked)
    if item.state is not RequestState.GRANTED:
        return _not_bookable(item)
    return _request_page(item, manual=form, warnings=warnings)


# ---- one session -------------------------------------------------------------------------------
def _meeting_or_404(meeting_id: int) -> Meeting:
    found = meeting_with_people(meeting_id)
    if found is None:
        abort(404)
    return found


def _join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def _meeting_page(meeting: Meeting, *, warnings=(), **submitted):
    """The session's page; `submitted` holds the form that was sent (details, move or cancel)."""

    closed = changes.closed_message(meeting)
    forms, pick, free = {}, None, None
    if not closed:
        starts, ends = changes.local_times(meeting)
        current = next((a.expert_id for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES), None)
        experts = expert_choices()
        moving = submitted.get("move")
        pick = free_dagdelen.pick_form(experts, default=moving.expert_id.data if moving else current)
        free = free_dagdelen.free_for(pick, today_local())
        moment = free_dagdelen.picked_moment() or {"day": meeting.date, "dagdeel": meeting.dagdeel.value}
        forms = {
            "details": DetailsForm(
                prefix="details", formdata=None, title=meeting.title, description=meeting.description,
                location=meeting.location, online_url=meeting.online_url, starts=starts, ends=ends),
            "move": MoveForm(prefix="move", formdata=None, experts=experts, **moment,
                             expert_id=str(free_dagdelen.chosen_expert(pick) or current or "")),
            "cancel": CancelForm(prefix="cancel", formdata=None),
            **submitted,
        }
    active_experts = [a.expert.name for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES]
    return render_template("scheduling/meeting.html", meeting=meeting, forms=forms, closed=closed,
                           active_experts=active_experts, all_active_experts=_join_names(active_experts),
                           pick=pick, free=free, custom_times=changes.has_custom_times(meeting),
                           warnings=warnings, waiting=waiting_count(meeting.lead), sent_messages=messages.sent(meeting),
                           needing=expert_needed([meeting]),
                           **held_places(meeting.lead))


def _meeting_action(meeting_id: int, name: str, make_form, run):
    """Validate the form, then `run(session, form)` the service call, which returns the flash
    message and where to go. A rule the service finds is shown at its field."""
    meeting = _meeting_or_404(meeting_id)
    closed = changes.closed_message(meeting)
    if closed:
        flash(str(closed), "warning")
        return redirect(url_for(".meeting", meeting_id=meeting.id))
    form = make_form()
    warnings = []
    if form.validate_on_submit():
        try:
            with unit_of_work():
                message, target = run(meeting, form)
        except services.NeedsConfirmation as exc:
            form.needs_confirmation()
            warnings = exc.warnings
        except RuleViolation as exc:
            if exc.field == "meeting":
                flash(exc.message, "warning")
                return redirect(url_for(".meeting", meeting_id=meeting.id))
            field_error(form, exc)
        else:
            flash(message, "success")
            return redirect(target)
    return _meeting_page(meeting, warnings=warnings, **{name: form})


@bp.get(MEETING_URL, endpoint="meeting")
@coordinator_required
def meeting_page(meeting_id: int):
    return _meeting_page(_meeting_or_404(meeting_id))


@bp.post(MEETING_URL + "/gegevens", endpoint="meeting_details")
@coordinator_required
def meeting_details(meeting_id: int):
    def run(meeting: Meeting, form: DetailsForm):
        told = changes.change_details(meeting, changes.Details(
            title=form.title.data, description=form.description.data or "", location=form.location.data or "",
            online_url=form.online_url.data or "", starts=form.starts.data, ends=form.ends.data,
        ), acting_user())
        message = _("The changes have been saved. Everyone involved gets an e-mail with the new details.") if told\
            else _("The changes have been saved. The time and place stay the same, so nobody gets an e-mail.")
        return message, url_for(".meeting", meeting_id=meeting.id)

    return _meeting_action(meeting_id, "details", lambda: DetailsForm(prefix="details"), run)


@bp.post(MEETING_URL + "/verplaatsen", endpoint="meeting_move")
@coordinator_required
def meeting_move(meeting_id: int):
    def run(meeting: Meeting, form: MoveForm):
        day, dagdeel, expert_id = form.slot
        custom = changes.has_custom_times(meeting) and (day, dagdeel) != (meeting.date, meeting.dagdeel)
        released = [a.expert.name for a in meeting.experts
                    if a.state in ACTIVE_ASSIGNMENT_STATES and a.expert_id != expert_id]
        services.reschedule(meeting, day, dagdeel, expert_id, acting_user(), confirmed=form.confirmed_slot)
        expert = choice_labels(form.expert_id)[str(expert_id)]
        message = _("The session is now on %(date)s, %(dagdeel)s, with %(expert)s. Everyone involved gets an e-mail "
                    "about the change.", **_slot_text(day, dagdeel, expert))
        if released:
            message += " " + ngettext(
                "%(names)s is no longer on this session and gets a cancellation.",
                "%(names)s are no longer on this session and get a cancellation.",
                len(released), names=_join_names(released))
        if custom:
            message += " " + _("Its own start and end times have been replaced by the standard times of the "
                               "dagdeel: %(start)s to %(end)s.", start=clock(meeting.starts_at), end=clock(meeting.ends_at))
        return message, url_for(".meeting", meeting_id=meeting.id)

    return _meeting_action(meeting_id, "move", lambda: MoveForm(prefix="move", experts=expert_choices()), run)


@bp.post(MEETING_URL + "/annuleren", endpoint="meeting_cancel")
@coordinator_required
def meeting_cancel(meeting_id: int):
    def run(meeting: Meeting, form: CancelForm):
        services.cancel(meeting, form.reason.data, acting_user())
        if meeting.request_id is None:
            return _("The session has been cancelled. Everyone involved gets an e-mail about it."),\
                url_for(".meeting", meeting_id=meeting.id)
        return _("The session has been cancelled. Everyone involved gets an e-mail about it, and the dagdeel "
                 "can be booked again."), url_for("requests.coordinator_detail", request_id=meeting.request_id)

    return _meeting_action(meeting_id, "cancel", lambda: CancelForm(prefix="cancel"), run)
