"""The region contact's pages: the request form, the confirmation and the private status page.

No account: after sending the form the contact gets a signed private link
(`/aanvraag/<token>`) by mail. A tampered or unknown link is a plain 404.
"""
from __future__ import annotations

from datetime import date

from flask import (
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.rules import RuleViolation, StateError
from ontwikkelbijeenkomsten.core.themes import theme_choices
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.core.tokens import InvalidToken
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url, private_page
from ontwikkelbijeenkomsten.meetings.links import meeting_token
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.services import requestable_periods
from ontwikkelbijeenkomsten.reports.requests import status_meetings
from ontwikkelbijeenkomsten.requests import queries, region_changes, services
from ontwikkelbijeenkomsten.requests.models import WITHDRAWABLE, Request
from ontwikkelbijeenkomsten.scheduling.services import meetings_kept, upcoming_meetings
from ontwikkelbijeenkomsten.web.forms import field_error, optional_int
from ontwikkelbijeenkomsten.web.rate_limits import Wait, form_again_when_limited
from ontwikkelbijeenkomsten.web.requests.blueprint import bp
from ontwikkelbijeenkomsten.web.changes import REFUSED, apply
from ontwikkelbijeenkomsten.web.requests.forms import ChangeForm, QuestionForm, RequestForm, remaining_text

#: The audit events a region contact sees in the history of the request (not the internal notes).
PUBLIC_ACTIONS = (
    "request.submitted",
    "request.review",
    "request.granted",
    "request.grant_lowered",
    "request.rejected",
    "request.scheduled",
    "request.unscheduled",
    "request.held",
    "request.withdrawn",
    "session.booked",
    "session.rescheduled",
    "session.cancelled",
    "request.changed",
    "request.question",
    "request.contact_changed",  # shown with the new contact's name only: not the note, not who left
)


def _request_saved(response) -> bool:
    return response.status_code == 302


def _contact_key() -> str:
    return "request-contact:" + request.form.get("contact_email", "").strip().lower()[:254]


def _chosen_period_id() -> int | None:
    """The period of ?periode=<id> (a region asking for one to come), None without it; 404 for
    a value that is no period id."""
    chosen = request.args.get("periode")
    if chosen is None:
        return None
    return optional_int(chosen) or abort(404)


def _form(today: date):
    """The periods open, the one asked for and the form for it (filled in from a POST); the
    form is None when no period is open. A period that was chosen but is not open (any more)
    gives 404."""
    chosen = _chosen_period_id()
    periods = requestable_periods(today)
    period = services.pick_period(periods, chosen)
    if period is None:
        if chosen is not None:
            abort(404)
        return periods, None, None
    form = RequestForm()
    form.configure(quota.statuses(period), theme_choices())
    return periods, period, form


#: Within this many days of the period's end the form warns that the moments must come before it.
ENDS_SOON_DAYS = 28


def _form_page(form: RequestForm | None, period, periods, **context) -> str:
    if form is None:
        return render_template("requests/new.html", form=None, period=None)
    if not form.regions:  # no active region yet: nobody could choose theirs
        return render_template("requests/new.html", form=None, period=period, no_regions=True)
    today = today_local()
    days_left = (period.ends_on - today).days
    # The first period open is the form's own address; a later one carries ?periode=<id>.
    chosen = None if period.id == periods[0].id else period.id
    return render_template(
        "requests/new.html", form=form, period=period, chosen=chosen,
        other_periods=[(p, None if i == 0 else p.id) for i, p in enumerate(periods) if p.id != period.id],
        days_left=days_left if days_left <= ENDS_SOON_DAYS else None,
        remaining=remaining_text(form.chosen_region, queries.awaiting_decision(form.chosen_region.id, period.id))
        if form.chosen_region else None, **context,
    )


# Saved requests count per contact address, not per IP address: a school's or a municipality's
# colleagues share one. Every POST (also correcting a typo) counts towards a ceiling per IP address.
@bp.route("/aanvragen", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])
@limiter.limit("3 per day", methods=["POST"], key_func=_contact_key, deduct_when=_request_saved)
def new():
    today = today_local()
    periods, period, form = _form(today)
    if form is None:
        return _form_page(None, None, periods)
    if request.method == "GET":
        # A link such as /aanvragen?regio=12 (from a region's own page) preselects the region.
        preselected = optional_int(request.args.get("regio"))
        if preselected in form.regions:
            form.region_id.data = preselected
    if request.method == "POST":
        if form.website.data:
            # A bot filled in the hidden field: answer as if all went well, save and mail nothing.
            return render_template("requests/submitted.html", req=None, status_link=None)
        saved = _submit(form, today)
        if saved is not None:
            return redirect(url_for("requests.submitted", token=services.status_token(saved)))
    return _form_page(form, period, periods, errors=form.error_list() if request.method == "POST" else [])


@form_again_when_limited("requests.new")
def _form_again(wait: Wait) -> str:
    """Over a limit: the form again with what was typed, nothing checked and nothing saved."""
    periods, period, form = _form(today_local())
    return _form_page(form, period, periods, errors=[], limited=wait)


