"""The coordinator's workspace for requests: queue, detail and the review actions."""
from __future__ import annotations

from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ontwikkelbijeenkomsten.accounts import queries as accounts
from ontwikkelbijeenkomsten.core.rules import StateError
from ontwikkelbijeenkomsten.core.themes import theme_choices
from ontwikkelbijeenkomsten.meetings.queries import booked_counts, requests_needing_expert
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.queries import region_choices
from ontwikkelbijeenkomsten.regions.services import periods
from ontwikkelbijeenkomsten.reports.requests import request_meetings
from ontwikkelbijeenkomsten.requests import contact_change, queries, services
from ontwikkelbijeenkomsten.requests.models import OPEN_STATES, REQUEST_STATES, WITHDRAWABLE, Request, RequestState
from ontwikkelbijeenkomsten.scheduling import grants
from ontwikkelbijeenkomsten.scheduling.services import meetings_kept, upcoming_meetings
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.changes import REFUSED, apply, flash_done
from ontwikkelbijeenkomsten.web.forms import choice_labels, options
from ontwikkelbijeenkomsten.web.requests.blueprint import bp
from ontwikkelbijeenkomsten.web.requests.coordinator_forms import (
    AssignForm,
    ContactForm,
    GrantForm,
    LowerGrantForm,
    NOBODY,
    OLDEST_FIRST,
    NoteForm,
    QueueFilterForm,
    RejectForm,
    ReviewForm,
)
from ontwikkelbijeenkomsten.web.scheduling.expert_needed import expert_needed

PER_PAGE = 50
#: Larger ids overflow the database's integer column; the converter answers 404 for them.
REQUEST_URL = "/coordinatie/aanvragen/<int(max=2147483647):request_id>"
#: The states each review action fits, to show only those forms; the services check again under a lock.
ACTION_STATES = {
    "review": REQUEST_STATES.sources(RequestState.IN_REVIEW),
    "grant": OPEN_STATES,
    "reject": REQUEST_STATES.sources(RequestState.REJECTED),
    "lower": {RequestState.GRANTED},
    "contact": WITHDRAWABLE,
}


# ---- queue -------------------------------------------------------------------------------------
@bp.get("/coordinatie/aanvragen")
@coordinator_required
def coordinator_queue():
    form = QueueFilterForm(formdata=request.args)
    _set_filter_choices(form)
    form.validate()
    chosen = {f.name: f.data for f in form if f.data and not f.errors}
    coordinator = chosen.get("coordinator")
    filters = queries.QueueFilter(**{f"{name}_id": int(chosen[name]) for name in ("region", "theme", "period")
                                     if name in chosen}, waiting_too_long="waiting" in chosen,
                                  unassigned=coordinator == NOBODY,
                                  coordinator_id=int(coordinator) if coordinator and coordinator != NOBODY else None)
    counts = queries.queue_counts(filters)
    state = RequestState(chosen["state"]) if "state" in chosen else None
    total = counts.get(state, 0) if state else sum(counts.values())
    pages = max(1, ceil(total / PER_PAGE))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= pages:
        abort(404)
    rows = queries.queue_page(filters, state, limit=PER_PAGE, offset=(page - 1) * PER_PAGE,
                              oldest_first=chosen.get("order") == OLDEST_FIRST)
    return render_template(
        "requests/coordinator/queue.html", form=form, rows=rows, counts=counts, total=total,
        state=state, request_states=list(RequestState), chosen=chosen,
        needing_expert=requests_needing_expert([item.id for item, _name in rows]),
        booked=booked_counts([item.id for item, _name in rows if item.dagdelen_granted]),
        other_filters={k: v for k, v in chosen.items() if k != "state"},
        page=page, pages=pages, page_numbers=_page_numbers(page, pages),
        first=(page - 1) * PER_PAGE + 1, last=(page - 1) * PER_PAGE + len(rows),
    )


