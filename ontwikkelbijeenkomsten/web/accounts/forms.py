from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ontwikkelbijeenkomsten.accounts.passwords import PASSWORD_MAX, check_password
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.web.forms import email_validators, strip_filter


def _email_field(description=None) -> EmailField:
    return EmailField(
        _l("E-mail address"),
        description=description,
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter your e-mail address.")), *email_validators()],
    )


def _password_rule(form, field) -> None:
    """The accounts rule for the new password of `form.account`, shown with the form's other messages."""
    try:
        check_password(field.data, name=form.account.name, email=form.account.email)
    except RuleViolation as exc:
        raise ValidationError(str(exc.message)) from None


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=PASSWORD_MAX, message=_l("A password has at most 200 characters.")),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = _email_field(_l("We will send a link to set a new password to this address."))


class ResetPasswordForm(FlaskForm):
    """A new password for `account` (whose name and address it may not contain)."""

    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A sentence of a few words is easy to remember."),
        validators=[DataRequired(_l("Enter a new password.")), _password_rule],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )

    def __init__(self, account, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
