"""The coordinators' mail pages: the outbox, one mail as it goes out, and sending again."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import private_page
from ontwikkelbijeenkomsten.mail import admin
from ontwikkelbijeenkomsten.mail.delivery import MAX_ATTEMPTS
from ontwikkelbijeenkomsten.mail.kinds import mail_kind_label
from ontwikkelbijeenkomsten.mail.models import MailState, mail_state_label
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.mail.forms import MailFilterForm, ResendForm
from ontwikkelbijeenkomsten.web.security_headers import framed_by_this_site

bp = Blueprint("mail", __name__)
bp.app_template_filter("mail_state")(mail_state_label)
bp.app_template_filter("mail_kind")(mail_kind_label)

#: Larger ids overflow the database's integer column; the converter answers 404 for them.
MAIL_URL = "/coordinatie/mail/<int(max=2147483647):mail_id>"


def _requeued(number: int) -> str:
    return ngettext("%(num)s mail is back in the queue.", "%(num)s mails are back in the queue.", number)


@bp.get("/coordinatie/mail")
@coordinator_required
def outbox():
    form = MailFilterForm(formdata=request.args)
    state, recipient = form.chosen()
    overview = admin.overview(state, recipient)
    return render_template(
        "mail/pages/outbox.html", form=form, overview=overview, filtered=bool(state or recipient),
        count_rows=[(mail_state_label(s), overview.counts[s]) for s in MailState], max_attempts=MAX_ATTEMPTS,
        console=current_app.config["MAIL_BACKEND"] == "console",
    )


@bp.get(MAIL_URL)
@coordinator_required
def show(mail_id: int):
    shown = admin.for_display(mail_id)
    if shown is None:
        abort(404)
    return render_template("mail/pages/show.html", shown=shown, mail=shown.mail,
                           resendable=admin.resendable(shown.mail))


@bp.get(MAIL_URL + "/html")
@coordinator_required
def html_body(mail_id: int):
    """The mail's HTML on its own, for the sandboxed frame on the mail's page."""
    shown = admin.for_display(mail_id)
    if shown is None or not shown.mail.html_body:
        abort(404)
    return framed_by_this_site(private_page(make_response(shown.mail.html_body)))


@bp.post(MAIL_URL + "/opnieuw")
@coordinator_required
def resend(mail_id: int):
    mail = admin.find_mail(mail_id) or abort(404)
    form = ResendForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                admin.resend(mail, acting_user())
        except RuleViolation as exc:
            flash(str(exc.message), "error")
        else:
            flash(_requeued(1), "success")
    return redirect(url_for(".show", mail_id=mail_id) if form.back.data == "mail" else url_for(".outbox"))


@bp.post("/coordinatie/mail/mislukt/opnieuw")
@coordinator_required
def resend_failed():
    if ResendForm().validate_on_submit():
        with unit_of_work():
            number = admin.resend_failed(acting_user())
        flash(_requeued(number) if number else _("There are no failed mails."), "success" if number else "info")
    return redirect(url_for(".outbox"))
