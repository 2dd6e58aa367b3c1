"""Privacy pages: a person's data for coordinators (`/coordinatie/privacy`: look up, export,
erase), the retention periods they set, and the public processing register."""
from __future__ import annotations

import json

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.core import retention
from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.sectors import sector_label
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings.registers import register_label
from ontwikkelbijeenkomsten.core.urls import private_page
from ontwikkelbijeenkomsten.privacy import person as people
from ontwikkelbijeenkomsten.privacy.register import PROCESSINGS
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.changes import REFUSED, apply, apply_and_redirect
from ontwikkelbijeenkomsten.web.privacy.forms import EraseForm, ExportForm, PersonForm, RetentionForm

bp = Blueprint("privacy", __name__)
PAGE = "/coordinatie/privacy"


@bp.route(PAGE, methods=["GET", "POST"])
@coordinator_required
def person_page():
    form = PersonForm()
    found = None
    if form.validate_on_submit():
        with unit_of_work():
            found = people.find(form.email.data)
            people.record_access("viewed", acting_user(), found)
    return _person_page(form, found, EraseForm(formdata=None))


def _person_page(form: PersonForm, found: people.Person | None, erase_form: EraseForm):
    return private_page(make_response(render_template("privacy/person.html", form=form, person=found,
                                                      erase_form=erase_form)))


def _download(body: str, mimetype: str, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private_page(response)


@bp.post(PAGE + "/export.<any(json, txt):kind>")
@coordinator_required
def export(kind: str):
    form = ExportForm()

    def run():
        found = people.find(form.email.data)
        people.record_access("exported", acting_user(), found)
        return found

    found = apply(form, run)
    if found is REFUSED:
        flash(_("Look the person up again, then download."), "warning")
        return redirect(url_for(".person_page"))
    if kind == "json":
        return _download(json.dumps(people.export(found), ensure_ascii=False, indent=2),
                         "application/json; charset=utf-8", "persoonsgegevens.json")
    summary = render_template("privacy/summary.txt", person=found, now=utcnow(), sector_label=sector_label,
                              register_label=register_label)
    return _download(summary, "text/plain; charset=utf-8", "persoonsgegevens.txt")


@bp.post(PAGE + "/wissen")
@coordinator_required
def erase():
    form = EraseForm()

    def run():
        done = people.erase(form.email.data, acting_user())
        return _("The personal data has been deleted: %(registrations)d registrations, %(requests)d requests, "
                 "%(mails)d mails. Places given up in sessions to come: %(cancelled)d; people who got a place: "
                 "%(promoted)d.", **done.__dict__), url_for(".person_page")

    done = apply_and_redirect(form, run)
    if done is not None:
        return done
    found = people.find(form.email.data or "")
    return _person_page(PersonForm(formdata=None, email=found.email), found, form)


@bp.route(PAGE + "/bewaartermijnen", methods=["GET", "POST"])
@coordinator_required
def retention_page():
    in_force = retention.months_in_force()
    form = RetentionForm(data={kind.value: months for kind, months in in_force.items()})

    def run():
        values = {kind: getattr(form, kind.value).data for kind in retention.RULES}
        changed = retention.set_months(values, actor=acting_user())
        return (_("The retention periods have been saved.") if changed else _("Nothing has changed.")), \
            url_for(".retention_page")

    return apply_and_redirect(form, run) or render_template(
        "privacy/retention.html", form=form, rules=retention.RULES, in_force=in_force)


@bp.get("/privacy/verwerkingen")
def register():
    return render_template("privacy/register.html", processings=PROCESSINGS, rules=retention.RULES,
                           in_force=retention.months_in_force())
