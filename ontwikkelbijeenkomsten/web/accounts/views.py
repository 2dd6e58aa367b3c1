from __future__ import annotations

from flask import Blueprint, after_this_request, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ontwikkelbijeenkomsten.accounts import services
from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.tokens import InvalidToken
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import is_safe_local_path, private_page
from ontwikkelbijeenkomsten.web.access import acting_user
from ontwikkelbijeenkomsten.web.accounts.forms import (
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from ontwikkelbijeenkomsten.web.forms import field_error, strip_filter

bp = Blueprint("accounts", __name__)


def _email_key() -> str:
    """The address the account is looked up by (the form's filter, then the service's
    normalisation): a control character moved around it is the same address."""
    return "login:" + services.normalise_email(strip_filter(request.form.get("email", "")))[:254]


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", methods=["POST"], deduct_when=_login_failed)
@limiter.limit("5 per 10 minutes", methods=["POST"], key_func=_email_key, deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        with unit_of_work():
            user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            flash(_("You are logged in as %(name)s.", name=user.name), "success")
            target = request.args.get("next")
            return redirect(target if is_safe_local_path(target) else _start_page(user))
        g.login_failed = True
        form.password.errors.append(_("The e-mail address or the password is not right."))
    return render_template("accounts/login.html", form=form)


def _start_page(user) -> str:
    """Where a user lands after logging in without a `next`: their own work list, or for a
    coordinator the start page of what needs them today."""
    if user.is_expert:
        return url_for("experts.assignments", expert_id=user.id)
    return url_for("start.page")


@bp.post("/uitloggen")
@login_required
def logout():
    with unit_of_work():
        services.log_out(acting_user())
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.request_password_reset(form.email.data)
        return render_template("accounts/forgot_password_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    after_this_request(private_page)  # the token is in the address: no referrer, no cache
    try:
        user = services.user_for_reset_token(token)
    except InvalidToken as exc:
        return render_template("accounts/reset_invalid.html", expired=exc.expired), 400
    form = ResetPasswordForm(user)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.reset_password(user, form.password.data)
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("Your password has been changed. You can log in with it now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)
