"""The public request form: what a region contact fills in to ask for dagdelen.

The form checks the shape of each answer: required fields, lengths, numbers and dates that can
be read, e-mail and phone syntax, choices from fixed lists, a preferred moment with both its
date and its dagdeel. The rules (the region, the themes, the quota, dates after today and in
the programme period, no moment twice, ...) are the service's (requests/rules.py); the view
shows what they find at the field they name, together with the form's own messages.
"""
from __future__ import annotations

import re
import uuid

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ontwikkelbijeenkomsten.core.sectors import sector_choices
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.regions.labels import organisation_type_choices
from ontwikkelbijeenkomsten.regions.models import OrganisationType
from ontwikkelbijeenkomsten.regions.quota import QuotaStatus
from ontwikkelbijeenkomsten.requests.models import LocationKind, Request
from ontwikkelbijeenkomsten.requests.region_changes import QUESTION_MAX, Change
from ontwikkelbijeenkomsten.requests.rules import MAX_DAGDELEN, MAX_MOMENTS, Submission
from ontwikkelbijeenkomsten.web.forms import (
    DayField,
    MultiCheckboxField,
    WholeNumberField,
    dagdeel_choices,
    email_validators,
    find_field,
    in_choices,
    line_filter,
    optional_int,
    options,
    strip_filter,
)

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


def remaining_text(count: QuotaStatus, awaiting: int = 0) -> str:
    """'Your region has 3 of the 4 dagdelen left in this period.', and when requests of the region
    wait for a decision, how many dagdelen they ask for (a colleague may have asked already)."""
    text = _(
        "Your region has %(remaining)s of the %(quota)s dagdelen left in this period.",
        remaining=count.remaining, quota=count.quota,
    )
    if awaiting:
        text += " " + ngettext(
            "Besides, %(num)s dagdeel your region asked for is waiting for a decision.",
            "Besides, %(num)s dagdelen your region asked for are waiting for a decision.", awaiting)
    return text


def region_label(count: QuotaStatus) -> str:
    """'Zuid-Limburg (3 of 4 left)': the counts are in the option itself, so they work without JavaScript."""
    return _("%(name)s (%(remaining)s of %(quota)s left)",
             name=count.name, remaining=count.remaining, quota=count.quota)


