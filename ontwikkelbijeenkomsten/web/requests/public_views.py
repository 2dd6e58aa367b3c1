"""The region contact's pages: the request form, the confirmation and the private status page.

No account: after sending the form the contact gets a signed private link
(`/aanvraag/<token>`) by mail. A tampered or unknown link is a plain 404.
"""
from __future__ import annotations

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
from sqlalchemy import select

from ontwikkelbijeenkomsten.web.forms import optional_int
from ontwikkelbijeenkomsten.core.models import AuditEvent, Theme
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.core.tokens import InvalidToken
from ontwikkelbijeenkomsten.core.urls import absolute_url, private_page
from ontwikkelbijeenkomsten.core.extensions import db, limiter
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import OrganisationType
from ontwikkelbijeenkomsten.scheduling.services import upcoming_meetings
from ontwikkelbijeenkomsten.meetings.links import meeting_token
from ontwikkelbijeenkomsten.meetings.models import Meeting
from ontwikkelbijeenkomsten.requests import services
from ontwikkelbijeenkomsten.web.requests.blueprint import bp
from ontwikkelbijeenkomsten.web.requests.forms import RequestForm, remaining_text
from ontwikkelbijeenkomsten.requests.models import LocationKind, Request

#: The audit events a region contact sees in the history of the request (not the internal notes).
PUBLIC_ACTIONS = (
    "request.submitted",
    "request.review",
    "request.granted",
    "request.rejected",
    "request.scheduled",
    "request.unscheduled",
    "request.held",
    "request.withdrawn",
    "session.booked",
    "session.rescheduled",
    "session.cancelled",
)


def _active_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.active).order_by(Theme.position, Theme.name)))


def _submission(form: RequestForm) -> services.Submission:
    period_given = form.uses_period
    return services.Submission(
        region_id=form.region_id.data,
        organisation_name=form.organisation_name.data,
        organisation_type=OrganisationType(form.organisation_type.data),
        participating_organisations=form.participating_organisations.data or "",
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data,
        contact_function=form.contact_function.data or "",
        theme_ids=list(dict.fromkeys(form.theme_ids.data)),
        dagdelen_wanted=form.dagdelen_wanted.data,
        moments=form.filled_moments,
        period_start=form.period_start.data if period_given else None,
        period_end=form.period_end.data if period_given else None,
        period_dagdelen=[Dagdeel(v) for v in dict.fromkeys(form.period_dagdelen.data or [])] if period_given else [],
        expected_participants=form.expected_participants.data,
        sectors=list(dict.fromkeys(form.sectors.data or [])),
        goal=form.goal.data,
        location_kind=LocationKind(form.location_kind.data),
        location=form.location.data if form.location_kind.data == LocationKind.ADDRESS.value else "",
        consent=bool(form.consent.data),
        locale=str(get_locale() or "nl"),
        submission_key=form.key,
    )


def _request_saved(response) -> bool:
    return response.status_code == 302


def _contact_key() -> str:
    return "request-contact:" + request.form.get("contact_email", "").strip().lower()[:254]


@bp.route("/aanvragen", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])
@limiter.limit("10 per hour", methods=["POST"], deduct_when=_request_saved)
@limiter.limit("3 per day", methods=["POST"], key_func=_contact_key, deduct_when=_request_saved)
def new():
    today = today_local()
    period = services.open_period(today)
    if period is None:
        return render_template("requests/new.html", form=None, period=None)
    regions = quota.statuses(period)
    form = RequestForm()
    form.configure(regions, _active_themes(), period, today)
    if request.method == "GET":
        # A link such as /aanvragen?regio=12 (from a region's own page) preselects the region.
        preselected = optional_int(request.args.get("regio"))
        if preselected in form.regions:
            form.region_id.data = preselected
    if request.method == "POST":
        if form.website.data:
            # A bot filled in the hidden field: answer as if all went well, save and mail nothing.
            return render_template("requests/submitted.html", req=None, status_link=None)
        if form.validate_on_submit():
            try:
                saved = services.submit(_submission(form), today=today)
            except services.RuleViolation as violation:
                db.session.rollback()
                form.add_service_error(violation.field, str(violation.message))
            else:
                return redirect(url_for("requests.submitted", token=services.status_token(saved)))
    return render_template(
        "requests/new.html", form=form, period=period, errors=form.error_list() if request.method == "POST" else [],
        remaining=remaining_text(form.chosen_region) if form.chosen_region else None,
    )


@bp.get("/aanvragen/resterend")
def remaining():
    """What a region has left, for the form's script: {"remaining": 3, "quota": 4, "text": "..."}."""
    region_id = optional_int(request.args.get("region_id"))
    period = services.open_period()
    if region_id is None or period is None:
        abort(404)
    found = quota.statuses(period, region_id)
    if not found:
        abort(404)
    count = found[0]
    return jsonify(remaining=count.remaining, quota=count.quota, text=remaining_text(count))


def _request_or_404(token: str) -> Request:
    try:
        found = services.request_for_token(token)
    except InvalidToken:
        abort(404)
    if found is None:
        abort(404)
    return found


@bp.get("/aanvragen/verzonden/<token>")
def submitted(token: str):
    found = _request_or_404(token)
    link = absolute_url("requests.status", token=token)
    return private_page(make_response(render_template("requests/submitted.html", req=found, token=token, status_link=link)))


@bp.get("/aanvraag/<token>")
def status(token: str):
    found = _request_or_404(token)
    history = list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == Request.__tablename__, AuditEvent.subject_id == found.id,
               AuditEvent.action.in_(PUBLIC_ACTIONS))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ))
    meetings = list(db.session.scalars(
        select(Meeting).where(Meeting.request_id == found.id).order_by(Meeting.starts_at, Meeting.id)
    ))
    # The private registration link of each session to come, for the region to share.
    registration_links = {
        s.id: absolute_url("meetings.private_meeting", token=meeting_token(s)) for s in upcoming_meetings(found)
    }
    return private_page(make_response(render_template(
        "requests/status.html", req=found, token=token, history=history, meetings=meetings,
        registration_links=registration_links, withdrawable=found.state in services.WITHDRAWABLE,
    )))


@bp.route("/aanvraag/<token>/intrekken", methods=["GET", "POST"])
def withdraw(token: str):
    found = _request_or_404(token)
    if found.state not in services.WITHDRAWABLE:
        flash(_("This request can no longer be withdrawn."), "warning")
        return redirect(url_for("requests.status", token=token))
    if request.method == "POST":
        try:
            services.withdraw(found)
        except services.StateError:
            db.session.rollback()
            flash(_("This request can no longer be withdrawn."), "warning")
        else:
            flash(_("Your request has been withdrawn. We have sent you a confirmation by e-mail."), "success")
        return redirect(url_for("requests.status", token=token))
    upcoming = len(upcoming_meetings(found))
    return private_page(make_response(render_template("requests/withdraw.html", req=found, token=token,
                                                      upcoming=upcoming)))
