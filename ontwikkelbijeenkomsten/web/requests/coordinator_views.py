"""The coordinator's workspace for requests: queue, detail and the review actions."""
from __future__ import annotations

from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.accounts.models import Role, User
from ontwikkelbijeenkomsten.core.models import AuditEvent, Theme
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, Region
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingExpert, MeetingState
from ontwikkelbijeenkomsten.requests import labels, services
from ontwikkelbijeenkomsten.web.requests.blueprint import bp
from ontwikkelbijeenkomsten.web.requests.coordinator_forms import (
    AssignForm,
    GrantForm,
    NoteForm,
    QueueFilterForm,
    RejectForm,
    ReviewForm,
)
from ontwikkelbijeenkomsten.requests.models import Request, RequestState

PER_PAGE = 50
#: Larger ids overflow the database's integer column; the converter answers 404 for them.
REQUEST_URL = "/coordinatie/aanvragen/<int(max=2147483647):request_id>"
#: The states each review action fits, to show only those forms; the services check again under a lock.
ACTION_STATES = {
    "review": (RequestState.SUBMITTED,),
    "grant": services.OPEN_STATES,
    "reject": (*services.OPEN_STATES, RequestState.GRANTED),
}


# ---- queue -------------------------------------------------------------------------------------
@bp.get("/coordinatie/aanvragen")
@coordinator_required
def coordinator_queue():
    form = QueueFilterForm(formdata=request.args)
    _set_filter_choices(form)
    form.validate()
    chosen = {f.name: f.data for f in form if f.data and not f.errors}
    conditions = _filter_conditions(chosen)
    counts = dict(db.session.execute(
        select(Request.state, func.count()).where(*conditions).group_by(Request.state)
    ).all())
    state = RequestState(chosen["state"]) if "state" in chosen else None
    total = counts.get(state, 0) if state else sum(counts.values())
    pages = max(1, ceil(total / PER_PAGE))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= pages:
        abort(404)
    rows = db.session.execute(
        select(Request, User.name)
        .outerjoin(User, User.id == Request.assigned_coordinator_id)
        .options(joinedload(Request.region), selectinload(Request.themes))
        .where(*conditions, *([Request.state == state] if state else []))
        .order_by(Request.created_at.desc(), Request.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "requests/coordinator/queue.html", form=form, rows=rows, counts=counts, total=total,
        state=state, states=list(RequestState), chosen=chosen,
        other_filters={k: v for k, v in chosen.items() if k != "state"},
        page=page, pages=pages, page_numbers=_page_numbers(page, pages),
        first=(page - 1) * PER_PAGE + 1, last=(page - 1) * PER_PAGE + len(rows),
    )


def _set_filter_choices(form: QueueFilterForm) -> None:
    def choices(all_label: str, query) -> list[tuple[str, str]]:
        return [("", all_label)] + [(str(id_), name) for id_, name in db.session.execute(query)]

    form.state.choices = [("", _("All states"))] + [(s.value, labels.state_label(s)) for s in RequestState]
    form.region.choices = choices(_("All regions"), select(Region.id, Region.name).order_by(Region.name))
    form.theme.choices = choices(_("All themes"), select(Theme.id, Theme.name).order_by(Theme.position))
    form.period.choices = choices(
        _("All periods"),
        select(ProgrammePeriod.id, ProgrammePeriod.name).order_by(ProgrammePeriod.starts_on.desc()),
    )


def _filter_conditions(chosen: dict) -> list:
    """The chosen filters except the state, which the counts per state leave open."""
    conditions = []
    if "region" in chosen:
        conditions.append(Request.region_id == int(chosen["region"]))
    if "theme" in chosen:
        conditions.append(Request.themes.any(Theme.id == int(chosen["theme"])))
    if "period" in chosen:
        conditions.append(Request.period_id == int(chosen["period"]))
    return conditions


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
    return _detail(db.get_or_404(Request, request_id))


def _detail(item: Request, **submitted):
    """The detail page; `submitted` holds the form that failed (with its errors and input)."""
    entry = quota.status(item.region_id, item.period, active_only=False)
    forms = {
        "review": ReviewForm(formdata=None),
        "grant": GrantForm(formdata=None, remaining=entry.remaining,
                           dagdelen=min(item.dagdelen_wanted, entry.remaining)),
        "reject": RejectForm(formdata=None),
        "assign": _assign_form(item, formdata=None, coordinator_id=str(item.assigned_coordinator_id or "")),
        "note": NoteForm(formdata=None),
        **submitted,
    }
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == Request.__tablename__, AuditEvent.subject_id == item.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    people_ids = {item.assigned_coordinator_id} | {e.actor_id for e in events} | {
        e.details.get(key) for e in events for key in ("from_coordinator", "to_coordinator")
    }
    people = dict(db.session.execute(
        select(User.id, User.name).where(User.id.in_([i for i in people_ids if isinstance(i, int)]))
    ).all())
    actions = {name for name, states in ACTION_STATES.items() if item.state in states}
    return render_template(
        "requests/coordinator/detail.html", item=item, entry=entry, forms=forms, events=events,
        people=people, actions=actions, **request_meetings(item),
    )


def request_meetings(item: Request) -> dict:
    """For a page: `sessions`, the request's sessions (also cancelled ones) with their experts in
    order of time, and `booked`, how many of them count against the granted dagdelen."""
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.request_id == item.id)
        .options(selectinload(Meeting.experts).joinedload(MeetingExpert.expert))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    return {"meetings": meetings, "booked": sum(s.state is not MeetingState.CANCELLED for s in meetings)}


