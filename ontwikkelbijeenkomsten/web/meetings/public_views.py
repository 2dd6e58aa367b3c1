"""The participant's pages: the agenda, a session's page with the registration form (an open
training at /agenda/<id>, a regional session behind the region's private link), the
participant's own page behind the link in their confirmation (cancel) and the evaluation.

No account: a registration gets a signed private link. A tampered or unknown link is a 404.
"""
from __future__ import annotations

from dataclasses import replace

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ontwikkelbijeenkomsten.certificates import services as certificates
from ontwikkelbijeenkomsten.certificates.labels import accreditation_text
from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.sectors import sector_label
from ontwikkelbijeenkomsten.core.tokens import InvalidToken, make_token, read_token
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url, private_page
from ontwikkelbijeenkomsten.mail.calendar import download
from ontwikkelbijeenkomsten.meetings import agenda as listing
from ontwikkelbijeenkomsten.meetings import links, queries, sector_places, services
from ontwikkelbijeenkomsten.meetings.calendar_links import calendar_links
from ontwikkelbijeenkomsten.meetings.mails import keeps_event
from ontwikkelbijeenkomsten.meetings.registers import register_label
from ontwikkelbijeenkomsten.meetings.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Meeting,
    MeetingKind,
    Registration,
    RegistrationState,
    calendar_entry,
)
from ontwikkelbijeenkomsten.web.experts.availability_forms import weekday_names
from ontwikkelbijeenkomsten.web.forms import field_error, in_choices, options, strip_filter
from ontwikkelbijeenkomsten.web.meetings.agenda_form import AgendaForm
from ontwikkelbijeenkomsten.web.meetings.blueprint import bp
from ontwikkelbijeenkomsten.web.meetings.forms import RegisterFields, RegistrationForm
from ontwikkelbijeenkomsten.web.meetings.registration_limits import registration_limits

MEETING_URL = "/agenda/<int(max=2147483647):meeting_id>"
RESEND_PURPOSE = "resend-confirmation"
RESEND_MAX_AGE = 3600  # seconds the "send my confirmation again" button works
ANSWER_MAX = 4000


# ---- the agenda --------------------------------------------------------------------------------
@bp.get("/agenda")
def agenda():
    months = listing.choosable_months()
    form = AgendaForm(formdata=request.args).configure(months)
    form.validate()
    filters = form.filters()
    by_month = request.args.get("weergave") == "maand"
    if by_month:  # a month is always shown: this one unless another was chosen
        filters = replace(filters, month=filters.month or months[0])
        form.month.data = filters.month.strftime("%Y-%m")
    items = listing.trainings(filters)
    month = listing.month(filters.month, items, months) if by_month else None
    chosen = {key: value for key, value in (("thema", filters.theme_id), ("regio", filters.region_id)) if value}
    return render_template(
        "meetings/public/agenda.html", form=form, items=items, month=month, chosen=chosen,
        shown_month=filters.month, weekdays=weekday_names(), month_label=listing.month_label,
    )


# ---- a session's page and registering -----------------------------------------------------------
def _open_training(meeting_id: int) -> Meeting:
    return _only_open_training(queries.find_meeting(meeting_id))


def _only_open_training(found: Meeting | None) -> Meeting:
    """`found` if it is an open training; a 404 for anything else."""
    if found is None or found.kind is not MeetingKind.OPEN_TRAINING:
        abort(404)
    return found


def _status(lead: Meeting) -> tuple[str, str | None]:
    """('closed', why) | ('full', None) | ('waiting_list', None) | ('open', None)."""
    if (reason := services.closed_reason(lead)) is not None:
        return "closed", str(reason)
    if services.is_full(lead):
        return ("waiting_list" if lead.waiting_list_enabled else "full"), None
    return "open", None


def _meeting_page(lead: Meeting, form: RegistrationForm, action: str, already: Registration | None = None):
    """The page of a session with its registration form; `already`: the registration the
    e-mail address that was entered already has (offer to send its confirmation again)."""
    experts = {a.expert.id: a.expert for part in lead.all_parts for a in part.experts
               if a.state in ACTIVE_ASSIGNMENT_STATES}
    mix = [(sector_label(sector), count) for sector, count in services.sector_mix(lead).items()]
    status, closed = _status(lead)
    accreditation = certificates.accreditation_of(lead)
    return render_template(
        "meetings/public/meeting.html", lead=lead, parts=lead.all_parts, experts=list(experts.values()),
        mix=mix, mix_total=sum(count for _label, count in mix), status=status, closed=closed,
        places_left=services.places_left(lead), closes_at=services.closes_at(lead),
        form=form, action=action, accreditation=accreditation_text(accreditation) if accreditation else "",
        called_off=lead.cancelled_whole,
        resend_token=make_token(RESEND_PURPOSE, already.id) if already else None, page_url=_meeting_url(lead),
        **_held_places(lead, status),
    )


