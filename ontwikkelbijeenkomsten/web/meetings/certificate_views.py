"""Certificates of attendance: the participant's PDF (behind their private link), the public
verification page, and the coordinators' accreditation page with the exports for the registers.

The verification page `/deelnamebewijs/<code>` shows name, training and dates only; a tampered
or unknown code is a 404, a genuine one past the retention period a 410. `/deelnamebewijs` is
the form to type a code (the address printed on the certificate beside the code).
"""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.certificates import exports, pdf
from ontwikkelbijeenkomsten.certificates import services as certificates
from ontwikkelbijeenkomsten.certificates.labels import accreditation_text
from ontwikkelbijeenkomsten.certificates.models import CreditUnit
from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url, private_page
from ontwikkelbijeenkomsten.meetings import links
from ontwikkelbijeenkomsten.meetings.models import Meeting
from ontwikkelbijeenkomsten.meetings.registers import Register, register_label, short_label
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.downloads import csv_download, session_filename
from ontwikkelbijeenkomsten.web.forms import field_error
from ontwikkelbijeenkomsten.web.meetings.access import series_or_404
from ontwikkelbijeenkomsten.web.meetings.blueprint import bp
from ontwikkelbijeenkomsten.web.meetings.certificate_forms import AccreditationForm, CodeForm

#: Checking codes, typed or followed (one budget for both), as the other public pages behind a code are limited.
LOOKUP_LIMIT = "60 per hour"
ACCREDITATION_URL = "/bijeenkomsten/<int(max=2147483647):meeting_id>/accreditatie"


# ---- the participant's certificate -------------------------------------------------------------
@bp.get("/aanmelding/<token>/deelnamebewijs.pdf")
@limiter.limit("30 per hour")
def certificate(token: str):
    registration = links.registration_for_token(token)
    found = certificates.certificate_of(registration) if registration else None
    if found is None:
        abort(404)
    content = certificates.content(found)
    body = pdf.render(content, absolute_url("meetings.verify_certificate", code=found.code),
                      absolute_url("meetings.certificate_lookup"), registration.locale)
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'inline; filename="deelnamebewijs.pdf"'
    return private_page(response)


@bp.get("/deelnamebewijs")
@limiter.shared_limit(LOOKUP_LIMIT, scope="certificate-codes")
def certificate_lookup():
    """The form to type a code; a code we know (or knew: expired) leads to its page."""
    form = CodeForm(request.args)
    if "code" in request.args and form.validate():
        try:
            known = certificates.verify(form.code.data) is not None
        except certificates.Expired:
            known = True
        if known:
            return redirect(url_for("meetings.verify_certificate", code=form.code.data))
        form.code.errors.append(_("We do not know this verification code. Check it and try again."))
    return private_page(make_response(render_template("certificates/lookup.html", form=form)))


@bp.get("/deelnamebewijs/<code>")
@limiter.shared_limit(LOOKUP_LIMIT, scope="certificate-codes")
def verify_certificate(code: str):
    try:
        found = certificates.verify(code)
    except certificates.Expired:
        return private_page(make_response(render_template("certificates/verify.html", content=None), 410))
    if found is None:
        abort(404)
    return private_page(make_response(render_template("certificates/verify.html",
                                                      content=certificates.content(found))))


# ---- accreditation and the exports (coordinators) ----------------------------------------------
def _accreditation_page(lead: Meeting, form: AccreditationForm):
    accreditation = certificates.accreditation_of(lead)
    return render_template(
        "certificates/accreditation.html", lead=lead, form=form, counts=exports.counts(exports.attendees(lead)),
        without_number=certificates.without_number(lead), issued=certificates.ready_to_issue(lead),
        summary=accreditation_text(accreditation) if accreditation else "", short_label=short_label,
        register_label=register_label,
    )


@bp.get(ACCREDITATION_URL, endpoint="accreditation")
@coordinator_required
def accreditation(meeting_id: int):
    lead = series_or_404(meeting_id).lead
    stored = certificates.accreditation_of(lead)
    form = AccreditationForm(formdata=None, registers=[r.value for r in stored.register_list] if stored else [],
                             activity_number=stored.activity_number if stored else "",
                             amount=str(stored.amount).replace(".", ",") if stored and stored.amount is not None else "",
                             unit=stored.unit.value if stored else CreditUnit.POINTS.value).configure()
    return _accreditation_page(lead, form)


@bp.post(ACCREDITATION_URL, endpoint="save_accreditation")
@coordinator_required
def save_accreditation(meeting_id: int):
    lead = series_or_404(meeting_id).lead
    form = AccreditationForm().configure()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                certificates.set_accreditation(lead, [Register(v) for v in form.registers.data or []],
                                               form.activity_number.data or "", form.amount_value,
                                               CreditUnit(form.unit.data), acting_user())
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("The accreditation details have been saved. They are shown on the page of the training and on "
                    "the certificates."), "success")
            return redirect(url_for("meetings.accreditation", meeting_id=lead.id))
    return _accreditation_page(lead, form)


@bp.get(ACCREDITATION_URL + "/<register>.csv", endpoint="register_export")
@coordinator_required
def register_export(meeting_id: int, register: str):
    lead = series_or_404(meeting_id).lead
    try:
        chosen = Register(register)
    except ValueError:
        abort(404)
    rows = exports.register_rows(exports.attendees(lead), chosen)
    return csv_download(rows, session_filename(f"aanwezigheid-{chosen.value}", lead.date, lead.title))