def _assign_form(item: Request, **kwargs) -> AssignForm:
    """Choices: nobody, the active coordinators and whoever holds the request now."""
    form = AssignForm(**kwargs)
    coordinators = db.session.execute(
        select(User.id, User.name)
        .where(User.role == Role.COORDINATOR, or_(User.active, User.id == item.assigned_coordinator_id))
        .order_by(User.name)
    ).all()
    form.coordinator_id.choices = [("", _("Nobody"))] + [(str(id_), name) for id_, name in coordinators]
    return form


# ---- actions -----------------------------------------------------------------------------------
def _act(item: Request, action: str, form, run):
    """Validate `form`, then `run()` the service call, which returns the flash message.

    A rule the service finds is shown at its field; an action that no longer fits the state
    (someone else acted first) is flashed and the page shown again.
    """
    if action in ACTION_STATES and item.state not in ACTION_STATES[action]:
        return _changed(item)
    if form.validate_on_submit():
        try:
            message = run()
        except services.StateError:
            return _changed(item)
        except services.RuleViolation as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash(message, "success")
            return redirect(url_for(".coordinator_detail", request_id=item.id))
    return _detail(item, **{action: form})


def _changed(item: Request):
    flash(_("This request has changed in the meantime. Look at its current state before you act."), "warning")
    return redirect(url_for(".coordinator_detail", request_id=item.id))



@bp.post(REQUEST_URL + "/in-behandeling")
@coordinator_required
def coordinator_review(request_id: int):
    item = db.get_or_404(Request, request_id)

    def run():
        services.take_into_review(item, acting_user())
        return _("You have taken the request into review.")

    return _act(item, "review", ReviewForm(), run)


@bp.post(REQUEST_URL + "/toekennen")
@coordinator_required
def coordinator_grant(request_id: int):
    item = db.get_or_404(Request, request_id)
    form = GrantForm(remaining=quota.remaining(item.region_id, item.period))

    def run():
        services.grant(item, form.dagdelen.data, acting_user(), form.explanation.data or "")
        return ngettext(
            "You have granted %(num)s dagdeel. The region gets an e-mail about it.",
            "You have granted %(num)s dagdelen. The region gets an e-mail about it.",
            form.dagdelen.data,
        )

    return _act(item, "grant", form, run)


@bp.post(REQUEST_URL + "/afwijzen")
@coordinator_required
def coordinator_reject(request_id: int):
    item = db.get_or_404(Request, request_id)
    form = RejectForm()

    def run():
        services.reject(item, form.reason.data, acting_user())
        return _("You have rejected the request. The region gets an e-mail with the reason.")

    return _act(item, "reject", form, run)


@bp.post(REQUEST_URL + "/notitie")
@coordinator_required
def coordinator_note(request_id: int):
    item = db.get_or_404(Request, request_id)
    form = NoteForm()

    def run():
        services.add_note(item, form.text.data, acting_user())
        return _("Your note has been saved.")

    return _act(item, "note", form, run)


@bp.post(REQUEST_URL + "/toewijzen")
@coordinator_required
def coordinator_assign(request_id: int):
    item = db.get_or_404(Request, request_id)
    form = _assign_form(item)

    def run():
        chosen = form.coordinator_id.data
        services.assign(item, int(chosen) if chosen else None, acting_user())
        if not chosen:
            return _("The request is no longer assigned to a coordinator.")
        return _("The request is now assigned to %(name)s.", name=dict(form.coordinator_id.choices)[chosen])

    return _act(item, "assign", form, run)