def _held_places(lead: Meeting, status: str) -> dict:
    """What is left per sector while places are held ("Nog 4 plaatsen voor jeugdhulp")."""
    if status != "open" or not sector_places.is_holding(lead):
        return {"held": []}
    holding = [h for h in sector_places.overview(lead) if h.left]
    return {"held": [(sector_label(h.sector), h.left) for h in holding],
            "held_for": sector_places.sector_names([h.sector for h in holding]),
            "open_to_all": sector_places.open_to_all(lead),
            "held_until": sector_places.release_moment(lead, services.first_start(lead))}


def _register(lead: Meeting, action: str, form: RegistrationForm, valid: bool,
              earlier: services.Earlier | None = None):
    """Register with the posted `form` (`valid`: it passed validation): to the participant's
    page, or the form again. `earlier`: what the address did here before, read with `lead`."""
    already = None
    if valid:
        try:
            with unit_of_work(keep_loaded=True):  # the redirect reads only what was just written
                registration = services.register(lead, form.applicant(), earlier=earlier)
        except services.AlreadyRegistered as exc:
            already = exc.registration
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            if registration.state is RegistrationState.WAITING:
                position = services.waiting_position(registration)
                if held := sector_places.held_back(lead, registration.sector, services.first_start(lead)):
                    flash(_("%(held)s You are %(position)s. We have sent you an e-mail about it.",
                            held=held, position=position), "warning")
                else:
                    flash(_("The session is full. You are %(position)s. We have sent you an e-mail about it.",
                            position=position), "warning")
            else:
                flash(_("You are registered. We have sent a confirmation to %(email)s.",
                        email=registration.email), "success")
            return redirect(url_for("meetings.registration", token=links.registration_token(registration)))
    return _meeting_page(lead, form, action, already)


@bp.get(MEETING_URL)
def detail(meeting_id: int):
    meeting = _open_training(meeting_id)
    if meeting.series_id is not None:
        return redirect(url_for("meetings.detail", meeting_id=meeting.series_id))
    return _meeting_page(meeting, RegistrationForm().configure(), url_for("meetings.register", meeting_id=meeting.id))


@bp.post(MEETING_URL + "/aanmelden")
@registration_limits
def register(meeting_id: int):
    # The form needs no database, so it is checked first; then one query reads the training and
    # what the address did there before.
    form = RegistrationForm().configure()
    valid = form.validate_on_submit()
    found, earlier = queries.meeting_to_register(meeting_id, services.address(form.email.data) if valid else None)
    lead = _only_open_training(found).lead
    return _register(lead, url_for("meetings.register", meeting_id=lead.id), form, valid, earlier)


@bp.route("/bijeenkomst/<token>", methods=["GET", "POST"])
@registration_limits
def private_meeting(token: str):
    """A regional session's registration page, behind the link the region shares."""
    meeting = links.meeting_for_token(token)
    if meeting is None:
        abort(404)
    action = url_for("meetings.private_meeting", token=token)
    if request.method == "POST":
        form = RegistrationForm().configure()
        return private_page(make_response(_register(meeting.lead, action, form, form.validate_on_submit())))
    return private_page(make_response(_meeting_page(meeting.lead, RegistrationForm().configure(), action)))


def _meeting_url(lead: Meeting) -> str:
    if lead.kind is MeetingKind.OPEN_TRAINING:
        return url_for("meetings.detail", meeting_id=lead.id)
    return url_for("meetings.private_meeting", token=links.meeting_token(lead))