def _submit(form: RequestForm, today: date) -> Request | None:
    """Save the request when the form and the rules allow it; else put every problem at its field.

    When the form already found problems, the rules are checked too (nothing is saved), so the
    person sees all there is to correct at once; a field keeps the form's own message."""
    valid = form.validate_on_submit()
    submission = form.submission(locale=str(get_locale() or "nl"), period_id=_chosen_period_id())
    if not valid:
        problems = [p for p in services.check_submission(submission, today) if not form.has_error_at(p.field)]
        if problems:
            field_error(form, RuleViolation.all(problems))
        return None
    try:
        with unit_of_work():
            return services.submit(submission, today=today)
    except RuleViolation as exc:
        field_error(form, exc)
        return None


@bp.get("/aanvragen/resterend")
@bp.get("/aanvragen/resterend/<int(max=2147483647):period_id>")
def remaining(period_id: int | None = None):
    """What a region has left in the period, for the form's script: {"remaining": 3, "quota": 4,
    "text": "..."}. The period is in the path: the script adds ?region_id=N."""
    region_id = optional_int(request.args.get("region_id"))
    period = services.open_period(period_id=period_id)
    if region_id is None or period is None:
        abort(404)
    found = quota.statuses(period, region_id)
    if not found:
        abort(404)
    count = found[0]
    return jsonify(remaining=count.remaining, quota=count.quota,
                   text=remaining_text(count, queries.awaiting_decision(region_id, period.id)))


def _request_or_404(token: str) -> Request:
    try:
        found = services.request_for_token(token)
    except InvalidToken:
        abort(404)
    if found is None:
        abort(404)
    if found.anonymised_at is not None:
        abort(410)  # the contact person was removed: the removal page
    return found


@bp.get("/aanvragen/verzonden/<token>")
def submitted(token: str):
    found = _request_or_404(token)
    link = absolute_url("requests.status", token=token)
    return private_page(make_response(render_template("requests/submitted.html", req=found, token=token, status_link=link)))


@bp.get("/aanvraag/<token>")
def status(token: str):
    return _status_page(_request_or_404(token), token)


def _status_page(found: Request, token: str, question: QuestionForm | None = None):
    """The status page; `question` is the question form that was sent with errors."""
    history = queries.history(found, PUBLIC_ACTIONS)
    meetings, experts = status_meetings(found)
    # The private registration link of each session to come, for the region to share.
    registration_links = {
        s.id: absolute_url("meetings.private_meeting", token=meeting_token(s)) for s in upcoming_meetings(found)
    }
    return private_page(make_response(render_template(
        "requests/status.html", req=found, token=token, history=history, meetings=meetings, experts=experts,
        registration_links=registration_links, withdrawable=found.state in WITHDRAWABLE,
        changeable=region_changes.changeable(found), question=question or QuestionForm(formdata=None),
    )))


@bp.route("/aanvraag/<token>/wijzigen", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def change(token: str):
    """The region changes themes, preferred moments and participants until a decision is made."""
    found = _request_or_404(token)
    if not region_changes.changeable(found):
        flash(_("A coordinator has decided on this request, so it can no longer be changed. "
                "Ask your question below if something is different now."), "warning")
        return redirect(url_for("requests.status", token=token, _anchor="question-title"))
    form = ChangeForm() if request.method == "POST" else ChangeForm.of(found)
    form.configure(theme_choices())
    if request.method == "POST":
        if not form.validate_on_submit():
            problems = [p for p in region_changes.problems(found, form.change()) if not form.has_error_at(p.field)]
            if problems:
                field_error(form, RuleViolation.all(problems))
        else:
            try:
                with unit_of_work():
                    changed = region_changes.change(found, form.change())
            except RuleViolation as exc:
                field_error(form, exc)
            except StateError:  # a coordinator decided meanwhile
                return redirect(url_for("requests.change", token=token))
            else:
                flash(_("Your request has been changed.") if changed else _("Nothing was changed."), "success")
                return redirect(url_for("requests.status", token=token))
    return private_page(make_response(render_template(
        "requests/change.html", req=found, token=token, form=form,
        errors=form.error_list() if request.method == "POST" else [],
    )))


@bp.post("/aanvraag/<token>/vraag")
@limiter.limit("10 per hour")
def ask(token: str):
    """A question to the coordinators: on the timeline of the request, and mailed to them."""
    found = _request_or_404(token)
    form = QuestionForm()
    if apply(form, lambda: region_changes.ask(found, form.question.data)) is REFUSED:
        return _status_page(found, token, question=form)
    flash(_("Your question has been sent to the coordinators. You will get an answer by e-mail or telephone."),
          "success")
    return redirect(url_for("requests.status", token=token, _anchor="history-title"))


@bp.route("/aanvraag/<token>/intrekken", methods=["GET", "POST"])
def withdraw(token: str):
    found = _request_or_404(token)
    if found.state not in WITHDRAWABLE:
        flash(_("This request can no longer be withdrawn."), "warning")
        return redirect(url_for("requests.status", token=token))
    if request.method == "POST":
        try:
            with unit_of_work():
                services.withdraw(found)
        except StateError:
            flash(_("This request can no longer be withdrawn."), "warning")
        else:
            flash(_("Your request has been withdrawn. We have sent you a confirmation by e-mail."), "success")
        return redirect(url_for("requests.status", token=token))
    upcoming = upcoming_meetings(found)
    returned = max(found.dagdelen_granted - meetings_kept(found, upcoming), 0)
    return private_page(make_response(render_template("requests/withdraw.html", req=found, token=token,
                                                      upcoming=len(upcoming), returned=returned)))
