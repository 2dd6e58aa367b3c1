"""The public request form: what a region contact fills in to ask for dagdelen.

The form checks everything it can know by itself, so that a person sees all problems at once
(required fields, lengths, e-mail and phone syntax, dates after today and inside the programme
period, no moment twice, no more dagdelen than the region has left). The service checks the
rules again when it saves; what it finds is shown at the field it names.
"""
from __future__ import annotations

import re
import uuid
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ontwikkelbijeenkomsten.web.forms import (
    DATE_FORMATS,
    DayField,
    MultiCheckboxField,
    dagdeel_choices,
    email_validators,
    optional_int,
    strip_filter,
)
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.regions.labels import organisation_type_choices
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod
from ontwikkelbijeenkomsten.regions.quota import QuotaStatus
from ontwikkelbijeenkomsten.core.sectors import sector_choices
from ontwikkelbijeenkomsten.requests.models import LocationKind
from ontwikkelbijeenkomsten.requests.services import MAX_DAGDELEN, MAX_MOMENTS, MAX_PARTICIPANTS

PHONE = re.compile(r"^\+?[0-9 ()./-]+$")

# Text lengths; the database columns are at least this long.
NAME_MAX = 200
PHONE_MAX = 40
LOCATION_MAX = 300
PARTICIPATING_MAX = 2000
GOAL_MAX = 4000


def _length(maximum: int):
    return Length(max=maximum, message=_l("Use at most %(max)d characters.", max=maximum))


def _check_phone(form, field) -> None:
    digits = sum(ch.isdigit() for ch in field.data or "")
    if field.data and (not PHONE.match(field.data) or not 9 <= digits <= 15):
        raise ValidationError(_("Enter a telephone number like 06 12345678 or +31 30 123 45 67."))


def location_choices() -> list[tuple[str, str]]:
    return [
        (LocationKind.ADDRESS.value, _("At a location")),
        (LocationKind.ONLINE.value, _("Online")),
    ]


def remaining_text(count: QuotaStatus) -> str:
    """'Your region has 3 of the 4 dagdelen left in this period.'"""
    return _(
        "Your region has %(remaining)s of the %(quota)s dagdelen left in this period.",
        remaining=count.remaining, quota=count.quota,
    )


def region_label(count: QuotaStatus) -> str:
    """'Zuid-Limburg (3 of 4 left)': the counts are in the option itself, so they work without JavaScript."""
    return _("%(name)s (%(remaining)s of %(quota)s left)",
             name=count.name, remaining=count.remaining, quota=count.quota)


