"""Forms of the availability editor (one slot, a rule, a block) and the coordinators' grid filter.

The forms check dates that parse and values from the lists, and run the services' range checks
(`experts.availability`; `meetings.bookings` for the grid) so that a person sees every problem
at once; the service checks again when it saves, with the rules about past days and booked slots.
"""
from __future__ import annotations

from babel.dates import get_day_names
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import AnyOf, DataRequired, InputRequired, ValidationError
from wtforms.widgets import HiddenInput

from ontwikkelbijeenkomsten.core.i18n import dagdeel_label, long_date
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.experts import availability
from ontwikkelbijeenkomsten.experts.models import WeeklyPattern
from ontwikkelbijeenkomsten.meetings import bookings
from ontwikkelbijeenkomsten.web.forms import (
    DayField,
    MultiCheckboxField,
    dagdeel_choices,
    in_choices,
    optional_int,
    options,
)

def _day_field(label, missing, **kwargs) -> DayField:
    return DayField(label, validators=[InputRequired(missing)], **kwargs)


def weekday_names() -> list[str]:
    """Monday to Sunday in the page's language: 'maandag' … 'zondag'."""
    names = get_day_names("wide", locale=get_locale())
    return [names[number] for number in range(7)]


def describe_pattern(pattern: WeeklyPattern) -> str:
    """'every Tuesday and Thursday, afternoon, from … until …' in the page's language."""
    names, locale = weekday_names(), get_locale()
    return _("every %(days)s, %(dagdelen)s, from %(start)s until %(end)s",
             days=format_list([names[n] for n in pattern.weekdays], locale=locale),
             dagdelen=format_list([dagdeel_label(Dagdeel(v)) for v in pattern.dagdelen], locale=locale),
             start=long_date(pattern.starts_on), end=long_date(pattern.ends_on))


def _check_range(form, check) -> None:
    """Run the service's range `check` on the form's dates, when both could be read."""
    if form.start.data and form.end.data:
        try:
            check(form.start.data, form.end.data)
        except RuleViolation as exc:
            raise ValidationError(exc.message) from None


class ToggleForm(FlaskForm):
    """One slot's button: the day, the dagdeel and the state the button asks for."""

    day = _day_field(_l("Date"), _l("Choose a day in the calendar."), widget=HiddenInput())
    dagdeel = HiddenField(validators=[AnyOf([d.value for d in Dagdeel], message=_l("Choose a dagdeel from the list."))])
    available = HiddenField(validators=[AnyOf(["1", "0"], message=_l("Choose available or not available."))])


class PatternRemoveForm(FlaskForm):
    """Remove a weekly pattern: no fields, only the CSRF token."""


class BlockForm(FlaskForm):
    """Use with prefix="block": remove the free slots of a period (a holiday)."""

    start = _day_field(_l("First day"), _l("Enter the first day of the period."))
    end = _day_field(_l("Last day"), _l("Enter the last day of the period."))

    def validate_end(self, field):
        _check_range(self, availability.open_range)


class RuleForm(BlockForm):
    """Use with prefix="rule": be available on some weekdays and dagdelen in a period."""

    weekdays = MultiCheckboxField(
        _l("Days of the week"), coerce=optional_int, validate_choice=False,
        validators=[DataRequired(_l("Choose at least one day of the week."))],
    )
    dagdelen = MultiCheckboxField(
        _l("Dagdelen"), validate_choice=False, validators=[DataRequired(_l("Choose at least one dagdeel."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = options((number, name.capitalize()) for number, name in enumerate(weekday_names()))
        self.dagdelen.choices = options(dagdeel_choices())

    def validate_weekdays(self, field):
        in_choices(_l("Choose days of the week from the list."))(self, field)

    def validate_dagdelen(self, field):
        in_choices(_l("Choose from the list."))(self, field)


class GridFilterForm(FlaskForm):
    """The grid's filters, sent with GET as ?van=…&tot=…&thema=…&regio=…; the view sets the choices."""

    class Meta:
        csrf = False

    start = _day_field(_l("From"), _l("Enter the first day of the period."), name="van")
    end = _day_field(_l("Until"), _l("Enter the last day of the period."), name="tot")
    theme = SelectField(_l("Theme"), name="thema", default="", validate_choice=False)
    region = SelectField(_l("Region"), name="regio", default="", validate_choice=False)

    def validate_end(self, field):
        _check_range(self, bookings.check_grid_range)

    def validate_theme(self, field):
        in_choices(_l("Choose a theme from the list."))(self, field)

    def validate_region(self, field):
        in_choices(_l("Choose a region from the list."))(self, field)
