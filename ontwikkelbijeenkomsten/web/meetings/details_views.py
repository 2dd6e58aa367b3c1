"""The participant's own details, on a private page beside their registration page."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.rules import RuleViolation, StateError
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import private_page
from ontwikkelbijeenkomsten.meetings import registration_details
from ontwikkelbijeenkomsten.web.forms import field_error
from ontwikkelbijeenkomsten.web.meetings.blueprint import bp
from ontwikkelbijeenkomsten.web.meetings.details_forms import DetailsForm
from ontwikkelbijeenkomsten.web.meetings.public_views import _registration_or_404  # the same 404 and 410


@bp.route("/aanmelding/<token>/gegevens", methods=["GET", "POST"], endpoint="registration_details")
@limiter.limit("30 per hour", methods=["POST"])
def details(token: str):
    found = _registration_or_404(token)
    back = url_for("meetings.registration", token=token)
    if not registration_details.editable(found):
        flash(_("Your details can no longer be changed here. Do you have a question? Send us an e-mail."), "warning")
        return redirect(back)
    if request.method == "GET":
        form = DetailsForm(formdata=None, obj=found)
    else:
        form = DetailsForm()
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    changed = registration_details.change(found, form.details())
            except RuleViolation as exc:
                field_error(form, exc)
            except StateError:
                return redirect(url_for("meetings.registration_details", token=token))
            else:
                flash(_("Your details have been saved.") if changed else _("Nothing was changed."), "success")
                return redirect(back)
    return private_page(make_response(render_template(
        "meetings/public/details.html", registration=found, token=token, form=form)))