class WholeNumberField(IntegerField):
    """An integer typed in a text box; an empty box is no answer (for InputRequired), not a wrong one."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata([str(valuelist[0]).strip()])


class MomentForm(Form):
    """One preferred moment: a date and a dagdeel. A row left empty is ignored."""

    date = DayField(
        _l("Date"), format=DATE_FORMATS, validators=[Optional()],
        invalid_value_message=_l("Enter a date like 17-03-2026."),
    )
    dagdeel = SelectField(_l("Dagdeel"), validate_choice=False, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dagdeel.choices = [("", _("Choose a dagdeel")), *dagdeel_choices()]

    @property
    def is_empty(self) -> bool:
        return not self.date.given and not self.dagdeel.data

    @property
    def dagdeel_value(self) -> Dagdeel | None:
        try:
            return Dagdeel(self.dagdeel.data) if self.dagdeel.data else None
        except ValueError:
            return None


class RequestForm(FlaskForm):
    """Call `configure(...)` before validating or rendering: it sets the lists and the context."""

    region_id = SelectField(
        _l("Region"), coerce=optional_int, validate_choice=False,
        validators=[InputRequired(_l("Choose your region from the list."))],
        description=_l("The youth care region (jeugdregio) your organisations work in."),
    )
    organisation_name = StringField(
        _l("Name of your organisation"), filters=[strip_filter],
        validators=[DataRequired(_l("Enter the name of your organisation.")), _length(NAME_MAX)],
    )
    organisation_type = RadioField(
        _l("Type of organisation"), validate_choice=False,
        validators=[InputRequired(_l("Choose the type of your organisation."))],
    )
    participating_organisations = TextAreaField(
        _l("Other organisations taking part"), filters=[strip_filter],
        validators=[_length(PARTICIPATING_MAX)],
        description=_l("For example the samenwerkingsverband VO, the municipalities and the local youth team."),
    )
    contact_name = StringField(
        _l("Your name"), filters=[strip_filter],
        validators=[DataRequired(_l("Enter your name.")), _length(NAME_MAX)],
    )
    contact_email = EmailField(
        _l("E-mail address"), filters=[strip_filter],
        validators=[DataRequired(_l("Enter your e-mail address.")), *email_validators()],
        description=_l("We send a confirmation with a private link to your request to this address."),
    )
    contact_phone = TelField(
        _l("Telephone number"), filters=[strip_filter],
        validators=[DataRequired(_l("Enter your telephone number.")), _length(PHONE_MAX), _check_phone],
    )
    contact_function = StringField(
        _l("Your function"), filters=[strip_filter], validators=[_length(NAME_MAX)],
        description=_l("For example policy adviser or director."),
    )
    theme_ids = MultiCheckboxField(
        _l("Themes"), coerce=optional_int, validate_choice=False,
        validators=[DataRequired(_l("Choose at least one theme."))],
        description=_l("Choose one or more themes the meeting is about."),
    )
    dagdelen_wanted = RadioField(
        _l("How many dagdelen do you ask for?"), coerce=optional_int, validate_choice=False,
        validators=[InputRequired(_l("Choose how many dagdelen you ask for."))],
    )
    moments = FieldList(FormField(MomentForm), min_entries=MAX_MOMENTS, max_entries=MAX_MOMENTS)
    period_start = DayField(
        _l("From"), format=DATE_FORMATS, validators=[Optional()],
        invalid_value_message=_l("Enter a date like 17-03-2026."),
    )
    period_end = DayField(
        _l("Until"), format=DATE_FORMATS, validators=[Optional()],
        invalid_value_message=_l("Enter a date like 17-03-2026."),
    )
    period_dagdelen = MultiCheckboxField(_l("Dagdelen that suit you in this period"), validate_choice=False)
    expected_participants = WholeNumberField(
        _l("How many participants do you expect?"),
        validators=[
            InputRequired(_l("Enter how many participants you expect.")),
            NumberRange(min=0, max=MAX_PARTICIPANTS,
                        message=_l("Enter a number from 0 to %(max)s.", max=MAX_PARTICIPANTS)),
        ],
        invalid_value_message=_l("Enter a whole number, like 25."),
    )
    sectors = MultiCheckboxField(
        _l("Which sectors will take part?"), validate_choice=False,
        description=_l("Choose all that apply."),
    )
    goal = TextAreaField(
        _l("Your goal or question"), filters=[strip_filter],
        validators=[DataRequired(_l("Describe your goal or question.")), _length(GOAL_MAX)],
        description=_l("What do you want to achieve together? What question do you want to work on?"),
    )
    location_kind = RadioField(
        _l("Where will the meeting take place?"), validate_choice=False,
        validators=[InputRequired(_l("Choose whether the meeting is at a location or online."))],
    )
    location = StringField(
        _l("Address"), filters=[strip_filter], validators=[_length(LOCATION_MAX)],
        description=_l("Only for a meeting at a location: the name of the building, street and town."),
    )
    consent = BooleanField(
        _l("I agree that my data are used to handle this request."),
        validators=[DataRequired(_l("Agree to the privacy statement to send your request."))],
    )
    # The honeypot: hidden from people and assistive technology, filled in by bots.
    website = StringField(_l("Leave this field empty"))
    # One key per form shown: sending it twice (a double click, a reload) saves one request.
    submission_key = HiddenField(default=lambda: str(uuid.uuid4()))

    @property
    def key(self) -> str | None:
        """The submission key when it is one we could have made; anything else counts as none."""
        try:
            return str(uuid.UUID(self.submission_key.data or ""))
        except ValueError:
            return None

    def configure(self, regions: list[QuotaStatus], themes: list, period: ProgrammePeriod, today: date) -> None:
        self.regions = {r.id: r for r in regions}
        self.period = period
        self.today = today
        self.region_id.choices = [("", _("Choose your region"))] + [(r.id, region_label(r)) for r in regions]
        self.organisation_type.choices = organisation_type_choices()
        self.theme_ids.choices = [(t.id, t.name) for t in themes]
        self.dagdelen_wanted.choices = [(n, str(n)) for n in range(1, MAX_DAGDELEN + 1)]
        self.period_dagdelen.choices = dagdeel_choices()
        self.sectors.choices = sector_choices()
        self.location_kind.choices = location_choices()
        self.moments_errors: list[str] = []

    # -- context ---------------------------------------------------------------------------
    @property
    def chosen_region(self) -> QuotaStatus | None:
        return self.regions.get(self.region_id.data) if isinstance(self.region_id.data, int) else None

    @property
    def filled_moments(self) -> list[tuple[date, Dagdeel]]:
        return [
            (entry.form.date.data, entry.form.dagdeel_value)
            for entry in self.moments
            if entry.form.date.data and entry.form.dagdeel_value
        ]

    @property
    def uses_period(self) -> bool:
        return self.period_start.given or self.period_end.given

    # -- validation ------------------------------------------------------------------------
    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        # A value that could not be read (a date, a number) needs one message, not two.
        for field in [*self, *(sub for entry in self.moments for sub in entry.form)]:
            if field.process_errors and not isinstance(field.errors, dict):
                field.errors = list(dict.fromkeys(field.process_errors))
        self._check_choices()
        self._check_dagdelen()
        self._check_moments()
        self._check_location()
        return not self.has_errors

    @property
    def has_errors(self) -> bool:
        return bool(self.moments_errors) or any(
            f.errors for f in self if f.name != "moments"
        ) or any(entry.form.errors for entry in self.moments)

    def _fail(self, field, message) -> None:
        if message not in field.errors:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]

    def _check_choices(self) -> None:
        if not self.region_id.errors and self.chosen_region is None:
            self._fail(self.region_id, _("Choose your region from the list."))
        for field in (self.organisation_type, self.location_kind):
            values = {value for value, _label in field.choices}
            if not field.errors and field.data not in values:
                self._fail(field, _("Choose one of the options."))
        themes = {value for value, _label in self.theme_ids.choices}
        if self.theme_ids.data and not set(self.theme_ids.data) <= themes:
            self.theme_ids.errors = [_("Choose themes from the list.")]
        for field in (self.sectors, self.period_dagdelen):
            values = {value for value, _label in field.choices}
            if field.data and not set(field.data) <= values:
                self._fail(field, _("Choose from the list."))

    def _check_dagdelen(self) -> None:
        wanted = self.dagdelen_wanted.data
        if self.dagdelen_wanted.errors:
            return
        if wanted is None or not 1 <= wanted <= MAX_DAGDELEN:
            self._fail(self.dagdelen_wanted, _("Choose a number from 1 to %(max)s.", max=MAX_DAGDELEN))
            return
        region = self.chosen_region
        if region is not None and wanted > region.remaining:
            if region.remaining:
                message = _("Your region has %(left)s dagdelen left in this period. Ask for at most %(left)s.",
                            left=region.remaining)
            else:
                message = _("Your region has no dagdelen left in this period.")
            self._fail(self.dagdelen_wanted, message)

    def _check_day(self, field) -> bool:
        """Errors for a date before tomorrow or outside the programme period; True when fine."""
        day = field.data
        if day is None:
            return False
        if day <= self.today:
            self._fail(field, _("Choose a date after today."))
            return False
        if not self.period.contains(day):
            self._fail(field, _(
                "Choose a date within this programme period, from %(start)s to %(end)s.",
                start=format_date(self.period.starts_on, "d MMMM y"),
                end=format_date(self.period.ends_on, "d MMMM y"),
            ))
            return False
        return True

    def _check_moments(self) -> None:
        seen: dict[tuple[date, Dagdeel], int] = {}
        for number, entry in enumerate(self.moments, start=1):
            row = entry.form
            if row.is_empty:
                continue
            if row.dagdeel.data and row.dagdeel_value is None:
                self._fail(row.dagdeel, _("Choose a dagdeel from the list."))
            elif not row.dagdeel.data:
                self._fail(row.dagdeel, _("Choose the dagdeel for this date."))
            if not row.date.given:
                self._fail(row.date, _("Enter the date of this moment."))
            elif row.date.data is not None and self._check_day(row.date) and row.dagdeel_value:
                key = (row.date.data, row.dagdeel_value)
                if key in seen:
                    self._fail(row.date, _("You chose this moment already, as preferred moment %(number)s.",
                                           number=seen[key]))
                else:
                    seen[key] = number
        if self.uses_period:
            for field, message in ((self.period_start, _("Enter the first day of the period.")),
                                   (self.period_end, _("Enter the last day of the period."))):
                if not field.given:
                    self._fail(field, message)
                else:
                    self._check_day(field)
            start, end = self.period_start.data, self.period_end.data
            if start and end and end < start and not self.period_end.errors:
                self._fail(self.period_end, _("The last day must be on or after the first day."))
            if not self.period_dagdelen.data:
                self._fail(self.period_dagdelen, _("Choose which dagdelen suit you in this period."))
        nothing_given = all(entry.form.is_empty for entry in self.moments) and not self.uses_period
        if nothing_given:
            self.moments_errors.append(_("Give at least one preferred moment, or a period."))

    def _check_location(self) -> None:
        if self.location_kind.data == LocationKind.ADDRESS.value and not self.location.data:
            self._fail(self.location, _("Enter the address where the meeting takes place."))

    # -- errors for the summary ------------------------------------------------------------
    def error_list(self) -> list[tuple[str, str]]:
        """(anchor id, message) for every error, in the order of the page."""
        items: list[tuple[str, str]] = []
        choice_fields = (self.organisation_type, self.theme_ids, self.dagdelen_wanted,
                         self.period_dagdelen, self.sectors, self.location_kind)
        for field in self:
            if field.name == "moments":
                items.extend(("moments", message) for message in self.moments_errors)
                for entry in self.moments:
                    for sub in (entry.form.date, entry.form.dagdeel):
                        items.extend((sub.id, message) for message in sub.errors)
                continue
            if field.type == "CSRFTokenField" or field.name == "website":
                continue
            target = f"{field.id}-0" if field in choice_fields else field.id
            items.extend((target, message) for message in field.errors)
        return items

    def add_service_error(self, field_name: str, message: str) -> None:
        """Show a rule the service found at the field it names."""
        if field_name == "moments":
            self.moments_errors.append(message)
            return
        field = getattr(self, field_name, None)
        if field is None:
            self.moments_errors.append(message)
        else:
            self._fail(field, message)