@bp.post("/aanmelden/bevestiging-opnieuw")
@limiter.limit("5 per hour")
def resend_confirmation():
    """Send the confirmation of an existing registration again, to its own address; the form
    carries a short-lived signed id, so nobody learns anything about that registration."""
    try:
        found = read_token(RESEND_PURPOSE, request.form.get("registration", ""), max_age=RESEND_MAX_AGE)
    except InvalidToken as exc:
        if not exc.expired:
            abort(404)
        # The page stood open for more than an hour: the form for lost links does the same.
        flash(_("That button works for an hour after you filled in the form. Fill in your e-mail address here "
                "and we send your link again."), "info")
        return redirect(url_for("core.lost_link"))
    registration = queries.find_registration(found) if isinstance(found, int) else None
    if registration is None:
        abort(404)
    if (closed := services.closed_reason(registration.meeting, by_hand=True)) is not None:
        flash(str(closed), "warning")  # cancelled or begun since the form: no confirmation to send
    elif registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITING):
        with unit_of_work():
            services.resend_confirmation(registration)
        flash(_("We have sent your confirmation again to %(email)s.", email=registration.email), "success")
    else:
        flash(_("This registration has been cancelled, so there is no confirmation to send. You can register "
                "again."), "warning")
    return redirect(_meeting_url(registration.meeting))


# ---- "Zet in mijn agenda": on the participant's own page, once they have a place -----------------
def _calendar(lead: Meeting, ics_url: str, page_url: str) -> dict:
    return {"ics": ics_url, "links": calendar_links(lead.all_parts, page_url)}


def _ics(lead: Meeting, page_url: str, filename: str, *, public: bool, cancelled: bool = False):
    """Every part, a cancelled one with STATUS:CANCELLED (every part when `cancelled`): a
    calendar that imported or subscribed to the file before then drops it."""
    entries = [calendar_entry(p, public_page=page_url if public else None) for p in lead.all_parts]
    response = make_response(download(entries, page_url, cancelled=cancelled))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


@bp.get(MEETING_URL + ".ics")
def training_ics(meeting_id: int):
    lead = _open_training(meeting_id).lead
    return _ics(lead, absolute_url("meetings.detail", meeting_id=lead.id), f"training-{lead.id}", public=True)


@bp.get("/aanmelding/<token>/agenda.ics")
def registration_ics(token: str):
    """The participant's own file: with the online link, and the link to their page. Once the
    registration is cancelled, the file says the session is cancelled for them, so a calendar
    that imported or subscribed to it drops it (unless the address has the session again), and
    the online link is left out."""
    found = _registration_or_404(token)
    if found.state is RegistrationState.WAITING:
        abort(404)  # never a place, so never in a calendar
    lead = found.meeting
    gone = found.state is RegistrationState.CANCELLED and not keeps_event(lead, found.email, leaving=None)
    return private_page(_ics(lead, absolute_url("meetings.registration", token=token), "bijeenkomst",
                             public=gone, cancelled=gone))  # no place: no online link either



# ---- the participant's own page ----------------------------------------------------------------
class CancelForm(FlaskForm):
    sure = BooleanField(_l("Yes, I want to cancel my registration."),
                        validators=[DataRequired(_l("Tick the box to confirm that you want to cancel."))])


def _registration_or_404(token: str) -> Registration:
    """The registration of a private link; 410 (the removal page) once its person was removed."""
    found = links.registration_for_token(token)
    if found is None:
        abort(404)
    if found.anonymised_at is not None:
        abort(410)
    return found


def _registration_page(registration: Registration, token: str, form: CancelForm,
                       register_form: RegisterFields | None = None):
    lead = registration.meeting
    certificate = certificates.certificate_of(registration)
    cancellable = registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITING)
    # Every dagdeel called off: the registration lapses with it (no place, no certificate).
    called_off = lead.cancelled_whole
    begun = services.closed_reason(lead, by_hand=True) is not None
    position = services.waiting_position(registration)
    moved = queries.moved_to(registration)
    # Attendance saved for every dagdeel and not present at any: no certificate will come.
    absent = registration.state is RegistrationState.CONFIRMED and certificates.ready_to_issue(lead)
    return private_page(make_response(render_template(
        "meetings/public/registration.html", registration=registration, lead=lead, parts=lead.all_parts,
        token=token, form=form, position=position, sector_label=sector_label, moved_to=moved,
        moved_token=links.registration_token(moved) if moved else None,
        held_until=sector_places.release_moment(lead, services.first_start(lead)) if position and position.sector
        else None,
        cancellable=cancellable and not begun, begun=begun, called_off=called_off, meeting_url=_meeting_url(lead),
        certificate=certificate, register_label=register_label, evaluable=_evaluable(registration),
        over=services.series_over(lead), absent=absent,
        register_form=None if certificate or called_off or absent or registration.state is RegistrationState.CANCELLED
        or (begun and registration.state is RegistrationState.WAITING)  # no place came free: no certificate
        else register_form or RegisterFields.of(registration),
        calendar=_calendar(lead, url_for("meetings.registration_ics", token=token),
                           absolute_url("meetings.registration", token=token))
        if registration.state is RegistrationState.CONFIRMED and not begun else None,
    )))


