"""Privacy pages: a person's data for coordinators (`/coordinatie/privacy`: look up, export,
erase), the retention periods they set, and the public processing register."""
from __future__ import annotations

import json

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ontwikkelbijeenkomsten.core import retention
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import private_page
from ontwikkelbijeenkomsten.privacy import person as people
from ontwikkelbijeenkomsten.privacy.register import PROCESSINGS
from ontwikkelbijeenkomsten.privacy.summary import summary_text
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
    """`refusals`: why the person's account, and so their data, cannot be deleted yet."""
    refusals = people.account_refusals(found, acting_user()) if found else []
    return private_page(make_response(render_template("privacy/person.html", form=form, person=found,
                                                      erase_form=erase_form, refusals=refusals)))


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
    return _download(summary_text(found), "text/plain; charset=utf-8", "persoonsgegevens.txt")


@bp.post(PAGE + "/wissen")
@coordinator_required
def erase():
    form = EraseForm()

    def run():
        email = form.email.data.strip().lower()
        return _erased_message(email, people.erase(email, acting_user())), url_for(".person_page")

    done = apply_and_redirect(form, run)
    if done is not None:
        return done
    found = people.find(form.email.data or "")
    return _person_page(PersonForm(formdata=None, email=found.email), found, form)


def _erased_message(email: str, done: people.Erased) -> str:
    """Whose data went, how many rows of each kind, the places given up and given to the
    waiting list, and that the account is anonymised."""
    rows = ", ".join([
        ngettext("%(num)d registration", "%(num)d registrations", done.registrations),
        ngettext("%(num)d request", "%(num)d requests", done.requests),
        ngettext("%(num)d mail", "%(num)d mails", done.mails + done.nudges),
        ngettext("%(num)d entry in the log", "%(num)d entries in the log", done.audit_events),
    ])
    sentences = [_("The personal data of %(email)s have been deleted: %(rows)s.", email=email, rows=rows)]
    if done.cancelled:
        sentences.append(ngettext(
            "%(num)d place or waiting-list spot in a session to come was given up.",
            "%(num)d places or waiting-list spots in sessions to come were given up.", done.cancelled))
    if done.promoted:
        sentences.append(ngettext(
            "%(num)d person from the waiting list got the place and has been mailed.",
            "%(num)d people from the waiting list got a place and have been mailed.", done.promoted))
    if done.accounts:
        sentences.append(_("The account has been anonymised: nobody can log in with it any more, and its past "
                           "sessions stay under a neutral name."))
    return " ".join(sentences)


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