def _set_filter_choices(form: QueueFilterForm) -> None:
    def choices(all_label: str, pairs) -> list[tuple[str, str]]:
        return [("", all_label)] + [(str(id_), name) for id_, name in pairs]

    form.state.choices = options([("", _("All states")), *REQUEST_STATES.choices()])
    form.region.choices = options(choices(_("All regions"), region_choices()))
    # Retired themes stay in the list while requests are about them.
    form.theme.choices = options(choices(_("All themes"), theme_choices(keep=queries.requested_theme_ids())))
    form.period.choices = options(choices(_("All periods"), ((p.id, p.name) for p in periods())))
    # Coordinators who left stay in the list while requests are theirs.
    form.coordinator.choices = options([("", _("All coordinators")), (NOBODY, _("Nobody yet")), *(
        (str(id_), name) for id_, name in accounts.coordinator_choices(keep_ids=queries.assigned_coordinator_ids()))])


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """The first, the last and the pages near `page`; None marks a gap."""
    shown = [n for n in range(1, pages + 1) if n in (1, pages) or abs(n - page) <= 2]
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


# ---- detail ------------------------------------------------------------------------------------
@bp.get(REQUEST_URL)
@coordinator_required
def coordinator_detail(request_id: int):
    return _detail(_request_or_404(request_id))


def _request_or_404(request_id: int) -> Request:
    return queries.find_request(request_id) or abort(404)


def _detail(item: Request, **submitted):
    """The detail page; `submitted` holds the form that failed (with its errors and input)."""
    entry = quota.status(item.region_id, item.period, active_only=False)
    found = request_meetings(item)
    forms = {
        "review": ReviewForm(formdata=None),
        "grant": GrantForm(formdata=None, dagdelen=min(item.dagdelen_wanted, entry.remaining)),
        "reject": RejectForm(formdata=None),
        "lower": LowerGrantForm(prefix="lower", formdata=None, dagdelen=max(found["booked"], 1)),
        "assign": _assign_form(item, formdata=None, coordinator_id=str(item.assigned_coordinator_id or "")),
        "note": NoteForm(formdata=None),
        "contact": ContactForm(prefix="contact", formdata=None),
        **submitted,
    }
    events = queries.history(item)
    people = accounts.names({item.assigned_coordinator_id} | {e.actor_id for e in events} | {
        e.details.get(key) for e in events for key in ("from_coordinator", "to_coordinator")
    })
    actions = {name for name, states in ACTION_STATES.items() if item.state in states}
    return render_template(
        "requests/coordinator/detail.html", item=item, entry=entry, forms=forms, events=events,
        people=people, actions=actions, needing=expert_needed(found["meetings"]),
        rejecting=_what_a_rejection_does(item) if "reject" in actions else None, **found,
    )


def _what_a_rejection_does(item: Request) -> dict:
    """What rejecting now would do, as the rejection itself counts it: the booked sessions that
    have not begun are cancelled, and the granted dagdelen not used by the others go back."""
    if not item.dagdelen_granted:
        return {"cancelled": 0, "returned": 0}
    upcoming = upcoming_meetings(item)
    return {"cancelled": len(upcoming), "returned": max(item.dagdelen_granted - meetings_kept(item, upcoming), 0)}


def _assign_form(item: Request, **kwargs) -> AssignForm:
    """Choices: nobody, the active coordinators and whoever holds the request now."""
    form = AssignForm(**kwargs)
    coordinators = accounts.coordinator_choices(keep_id=item.assigned_coordinator_id)
    form.coordinator_id.choices = options([("", _("Nobody"))] + [(str(id_), name) for id_, name in coordinators])
    return form


# ---- actions -----------------------------------------------------------------------------------
def _act(item: Request, action: str, form, run, next_step: tuple[str, str] | None = None):
    """Validate `form`, then `run()` the service call, which returns the flash message
    (with a link to `next_step`, when given).

    A rule the service finds is shown at its field; an action that no longer fits the state
    (someone else acted first) is flashed and the page shown again.
    """
    if action in ACTION_STATES and item.state not in ACTION_STATES[action]:
        return _changed(item)
    try:
        message = apply(form, run)
    except StateError:
        return _changed(item)
    if message is REFUSED:
        return _detail(item, **{action: form})
    flash_done(message, next_step)
    return redirect(url_for(".coordinator_detail", request_id=item.id))