class MomentForm(Form):
    """One preferred moment: a date and a dagdeel, both or neither (a row left empty is ignored)."""

    date = DayField(
        _l("Date"), validators=[Optional()],
    )
    dagdeel = SelectField(_l("Dagdeel"), validate_choice=False,
                          validators=[Optional(), in_choices(_l("Choose a dagdeel from the list."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dagdeel.choices = options([("", _("Choose a dagdeel")), *dagdeel_choices()])

    @property
    def is_empty(self) -> bool:
        return not self.date.given and not self.dagdeel.data

    @property
    def dagdeel_value(self) -> Dagdeel | None:
        try:
            return Dagdeel(self.dagdeel.data) if self.dagdeel.data else None
        except ValueError:
            return None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_empty:
            return valid
        if not self.dagdeel.data:
            self.dagdeel.errors.append(_("Choose the dagdeel for this date."))
        if not self.date.given:
            self.date.errors.append(_("Enter the date of this moment."))
        return valid and bool(self.dagdeel.data and self.date.given)


#: Choice fields whose error links to their first option.
CHOICE_FIELDS = ("organisation_type", "theme_ids", "dagdelen_wanted", "period_dagdelen", "sectors", "location_kind")


class _MeetingAnswers:
    """What the request form and the region's change form share: the preferred moments, the
    validation that gives an unreadable value one message, and the errors for the summary."""

    @property
    def uses_period(self) -> bool:
        return self.period_start.given or self.period_end.given

    @property
    def moments_errors(self) -> list[str]:
        """The errors of the preferred moments as a whole (each row keeps its own)."""
        return [error for error in self.moments.errors if not isinstance(error, dict)]

    def configure_meeting(self, themes: list[tuple[int, str]]) -> None:
        self.theme_ids.choices = options(themes)
        self.period_dagdelen.choices = options(dagdeel_choices())
        self.sectors.choices = options(sector_choices())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A value that could not be read (a date, a number) needs one message, not two.
        for field in [*self, *(sub for entry in self.moments for sub in entry.form)]:
            if field.process_errors and not isinstance(field.errors, dict):
                field.errors = list(dict.fromkeys(field.process_errors))
        return valid

    def has_error_at(self, name: str) -> bool:
        field = find_field(self, name)
        return field is not None and any(not isinstance(error, dict) for error in field.errors)

    def period_dagdelen_given(self) -> list[Dagdeel]:
        return [Dagdeel(value) for value in dict.fromkeys(self.period_dagdelen.data or [])
                if value in {choice.value for choice in self.period_dagdelen.choices}]

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor id, message) for every error, in the order of the page."""
        items: list[tuple[str, str]] = []
        for field in self:
            if field.name == "moments":
                items.extend(("moments", message) for message in self.moments_errors)
                for entry in self.moments:
                    for sub in (entry.form.date, entry.form.dagdeel):
                        items.extend((sub.id, message) for message in sub.errors)
                continue
            if field.type == "CSRFTokenField" or field.name == "website":
                continue
            target = f"{field.id}-0" if field.name in CHOICE_FIELDS else field.id
            items.extend((target, message) for message in field.errors)
        return items


class RequestForm(_MeetingAnswers, FlaskForm):
    """Call `configure(...)` before validating or rendering: it sets the lists and the context."""

    region_id = SelectField(
        _l("Region"), coerce=optional_int, validate_choice=False,
        validators=[InputRequired(_l("Choose your region from the list."))],
        description=_l("The youth care region (jeugdregio) your organisations work in."),
    )
    organisation_name = StringField(
        _l("Name of your organisation"), filters=[line_filter],
        validators=[DataRequired(_l("Enter the name of your organisation.")), _length(NAME_MAX)],
    )
    organisation_type = RadioField(
        _l("Type of organisation"), validate_choice=False,
        validators=[InputRequired(_l("Choose the type of your organisation.")),
                    in_choices(_l("Choose one of the options."))],
    )
    participating_organisations = TextAreaField(
        _l("Other organisations taking part"), filters=[strip_filter],
        validators=[_length(PARTICIPATING_MAX)],
        description=_l("For example the samenwerkingsverband VO, the municipalities and the local youth team."),
    )
    contact_name = StringField(
        _l("Your name"), filters=[line_filter],
        validators=[DataRequired(_l("Enter your name.")), _length(NAME_MAX)],
    )
    contact_email = EmailField(
        _l("E-mail address"), filters=[line_filter],
        validators=[DataRequired(_l("Enter your e-mail address.")), *email_validators()],
        description=_l("We send a confirmation with a private link to your request to this address."),
    )
    contact_phone = TelField(
        _l("Telephone number"), filters=[line_filter],
        validators=[DataRequired(_l("Enter your telephone number.")), _length(PHONE_MAX), _check_phone],
    )
    contact_function = StringField(
        _l("Your function"), filters=[line_filter], validators=[_length(NAME_MAX)],
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
        _l("From"), validators=[Optional()],
    )
    period_end = DayField(
        _l("Until"), validators=[Optional()],
    )
    period_dagdelen = MultiCheckboxField(_l("Dagdelen that suit you in this period"), validate_choice=False,
                                         validators=[Optional(), in_choices(_l("Choose from the list."))])
    expected_participants = WholeNumberField(
        _l("How many participants do you expect?"),
        validators=[InputRequired(_l("Enter how many participants you expect."))],
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
        validators=[InputRequired(_l("Choose whether the meeting is at a location or online.")),
                    in_choices(_l("Choose one of the options."))],
    )
    location = StringField(
        _l("Address"), filters=[line_filter], validators=[_length(LOCATION_MAX)],
        description=_l("Only for a meeting at a location: the name of the building, street and town."),
    )
    consent = BooleanField(_l("I agree that my data are used to handle this request."))
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

    def configure(self, regions: list[QuotaStatus], themes: list[tuple[int, str]]) -> None:
        self.regions = {r.id: r for r in regions}
        self.region_id.choices = options([("", _("Choose your region"))] + [(r.id, region_label(r)) for r in regions])
        self.organisation_type.choices = options(organisation_type_choices())
        self.dagdelen_wanted.choices = options((n, str(n)) for n in range(1, MAX_DAGDELEN + 1))
        self.location_kind.choices = options(location_choices())
        self.configure_meeting(themes)

    # -- context ---------------------------------------------------------------------------
    @property
    def chosen_region(self) -> QuotaStatus | None:
        return self.regions.get(self.region_id.data) if isinstance(self.region_id.data, int) else None

    def submission(self, locale: str, period_id: int | None = None) -> Submission:
        """What the person sent for `period_id` (None: the current period), for the service's
        rules; an answer that could not be read is None."""
        period_given = self.uses_period

        def choice(field, kind):
            return kind(field.data) if field.data and not field.errors else None

        return Submission(
            region_id=self.region_id.data,
            organisation_name=self.organisation_name.data or "",
            organisation_type=choice(self.organisation_type, OrganisationType),
            participating_organisations=self.participating_organisations.data or "",
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
            contact_function=self.contact_function.data or "",
            theme_ids=list(dict.fromkeys(self.theme_ids.data or [])),
            dagdelen_wanted=self.dagdelen_wanted.data,
            moments=[(entry.form.date.data, entry.form.dagdeel_value) for entry in self.moments],
            period_start=self.period_start.data if period_given else None,
            period_end=self.period_end.data if period_given else None,
            period_dagdelen=self.period_dagdelen_given() if period_given else [],
            expected_participants=self.expected_participants.data,
            sectors=list(dict.fromkeys(self.sectors.data or [])),
            goal=self.goal.data or "",
            location_kind=choice(self.location_kind, LocationKind),
            location=self.location.data if self.location_kind.data == LocationKind.ADDRESS.value else "",
            consent=bool(self.consent.data),
            locale=locale,
            submission_key=self.key,
            period_id=period_id,
        )


class ChangeForm(_MeetingAnswers, FlaskForm):
    """The answers a region may change while its request awaits a decision: the same fields, and
    so the same checks, as the request form. Call `configure(themes)` first."""

    theme_ids = RequestForm.theme_ids
    moments = RequestForm.moments
    period_start = RequestForm.period_start
    period_end = RequestForm.period_end
    period_dagdelen = RequestForm.period_dagdelen
    expected_participants = RequestForm.expected_participants
    sectors = RequestForm.sectors

    @classmethod
    def of(cls, request: Request) -> ChangeForm:
        """The form filled in with what the request holds now."""
        return cls(formdata=None, data={
            "theme_ids": [theme.id for theme in request.themes],
            "moments": [{"date": m.date, "dagdeel": m.dagdeel.value} for m in request.preferred_moments],
            "period_start": request.preferred_period_start, "period_end": request.preferred_period_end,
            "period_dagdelen": list(request.preferred_dagdelen),
            "expected_participants": request.expected_participants, "sectors": list(request.sectors),
        })

    def configure(self, themes: list[tuple[int, str]]) -> None:
        self.configure_meeting(themes)

    def change(self) -> Change:
        period_given = self.uses_period
        return Change(
            theme_ids=list(dict.fromkeys(self.theme_ids.data or [])),
            moments=[(entry.form.date.data, entry.form.dagdeel_value) for entry in self.moments],
            period_start=self.period_start.data if period_given else None,
            period_end=self.period_end.data if period_given else None,
            period_dagdelen=self.period_dagdelen_given() if period_given else [],
            expected_participants=self.expected_participants.data,
            sectors=list(dict.fromkeys(self.sectors.data or [])),
        )


class QuestionForm(FlaskForm):
    question = TextAreaField(
        _l("Your question"), filters=[strip_filter],
        validators=[DataRequired(_l("Write your question first.")), _length(QUESTION_MAX)],
        description=_l("A coordinator answers by e-mail or telephone. Your question is kept in the history of the request."),
    )
