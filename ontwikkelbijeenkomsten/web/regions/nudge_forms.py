"""The coordinator's form for a period's nudges: on or off, and when they go out."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired, Optional

from ontwikkelbijeenkomsten.web.forms import DayField, IntegerField, in_choices, options


class NudgeForm(FlaskForm):
    enabled = BooleanField(_l("Send nudges in this period"))
    unit = RadioField(
        _l("When do they go out?"), validate_choice=False,
        validators=[InputRequired(_l("Choose when the nudges go out.")), in_choices(_l("Choose one of the options."))],
    )
    amount = IntegerField(_l("Number of weeks or months before the last day"), validators=[Optional()])
    send_on = DayField(_l("Day"), validators=[Optional()], description=_l("For example 17-03-2027."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = options([
            ("months", _("Months before the last day of the period")),
            ("weeks", _("Weeks before the last day of the period")),
            ("date", _("On a day of your choice")),
        ])
