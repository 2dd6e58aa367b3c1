"""The participant list of a session (for coordinators and its experts), its CSV export and
printable presence list, attendance, the coordinators' changes to the list, and the results of
the evaluations.

The list carries no form per person, so a list of a thousand stays small and quick: each name
links coordinators to that registration's own page, which offers giving a place, cancelling and
moving, and leads back to the list with what happened.

A page about a part of a series shows the list of the series (held by its lead); attendance is
marked per part, for the part in the address. Views parse input, call meetings.services in one
unit of work and say what happened.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ontwikkelbijeenkomsten.certificates import services as certificates
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.i18n import clock, long_date
from ontwikkelbijeenkomsten.core.time import to_local
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.sectors import Sector, sector_label
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import lists, queries, sector_places, services
from ontwikkelbijeenkomsten.meetings.models import (
    REGISTRATION_STATES,
    Meeting,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
)
from ontwikkelbijeenkomsten.meetings.registers import register_label
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.downloads import csv_download, session_filename
from ontwikkelbijeenkomsten.web.forms import field_error, options
from ontwikkelbijeenkomsten.web.meetings.access import list_page, series_or_404
from ontwikkelbijeenkomsten.web.meetings.blueprint import bp
from ontwikkelbijeenkomsten.web.meetings.forms import RegisterFields
from ontwikkelbijeenkomsten.web.meetings.held_places import held_places
from ontwikkelbijeenkomsten.web.meetings.list_forms import (
    AddForm,
    AttendanceForm,
    CancelForm,
    CapacityForm,
    MoveForm,
    SectorPlacesForm,
)
from ontwikkelbijeenkomsten.web.regions.views import period_choice

#: Larger ids overflow the database's integer column; the converter answers 404 for them.
LIST_URL = "/bijeenkomsten/<int(max=2147483647):meeting_id>"
REGISTRATION_URL = LIST_URL + "/deelnemers/<int(max=2147483647):registration_id>"
EVALUATIONS_URL = "/coordinatie/evaluaties"


def _registration_or_404(meeting: Meeting, registration_id: int) -> Registration:
    found = queries.find_registration(registration_id)
    if found is None or found.meeting_id != meeting.lead.id:
        abort(404)
    return found


def _attendance_open(part: Meeting) -> bool:
    return part.state is not MeetingState.CANCELLED and part.starts_at <= utcnow()


def _target_label(target: Meeting, sector: Sector) -> str:
    """The session with the places free for `sector`, as the move would find them: places held
    for other sectors are not free for this person."""
    left = sector_places.places_for(target, sector)
    everyone = services.places_left(target)
    if left is None:
        places = _("no limit")
    elif left and left != everyone:
        places = ngettext("%(num)d place left for %(sector)s", "%(num)d places left for %(sector)s", left,
                          sector=sector_label(sector).lower())
    elif left:
        places = ngettext("%(num)d place left", "%(num)d places left", left)
    elif everyone:
        places = _("no place left for %(sector)s: waiting list", sector=sector_label(sector).lower())
    else:
        places = _("full: waiting list")
    return _("%(title)s, %(date)s at %(time)s (%(places)s)", title=target.title, date=long_date(target.date),
             time=clock(target.starts_at), places=places)


def _move_choices(lead: Meeting, sector: Sector) -> list[tuple[str, str]]:
    """Open sessions to move someone of `sector` to; one without a place for them and without
    a waiting list has no room."""
    return [("", _("Choose a session"))] + [
        (str(t.id), _target_label(t, sector)) for t in lists.move_targets(lead)
        if sector_places.places_for(t, sector) != 0 or t.waiting_list_enabled]


def _page(meeting: Meeting, *, failed=None, key: str | None = None):
    """The participants page; `failed` is the form that was sent with errors, under `key`."""
    found = lists.participant_list(meeting)
    lead = found.lead
    closed = services.closed_reason(lead, by_hand=True)
    forms = {}
    if current_user.is_coordinator and closed is None:
        forms["add"] = AddForm(prefix="add", formdata=None).configure()
        forms["capacity"] = CapacityForm(prefix="capacity", formdata=None, capacity=lead.capacity,
                                         waiting_list=lead.waiting_list_enabled)
        if lead.kind is MeetingKind.OPEN_TRAINING:
            forms["places"] = _sector_places_form(lead)
    if _attendance_open(meeting):
        attendance = AttendanceForm(prefix="attendance", formdata=None,
                                    present=[str(rid) for rid in found.present_here()])
        attendance.present.choices = options((str(r.id), r.name) for r in found.confirmed)
        forms["attendance"] = attendance
    if failed is not None:
        forms[key] = failed
    return render_template(
        "meetings/lists/participants.html", found=found, lead=lead, forms=forms, failed=failed, closed=closed,
        full_without_waiting_list=_full_message() if _full_without_waiting_list(lead) else None,
        sectors=[(sector_label(s), n) for s, n in found.sectors.items()],
        **held_places(lead),
        state_labels={s: REGISTRATION_STATES.label(s) for s in RegistrationState},
    )


def _full_message() -> str:
    """Why nobody can be added by hand, and what to do first."""
    return _("The session is full and keeps no waiting list, so nobody can be added. First raise the number "
             "of places or turn the waiting list on, under “Places and waiting list”.")


def _full_without_waiting_list(lead: Meeting) -> bool:
    return services.is_full(lead) and not lead.waiting_list_enabled


def _sector_places_form(lead: Meeting) -> SectorPlacesForm:
    release = to_local(lead.places_release_at) if lead.places_release_at else None
    return SectorPlacesForm(
        prefix="places", formdata=None, release_at=release.date() if release else None,
        release_time=release.time() if release else None,
        **{sector.value: sector_places.held(lead, sector) or None for sector in sector_places.HOLDING_SECTORS})


def _person_page(meeting: Meeting, registration: Registration, *, failed=None, key: str | None = None):
    """One registration with the changes a coordinator can make to it (while the list can
    change; the register number also afterwards); `failed` is the form that was sent with
    errors, under `key`."""
    lead = meeting.lead
    register_form = None
    if registration.state is not RegistrationState.CANCELLED:
        register_form = failed if key == "register" else RegisterFields.of(registration)
    closed = services.closed_reason(lead, by_hand=True)
    forms = {}
    if closed is None and registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITING):
        forms["cancel"] = CancelForm(prefix=f"cancel-{registration.id}", formdata=None)
        forms["move"] = MoveForm(prefix=f"move-{registration.id}", formdata=None)
        forms["move"].target.choices = options(_move_choices(lead, registration.sector))
    if key in forms:
        forms[key] = failed
    elif key != "register":  # the registration can no longer be changed: the page says so, not the form
        failed = None
    return render_template(
        "meetings/lists/participant.html", part=meeting, lead=lead, registration=registration, forms=forms,
        failed=failed, closed=closed, full=services.is_full(lead), position=services.waiting_position(registration),
        sector_label=sector_label, register_form=register_form, register_label=register_label,
        certificate=certificates.certificate_of(registration),
    )


def _back(meeting: Meeting, message, category: str = "success"):
    flash(message, category)
    return redirect(url_for(".participants", meeting_id=meeting.id))


def _action(meeting: Meeting, key: str, form, run, *, inline: bool = False, page=None):
    """Validate `form`, then `run(form)`, which calls the service and returns the message to
    flash. A rule about one of the form's fields is shown there (every rule, when `inline`: what
    was typed stays), on `page(form, key)` (the list by default); other rules are flashed."""
    if form.validate_on_submit():
        try:
            with unit_of_work():
                message = run(form)
        except RuleViolation as exc:
            if not inline and exc.field not in form._fields:
                return _back(meeting, exc.message, "warning")
            field_error(form, exc)
        else:
            return _back(meeting, message)
    if page is not None:
        return page(form, key)
    return _page(meeting, failed=form, key=key)


def _promoted_text(promoted: list[Registration]) -> str:
    if not promoted:
        return ""
    return " " + ngettext("%(num)d person from the waiting list got a place: %(names)s.",
                          "%(num)d people from the waiting list got a place: %(names)s.",
                          len(promoted), names=", ".join(r.name for r in promoted))


# ---- the list, its export and its print --------------------------------------------------------
@bp.get(LIST_URL + "/deelnemers", endpoint="participants")
@list_page
def participants(meeting: Meeting):
    return _page(meeting)


@bp.get(LIST_URL + "/deelnemers.csv", endpoint="participants_csv")
@list_page
def participants_csv(meeting: Meeting):
    """Semicolons and a byte order mark: what Excel with Dutch settings opens as columns. Only
    coordinators get the e-mail addresses and register numbers."""
    found = lists.participant_list(meeting)
    return csv_download(lists.csv_rows(found, for_coordinator=current_user.is_coordinator),
                        session_filename("deelnemers", found.lead.date, found.lead.title))


@bp.get(LIST_URL + "/presentielijst", endpoint="presence_list")
@list_page
def presence_list(meeting: Meeting):
    """?deel=<id> chooses the part of a series the list is for; another id gives 404."""
    part = meeting
    if "deel" in request.args:
        wanted = request.args.get("deel", type=int)
        part = next((p for p in meeting.all_parts if p.id == wanted), None)
        if part is None:
            abort(404)
    return render_template("meetings/lists/presence.html", found=lists.participant_list(part), part=part,
                           sector_label=sector_label)


# ---- attendance (coordinators and the session's experts) ---------------------------------------
@bp.post(LIST_URL + "/aanwezigheid", endpoint="attendance")
@list_page
def attendance(meeting: Meeting):
    form = AttendanceForm(prefix="attendance")
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            before = certificates.holders(meeting.lead)
            queued = services.mark_attendance(meeting, form.present_ids, acting_user())
            after = certificates.holders(meeting.lead)
    except RuleViolation as exc:
        return _back(meeting, exc.message, "warning")
    said = [_("Attendance has been saved.")]
    if queued:
        said.append(ngettext("%(num)d participant gets an e-mail with the evaluation.",
                             "%(num)d participants get an e-mail with the evaluation.", queued))
    elif not services.series_over(meeting.lead):  # the evaluation waits for the last dagdeel
        said.append(_("After the last dagdeel, everyone who was present gets an e-mail with the evaluation."))
    if after - before:  # a save after the end issues the certificates at once
        said.append(ngettext("%(num)d participant gets their certificate of attendance by e-mail.",
                             "%(num)d participants get their certificate of attendance by e-mail.",
                             len(after - before)))
    if before - after:
        said.append(ngettext(
            "%(num)d certificate of attendance has been withdrawn: that participant is no longer marked present.",
            "%(num)d certificates of attendance have been withdrawn: those participants are no longer marked present.",
            len(before - after)))
    return _back(meeting, " ".join(said))


# ---- changes to the list (coordinators) --------------------------------------------------------
@bp.get(REGISTRATION_URL, endpoint="participant")
@coordinator_required
def participant(meeting_id: int, registration_id: int):
    meeting = series_or_404(meeting_id)
    return _person_page(meeting, _registration_or_404(meeting, registration_id))


@bp.post(LIST_URL + "/deelnemers/toevoegen", endpoint="add_participant")
@coordinator_required
def add_participant(meeting_id: int):
    meeting = series_or_404(meeting_id)

    def run(form: AddForm):
        try:
            added = services.register(meeting.lead, form.applicant(by_hand=True), actor=acting_user())
        except services.AlreadyRegistered as exc:
            raise RuleViolation("email", _(
                "%(email)s is already on the list of this session (%(state)s).", email=exc.registration.email,
                state=REGISTRATION_STATES.label(exc.registration.state).lower())) from None
        except RuleViolation as exc:
            if exc.field == "meeting" and _full_without_waiting_list(meeting.lead):
                raise RuleViolation("meeting", _full_message()) from None
            raise
        if added.state is RegistrationState.CONFIRMED:
            return _("%(name)s has been added and has a place. They get a confirmation by e-mail.", name=added.name)
        return _("The session is full, so %(name)s is %(position)s. They get an e-mail about it.",
                 name=added.name, position=services.waiting_position(added))

    return _action(meeting, "add", AddForm(prefix="add").configure(), run, inline=True)


@bp.post(REGISTRATION_URL + "/afmelden", endpoint="cancel_participant")
@coordinator_required
def cancel_participant(meeting_id: int, registration_id: int):
    meeting = series_or_404(meeting_id)
    registration = _registration_or_404(meeting, registration_id)

    def run(form: CancelForm):
        if registration.state is RegistrationState.CANCELLED:
            return _("The registration of %(name)s had already been cancelled.", name=registration.name)
        promoted = services.cancel_registration(registration, actor=acting_user(), reason=form.reason.data or None)
        return _("The registration of %(name)s has been cancelled. They get an e-mail about it.",
                 name=registration.name) + _promoted_text(promoted)

    return _action(meeting, "cancel", CancelForm(prefix=f"cancel-{registration.id}"), run,
                   page=lambda form, key: _person_page(meeting, registration, failed=form, key=key))


@bp.post(REGISTRATION_URL + "/plaats-geven", endpoint="promote_participant")
@coordinator_required
def promote_participant(meeting_id: int, registration_id: int):
    meeting = series_or_404(meeting_id)
    registration = _registration_or_404(meeting, registration_id)
    try:
        with unit_of_work():
            raised = services.promote(registration, acting_user())
    except RuleViolation as exc:
        return _back(meeting, exc.message, "warning")
    message = _("%(name)s now has a place and gets an e-mail about it.", name=registration.name)
    if raised:
        message += " " + _("The session was full, so it now has one place more: %(capacity)d.",
                           capacity=meeting.lead.capacity)
    return _back(meeting, message)


@bp.post(REGISTRATION_URL + "/verplaatsen", endpoint="move_participant")
@coordinator_required
def move_participant(meeting_id: int, registration_id: int):
    meeting = series_or_404(meeting_id)
    registration = _registration_or_404(meeting, registration_id)
    form = MoveForm(prefix=f"move-{registration.id}")
    form.target.choices = options(_move_choices(meeting.lead, registration.sector))

    def run(form: MoveForm):
        target = queries.find_meeting(form.target_id) or abort(404)
        moved = services.move(registration, target, acting_user())
        where = {"name": moved.name, "title": target.title, "date": long_date(target.date)}
        if moved.state is RegistrationState.CONFIRMED:
            return _("%(name)s has been moved to %(title)s on %(date)s and has a place there. They get an e-mail "
                     "about it.", **where)
        return _("%(name)s has been moved to %(title)s on %(date)s. That session is full, so they are on its "
                 "waiting list. They get an e-mail about it.", **where)

    return _action(meeting, "move", form, run,
                   page=lambda form, key: _person_page(meeting, registration, failed=form, key=key))


@bp.post(REGISTRATION_URL + "/registernummer", endpoint="participant_register")
@coordinator_required
def participant_register(meeting_id: int, registration_id: int):
    """The coordinator enters or corrects the register number (also after the certificate)."""
    meeting = series_or_404(meeting_id)
    registration = _registration_or_404(meeting, registration_id)

    def run(form: RegisterFields):
        reissued = certificates.set_register(registration, form.chosen_register, form.register_number.data or "",
                                             acting_user())
        message = (_("The register number of %(name)s has been saved.", name=registration.name) if registration.register
                   else _("%(name)s has no register number with this registration.", name=registration.name))
        if reissued:
            message += " " + _("Their certificate has been issued anew with it; they get the link by e-mail again.")
        return message

    return _action(meeting, "register", RegisterFields().configure_register(), run, inline=True,
                   page=lambda form, key: _person_page(meeting, registration, failed=form, key=key))


@bp.post(LIST_URL + "/plaatsen", endpoint="participants_capacity")
@coordinator_required
def participants_capacity(meeting_id: int):
    meeting = series_or_404(meeting_id)

    def run(form: CapacityForm):
        capacity, waiting_list = form.capacity.data, form.waiting_list.data
        promoted = services.set_capacity(meeting.lead, capacity, waiting_list, acting_user())
        if capacity is None:  # it cannot be full: what happens when it is full does not apply
            return _("The session now has no limit on places.") + _promoted_text(promoted)
        message = ngettext("The session now has %(num)d place.", "The session now has %(num)d places.", capacity)
        message += " " + (_("When it is full, people go on the waiting list.") if waiting_list
                          else _("When it is full, nobody can register any more."))
        message += _promoted_text(promoted)
        still_waiting = lists.waiting_count(meeting.lead)
        if not waiting_list and still_waiting:
            message += " " + ngettext(
                "%(num)d person is still on the waiting list and gets a place when one comes free.",
                "%(num)d people are still on the waiting list and get a place when one comes free.",
                still_waiting)
        return message

    return _action(meeting, "capacity", CapacityForm(prefix="capacity"), run)


@bp.post(LIST_URL + "/plaatsen-per-sector", endpoint="participants_sector_places")
@coordinator_required
def participants_sector_places(meeting_id: int):
    meeting = series_or_404(meeting_id)
    if meeting.lead.kind is not MeetingKind.OPEN_TRAINING:
        abort(404)

    def run(form: SectorPlacesForm):
        promoted = services.set_sector_places(meeting.lead, form.held, form.moment, acting_user())
        if not any(form.held.values()):
            message = _("No places are held for a sector any more.")
        elif meeting.lead.places_released_at is not None:
            message = _("The places per sector have been saved and are open to everyone now.")
        else:
            release = sector_places.release_moment(meeting.lead, services.first_start(meeting.lead))
            message = _("The places per sector have been saved. They are kept until %(date)s at %(time)s; then "
                        "the places that are left are open to everyone.", date=long_date(release), time=clock(release))
        return message + _promoted_text(promoted)

    return _action(meeting, "places", SectorPlacesForm(prefix="places"), run, inline=True)


# ---- evaluations (coordinators) ----------------------------------------------------------------
@bp.get(EVALUATIONS_URL, endpoint="evaluations")
@coordinator_required
def evaluations():
    form, period = period_choice()
    return render_template("meetings/lists/evaluations.html", form=form, period=period,
                           groups=lists.evaluation_overview(period), score_text=lists.score_text)


@bp.get(EVALUATIONS_URL + "/<int(max=2147483647):meeting_id>", endpoint="meeting_evaluations")
@coordinator_required
def meeting_evaluations(meeting_id: int):
    meeting = series_or_404(meeting_id)
    return render_template("meetings/lists/meeting_evaluations.html", lead=meeting.lead,
                           results=lists.meeting_results(meeting.lead), score_text=lists.score_text)