@bp.get("/aanmelding/<token>")
def registration(token: str):
    return _registration_page(_registration_or_404(token), token, CancelForm(formdata=None))


@bp.post("/aanmelding/<token>/afmelden")
@limiter.limit("30 per hour")
def cancel_registration(token: str):
    found = _registration_or_404(token)
    here = url_for("meetings.registration", token=token)
    if found.state is RegistrationState.CANCELLED:
        flash(_("Your registration had already been cancelled."), "info")
        return redirect(here)
    form = CancelForm()
    if not form.validate_on_submit():
        return _registration_page(found, token, form)
    had_place = found.state is RegistrationState.CONFIRMED
    try:
        with unit_of_work():
            promoted = services.cancel_registration(found)
    except RuleViolation as exc:
        flash(exc.message, "warning")
        return redirect(here)
    if not had_place:
        flash(_("You are no longer on the waiting list. We have sent you a confirmation by e-mail."), "success")
    elif promoted:
        flash(_("Your registration has been cancelled. Your place goes to the next person on the waiting list. "
                "We have sent you a confirmation by e-mail."), "success")
    else:
        flash(_("Your registration has been cancelled. Your place is free again for someone else. We have sent "
                "you a confirmation by e-mail."), "success")
    return redirect(here)


@bp.post("/aanmelding/<token>/registernummer")
@limiter.limit("30 per hour")
def change_register(token: str):
    """The participant adds or changes their register number, until the certificate is issued."""
    found = _registration_or_404(token)
    form = RegisterFields().configure_register()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                certificates.change_register(found, form.chosen_register, form.register_number.data or "")
        except RuleViolation as exc:
            if certificates.certificate_of(found) or found.state is RegistrationState.CANCELLED:
                flash(exc.message, "warning")  # the page has no number form any more
                return redirect(url_for("meetings.registration", token=token))
            field_error(form, exc)
        else:
            flash(_("Your register number has been saved.") if found.register
                  else _("You have no register number with this registration."), "success")
            return redirect(url_for("meetings.registration", token=token))
    return _registration_page(found, token, CancelForm(formdata=None), form)


# ---- the evaluation ----------------------------------------------------------------------------
def _answer(label):
    return TextAreaField(label, filters=[strip_filter], validators=[
        Length(max=ANSWER_MAX, message=_l("Use at most %(max)d characters.", max=ANSWER_MAX))])


class EvaluationForm(FlaskForm):
    """Call `configure()` before validating or rendering: it sets the score labels."""

    score = RadioField(_l("What score do you give this session?"), validate_choice=False, validators=[
        InputRequired(_l("Choose a score from 1 to 5.")), in_choices(_l("Choose a score from 1 to 5."))])
    went_well = _answer(_l("What went well?"))
    to_improve = _answer(_l("What could be better?"))

    def configure(self) -> EvaluationForm:
        self.score.choices = options([("1", _("1 – poor")), ("2", _("2 – moderate")), ("3", _("3 – fair")),
                                      ("4", _("4 – good")), ("5", _("5 – very good"))])
        return self


def _evaluable(registration: Registration) -> bool:
    """An attendee who has not answered yet, once every dagdeel of the session is over."""
    return (registration.state is RegistrationState.ATTENDED and registration.evaluation is None
            and services.series_over(registration.meeting))


@bp.route("/aanmelding/<token>/evaluatie", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def evaluation(token: str):
    found = _registration_or_404(token)
    form = EvaluationForm().configure()
    if _evaluable(found) and form.validate_on_submit():
        answers = services.Answers(int(form.score.data), form.went_well.data or "", form.to_improve.data or "")
        try:
            with unit_of_work():
                services.evaluate(found, answers)
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("Thank you for your evaluation!"), "success")
            return redirect(url_for("meetings.evaluation", token=token))
    return private_page(make_response(render_template(
        "meetings/public/evaluation.html", registration=found, lead=found.meeting, form=form, token=token,
        open_for_answers=_evaluable(found), over=services.series_over(found.meeting),
    )))