def _changed(item: Request):
    flash(_("This request has changed in the meantime. Look at its current state before you act."), "warning")
    return redirect(url_for(".coordinator_detail", request_id=item.id))



@bp.post(REQUEST_URL + "/in-behandeling")
@coordinator_required
def coordinator_review(request_id: int):
    item = _request_or_404(request_id)

    def run():
        services.take_into_review(item, acting_user())
        return _("You have taken the request into review.")

    return _act(item, "review", ReviewForm(), run)


@bp.post(REQUEST_URL + "/toekennen")
@coordinator_required
def coordinator_grant(request_id: int):
    item = _request_or_404(request_id)
    form = GrantForm()

    def run():
        services.grant(item, form.dagdelen.data, acting_user(), form.explanation.data or "")
        return ngettext(
            "You have granted %(num)s dagdeel. The region gets an e-mail about it.",
            "You have granted %(num)s dagdelen. The region gets an e-mail about it.",
            form.dagdelen.data,
        )

    return _act(item, "grant", form, run,
                next_step=(_("Schedule now"), url_for("scheduling.request", request_id=item.id,
                                                      _anchor="proposals-title")))


@bp.post(REQUEST_URL + "/afwijzen")
@coordinator_required
def coordinator_reject(request_id: int):
    item = _request_or_404(request_id)
    form = RejectForm()

    def run():
        cancelled = len(upcoming_meetings(item)) if item.dagdelen_granted else 0
        services.reject(item, form.reason.data, acting_user())
        message = _("You have rejected the request. The region gets an e-mail with the reason.")
        if cancelled:
            message += " " + ngettext(
                "%(num)s session that had been booked has been cancelled; the expert and the registered "
                "participants get an e-mail about it.",
                "%(num)s sessions that had been booked have been cancelled; the experts and the registered "
                "participants get an e-mail about it.", cancelled)
        return message

    return _act(item, "reject", form, run)


@bp.post(REQUEST_URL + "/minder-dagdelen")
@coordinator_required
def coordinator_lower(request_id: int):
    item = _request_or_404(request_id)
    form = LowerGrantForm(prefix="lower")

    def run():
        returned = grants.lower_grant(item, form.dagdelen.data, form.reason.data, acting_user())
        return ngettext("%(num)s dagdeel went back to the region's quota.",
                        "%(num)s dagdelen went back to the region's quota.", returned) + " " + _(
            "The region gets an e-mail with the reason.")

    return _act(item, "lower", form, run)


@bp.post(REQUEST_URL + "/notitie")
@coordinator_required
def coordinator_note(request_id: int):
    item = _request_or_404(request_id)
    form = NoteForm()

    def run():
        services.add_note(item, form.text.data, acting_user())
        return _("Your note has been saved.")

    return _act(item, "note", form, run)


@bp.post(REQUEST_URL + "/toewijzen")
@coordinator_required
def coordinator_assign(request_id: int):
    item = _request_or_404(request_id)
    form = _assign_form(item)

    def run():
        chosen = form.coordinator_id.data
        services.assign(item, int(chosen) if chosen else None, acting_user())
        if not chosen:
            return _("The request is no longer assigned to a coordinator.")
        return _("The request is now assigned to %(name)s.", name=choice_labels(form.coordinator_id)[chosen])

    return _act(item, "assign", form, run)


@bp.post(REQUEST_URL + "/contactpersoon")
@coordinator_required
def coordinator_contact(request_id: int):
    item = _request_or_404(request_id)
    form = ContactForm(prefix="contact")

    def run():
        new = contact_change.Contact(form.contact_name.data or "", form.contact_email.data or "",
                                     form.contact_phone.data or "", form.contact_function.data or "")
        if contact_change.change_contact(item, new, form.note.data or "", acting_user()):
            return _("%(name)s is now the contact person. They get an e-mail with the private link to the request; "
                     "the previous contact person gets a short message.", name=new.name.strip())
        return _("The details of the contact person have been changed. They get an e-mail with the private link.")

    return _act(item, "contact", form, run)
