"""The privacy pages' forms: look a person up, export, erase, and the retention periods."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from ontwikkelbijeenkomsten.core.retention import RULES
from ontwikkelbijeenkomsten.web.forms import IntegerField, email_validators, strip_filter


class PersonForm(FlaskForm):
    """Sent by POST, so the address never appears in a URL (and so not in any access log)."""

    email = EmailField(_l("E-mail address of the person"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter the e-mail address.")), *email_validators()])


class ExportForm(FlaskForm):
    email = HiddenField(filters=[strip_filter], validators=[DataRequired(), *email_validators()])


class EraseForm(ExportForm):
    sure = BooleanField(_l("Yes, delete the personal data of this e-mail address."),
                        validators=[DataRequired(_l("Tick the box to confirm that you want to delete the data."))])


class RetentionForm(FlaskForm):
    """One whole number of months per kind of data; the bounds are those in core/retention.py."""


for _kind, _rule in RULES.items():
    setattr(RetentionForm, _kind.value, IntegerField(_rule.label, validators=[
        InputRequired(_l("Enter a number of months.")),
        NumberRange(_rule.floor, _rule.ceiling, _l("Choose between %(min)s and %(max)s months.")),
    ]))
