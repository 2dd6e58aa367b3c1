"""The coordinator's pages for experts: the list, invitations and an expert's page with its actions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.core import retention
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.themes import theme_choices
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.experts import services
from ontwikkelbijeenkomsten.experts.queries import find_expert, region_choices
from ontwikkelbijeenkomsten.meetings import bookings
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.experts.blueprint import bp
from ontwikkelbijeenkomsten.web.experts.forms import InviteForm
from ontwikkelbijeenkomsten.web.forms import field_error

#: Larger ids overflow the database's integer column; the converter answers 404 for them.
EXPERT_URL = "/coordinatie/experts/<int(max=2147483647):expert_id>"


@bp.get("/coordinatie/experts")
@coordinator_required
def coordinator_list():
    return render_template(
        "experts/coordinator/list.html", rows=bookings.overview(today_local()),
        weeks=bookings.OVERVIEW_WEEKS, Status=services.ExpertStatus,
    )


@bp.route("/coordinatie/experts/uitnodigen", methods=["GET", "POST"])
@coordinator_required
def invite():
    form = InviteForm()
    form.set_choices(theme_choices(), region_choices())
    if form.validate_on_submit():
        try:
            with unit_of_work():
                expert = services.invite(
                    form.name.data, form.email.data, form.theme_ids.data, form.region_ids.data,
                    form.serves_all_regions.data, acting_user(),
                )
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("%(name)s has been invited. The invitation was sent to %(email)s.",
                    name=expert.name, email=expert.email), "success")
            return redirect(url_for(".coordinator_detail", expert_id=expert.id))
    return render_template("experts/coordinator/invite.html", form=form, days=services.INVITATION_DAYS)


@bp.get(EXPERT_URL)
@coordinator_required
def coordinator_detail(expert_id: int):
    rows = bookings.overview(today_local(), expert_id=expert_id)
    if not rows:
        abort(404)
    row = rows[0]
    closed_at = row.expert.deactivated_at if row.expert.anonymised_at is None else None
    return render_template(
        "experts/coordinator/detail.html", row=row, expert=row.expert, profile=row.profile,
        expires_at=services.invitation_expires_at(row.expert), weeks=bookings.OVERVIEW_WEEKS,
        Status=services.ExpertStatus,
        erased_on=retention.expires_at(retention.RetentionKind.ACCOUNTS, closed_at) if closed_at else None,
    )


def _action(expert_id: int, run, done):
    """Run a button's service call on the expert and flash `done(expert)`, or the broken rule."""
    expert = find_expert(expert_id) or abort(404)
    try:
        with unit_of_work():
            run(expert, acting_user())
    except RuleViolation as exc:
        flash(str(exc.message), "error")
    else:
        flash(done(expert), "success")
    return redirect(url_for(".coordinator_detail", expert_id=expert.id))


@bp.post(EXPERT_URL + "/uitnodiging-opnieuw")
@coordinator_required
def resend(expert_id: int):
    return _action(expert_id, services.resend_invitation, lambda expert: _(
        "A new invitation was sent to %(email)s. The previous link no longer works.", email=expert.email))


@bp.post(EXPERT_URL + "/uitnodiging-intrekken")
@coordinator_required
def revoke(expert_id: int):
    return _action(expert_id, services.revoke_invitation, lambda expert: _(
        "The invitation of %(name)s has been withdrawn. The link no longer works.", name=expert.name))


@bp.post(EXPERT_URL + "/deactiveren")
@coordinator_required
def deactivate(expert_id: int):
    return _action(expert_id, services.deactivate, lambda expert: _(
        "%(name)s has been deactivated and can no longer log in.", name=expert.name))


@bp.post(EXPERT_URL + "/activeren")
@coordinator_required
def reactivate(expert_id: int):
    return _action(expert_id, services.reactivate, _reactivated)


def _reactivated(expert) -> str:
    """Active again; one who never set a password lost the invitation when deactivated."""
    done = _("%(name)s is active again.", name=expert.name)
    if services.status(expert) is services.ExpertStatus.ACTIVE:
        return done
    return " ".join([done, _("%(name)s has no password yet. Send a new invitation, so that the expert can log in.",
                             name=expert.name)])
