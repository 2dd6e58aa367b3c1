"""The coordinators' form for a training's accreditation details, and the public form to type a
certificate's verification code."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from ontwikkelbijeenkomsten.certificates.models import CreditUnit
from ontwikkelbijeenkomsten.meetings.registers import register_choices
from ontwikkelbijeenkomsten.web.forms import MultiCheckboxField, in_choices, line_filter, options


def _decimal(text: str | None) -> Decimal | None:
    """'1,5' or '1.5'; None for an empty box. Raises InvalidOperation for anything else."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def _is_number(form, field):
    try:
        _decimal(field.data)
    except InvalidOperation:
        raise ValidationError(_l("Enter a number, for example 3 or 3,5.")) from None


class AccreditationForm(FlaskForm):
    """Call `configure()` before validating or rendering: it sets the choices."""

    registers = MultiCheckboxField(_l("Accredited by"), validate_choice=False,
                                   validators=[in_choices(_l("Choose registers from the list."))])
    activity_number = StringField(_l("Accreditation or activity number"), filters=[line_filter],
                                  description=_l("As the register gave it, for example 123456."))
    amount = StringField(_l("Hours or points"), filters=[line_filter], validators=[_is_number],
                         description=_l("For example 3 or 3,5. Leave empty when the register counts none."))
    unit = RadioField(_l("Counted in"), validate_choice=False, default=CreditUnit.POINTS.value,
                      validators=[in_choices(_l("Choose hours or points."))])

    def configure(self) -> AccreditationForm:
        self.registers.choices = options(register_choices())
        self.unit.choices = options([(CreditUnit.POINTS.value, _l("points")), (CreditUnit.HOURS.value, _l("hours"))])
        return self

    @property
    def amount_value(self) -> Decimal | None:
        return _decimal(self.amount.data)


def _without_spaces(text: str | None) -> str:
    """A code copied from the PDF may bring spaces or line breaks; a code has none."""
    return "".join((text or "").split())


class CodeForm(FlaskForm):
    """GET, so no CSRF token: it only leads to the verification page."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), filters=[_without_spaces],
                       validators=[DataRequired(_l("Type the verification code from the certificate.")),
                                   Length(max=500, message=_l("This is not a verification code. Check it and try again."))],
                       description=_l("It is at the bottom of the certificate."))
