from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ontwikkelbijeenkomsten.web.forms import email_validators, strip_filter

PASSWORD_MIN = 12
PASSWORD_MAX = 200


def _email_field(description=None) -> EmailField:
    return EmailField(
        _l("E-mail address"),
        description=description,
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter your e-mail address.")), *email_validators()],
    )


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
    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A sentence of a few words is easy to remember."),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l("A password has between 12 and 200 characters."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
