"""The monitoring report's choice: a programme period, or a range of dates. Sent with GET."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from ontwikkelbijeenkomsten.web.forms import DayField


def _day(label) -> DayField:
    return DayField(label, validators=[Optional()],
                    description=_l("For example 01-08-2025."))


class ReportForm(FlaskForm):
    """The view sets the period's choices. A range needs both dates; it wins over the period."""

    class Meta:
        csrf = False

    period = SelectField(_l("Programme period"), coerce=int, validators=[Optional()])
    start = _day(_l("From"))
    end = _day(_l("To and including"))

    @property
    def range_given(self) -> bool:
        return self.start.given or self.end.given

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field, message in ((self.start, _l("Enter the first day of the range.")),
                               (self.end, _l("Enter the last day of the range."))):
            if self.range_given and not field.given:  # Optional() stops before a field's own check
                field.errors = [message]
                valid = False
        return valid
