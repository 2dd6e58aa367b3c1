"""The expert's own account: accepting the invitation (setting a password) and the profile."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.themes import theme_choices
from ontwikkelbijeenkomsten.core.tokens import InvalidToken
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import private_page
from ontwikkelbijeenkomsten.experts import services
from ontwikkelbijeenkomsten.experts.queries import region_choices
from ontwikkelbijeenkomsten.web.access import acting_user
from ontwikkelbijeenkomsten.web.accounts.forms import ResetPasswordForm
from ontwikkelbijeenkomsten.web.experts.access import expert_page
from ontwikkelbijeenkomsten.web.experts.blueprint import bp
from ontwikkelbijeenkomsten.web.experts.forms import ProfileForm
from ontwikkelbijeenkomsten.web.forms import field_error


def _invalid_invitation(exc: InvalidToken):
    page = render_template("experts/invitation_invalid.html", expired=exc.expired, days=services.INVITATION_DAYS)
    return private_page(make_response(page, 400))


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invitation(token: str):
    try:
        expert = services.expert_for_invitation(token)
    except InvalidToken as exc:
        return _invalid_invitation(exc)
    form = ResetPasswordForm(expert)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                expert = services.accept_invitation(token, form.password.data)
        except InvalidToken as exc:  # used or revoked meanwhile
            return _invalid_invitation(exc)
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            login_user(expert)
            flash(_("Welcome, %(name)s. Your password has been set. Check your profile, then fill in when you "
                    "are available.", name=expert.name), "success")
            return redirect(url_for(".profile", expert_id=expert.id))
    return private_page(make_response(render_template("experts/accept_invitation.html", form=form, expert=expert)))


@bp.route("/experts/<int(max=2147483647):expert_id>/profiel", methods=["GET", "POST"])
@expert_page
def profile(expert):
    profile = services.profile_of(expert)
    form = ProfileForm(
        obj=profile, theme_ids=[t.id for t in profile.themes], region_ids=[r.id for r in profile.regions],
    )
    form.set_choices(theme_choices(keep=[t.id for t in profile.themes]), region_choices(profile.regions))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                changed = services.update_profile(
                    expert, form.bio.data, form.organisation.data, form.theme_ids.data, form.region_ids.data,
                    form.serves_all_regions.data, form.max_dagdelen_per_month.data,
                    acting_user(),
                )
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("The profile has been saved.") if changed else _("Nothing has changed."), "success")
            return redirect(url_for(".profile", expert_id=expert.id))
    return render_template("experts/profile.html", form=form, expert=expert, own=current_user.id == expert.id)
