"""The coordinator's form for an open training: its text, place, places, window, experts and dagdelen.

The form reads what was typed (dates, times, numbers, choices from the lists); the rules about
a training (dagdelen in the future, times within the dagdeel, the window before the first
dagdeel, the number of places) are the service's, and come back as errors at their fields.
Empty rows of dagdelen are ignored; a row without times takes those of its dagdeel.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional

from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import Dagdeel, local_to_utc
from ontwikkelbijeenkomsten.meetings.trainings import MAX_PARTS, Part, TrainingDraft
from ontwikkelbijeenkomsten.web.forms import (
    ClockField,
    DayField,
    MultiCheckboxField,
    WholeNumberField,
    dagdeel_choices,
    in_choices,
    line_filter,
    optional_int,
    options,
    strip_filter,
)
from ontwikkelbijeenkomsten.web.scheduling.forms import (
    LENGTH_MESSAGE,
    LOCATION_MAX,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
)

TARGET_GROUPS_MAX = 300  # the column's length
#: Where the service's field names for the window point in this form.
WINDOW_FIELDS = {"registration_opens_at": "opens_day", "registration_closes_at": "closes_day"}


def _day(label) -> DayField:
    return DayField(label, validators=[Optional()])


def _time(label) -> ClockField:
    return ClockField(label, validators=[Optional()])


class PartForm(Form):
    """One dagdeel of the training. A row left empty is ignored."""

    date = _day(_l("Date"))
    dagdeel = SelectField(_l("Dagdeel"), validate_choice=False, validators=[Optional()])
    starts = _time(_l("Start time"))
    ends = _time(_l("End time"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dagdeel.choices = options([("", _("Choose a dagdeel")), *dagdeel_choices()])
        self.date.flags.required = self.dagdeel.flags.required = True  # within a row that is used

    @property
    def is_empty(self) -> bool:
        return not any(f.raw_data and any(str(v).strip() for v in f.raw_data) or f.data for f in self)

    @property
    def dagdeel_value(self) -> Dagdeel | None:
        return next((d for d in Dagdeel if d.value == self.dagdeel.data), None)

    def check(self) -> None:
        """Errors for a row that is used but incomplete."""
        if not self.date.errors and self.date.data is None:
            self.date.errors.append(_("Enter the date of this dagdeel."))
        if self.dagdeel_value is None:
            self.dagdeel.errors.append(_("Choose a dagdeel from the list."))

    def part(self) -> Part:
        dagdeel = self.dagdeel_value
        return Part(self.date.data, dagdeel, self.starts.data or dagdeel.start, self.ends.data or dagdeel.end)


class TrainingForm(FlaskForm):
    """Call `configure(...)` before validating or rendering: it sets the lists."""

    title = StringField(
        _l("Title"), filters=[line_filter],
        validators=[DataRequired(_l("Give the session a title.")), Length(max=TITLE_MAX, message=LENGTH_MESSAGE)],
    )
    description = TextAreaField(
        _l("Description"), filters=[strip_filter], validators=[Length(max=TEXT_MAX, message=LENGTH_MESSAGE)],
        description=_l("What participants learn, and how. It is shown in the agenda."),
    )
    target_groups = StringField(
        _l("Target groups"), filters=[line_filter],
        validators=[Length(max=TARGET_GROUPS_MAX, message=LENGTH_MESSAGE)],
        description=_l("For example intern begeleiders, youth workers and policy advisers of the municipality."),
    )
    theme_ids = MultiCheckboxField(
        _l("Themes"), coerce=optional_int, validate_choice=False,
        validators=[in_choices(_l("Choose themes from the list."))],
    )
    region_id = SelectField(
        _l("Region"), validate_choice=False, validators=[in_choices(_l("Choose a region from the list."))],
        description=_l("Where the training takes place. Choose no region for a training for the whole country or online."),
    )
    location = StringField(
        _l("Location"), filters=[line_filter], validators=[Length(max=LOCATION_MAX, message=LENGTH_MESSAGE)],
        description=_l("The name of the building, street and town."),
    )
    online_url = URLField(
        _l("Online link"), description=_l("For example the link to a video call, starting with https://."),
        filters=[line_filter], validators=[Length(max=URL_MAX, message=LENGTH_MESSAGE)],
    )
    capacity = WholeNumberField(
        _l("Number of places"), validators=[Optional()], invalid_value_message=_l("Enter a whole number, like 25."),
        description=_l("Leave empty for no limit."),
    )
    waiting_list = BooleanField(_l("Keep a waiting list when the training is full"), default=True)
    opens_day = _day(_l("Date"))  # in the fieldset "Registration opens"
    opens_time = _time(_l("Time"))
    closes_day = _day(_l("Date"))  # in the fieldset "Registration closes"
    closes_time = _time(_l("Time"))
    expert_ids = MultiCheckboxField(
        _l("Experts"), coerce=optional_int, validate_choice=False,
        validators=[in_choices(_l("Choose an active expert from the list."))],
        description=_l("Every expert you choose is booked for every dagdeel and gets an e-mail about it."),
    )
    parts = FieldList(FormField(PartForm), min_entries=MAX_PARTS, max_entries=MAX_PARTS)
    moments_as_text = False  # the date and dagdeel of each row can be chosen

    def configure(self, themes, regions, experts) -> TrainingForm:
        """`themes`, `regions`, `experts`: (id, name) pairs to choose from."""
        self.theme_ids.choices = options(themes)
        self.region_id.choices = options([("", _("The whole country or online")),
                                          *((str(id_), n) for id_, n in regions)])
        if self.expert_ids is not None:
            self.expert_ids.choices = options(experts)
        self.parts_errors: list[str] = []
        return self

    # -- reading -------------------------------------------------------------------------------
    @property
    def rows(self) -> list[PartForm]:
        """The rows of dagdelen that were filled in, in the order of the form."""
        return [entry.form for entry in self.parts if not entry.form.is_empty]

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        for row in self.rows:
            row.check()
        for day, at in ((self.opens_day, self.opens_time), (self.closes_day, self.closes_time)):
            if day.data is not None and at.data is None and not at.errors:
                at.errors.append(_("Enter the time as well, like 09:30."))
            if at.data is not None and day.data is None and not day.errors:
                day.errors.append(_("Enter the date as well, like 17-03-2026."))
        return not self.error_list()

    def draft(self) -> TrainingDraft:
        """After validation: what was filled in."""
        return TrainingDraft(
            title=self.title.data, description=self.description.data or "",
            target_groups=self.target_groups.data or "", theme_ids=list(dict.fromkeys(self.theme_ids.data or [])),
            region_id=optional_int(self.region_id.data), location=self.location.data or "",
            online_url=self.online_url.data or "", capacity=self.capacity.data,
            waiting_list=bool(self.waiting_list.data),
            registration_opens_at=self._moment(self.opens_day, self.opens_time),
            registration_closes_at=self._moment(self.closes_day, self.closes_time),
            expert_ids=list(dict.fromkeys(self.expert_ids.data or [])) if self.expert_ids is not None else [],
            parts=[row.part() for row in self.rows],
        )

    def _anchor(self, row: PartForm, sub) -> str:
        """The date and dagdeel of a row shown as text have their errors with its times."""
        return row.starts.id if self.moments_as_text and sub in (row.date, row.dagdeel) else sub.id

    @staticmethod
    def _moment(day, at):
        return local_to_utc(day.data, at.data) if day.data and at.data else None

    # -- errors --------------------------------------------------------------------------------
    def add_problem(self, problem: RuleViolation) -> None:
        """Show a rule the service found at the field it names (see trainings.InvalidDraft)."""
        name = WINDOW_FIELDS.get(problem.field, problem.field)
        if name.startswith("parts-"):
            _parts, index, sub = name.split("-", 2)
            target = self.rows[int(index)][sub]
        else:
            target = self._fields.get(name) if name != "parts" else None
        if target is None:
            self.parts_errors.append(problem.message)
        elif problem.message not in target.errors:
            target.errors = [*target.errors, problem.message]

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor id, message) for every error, in the order of the page."""
        items: list[tuple[str, str]] = []
        for f in self:
            if f.name == "parts":
                items.extend(("parts", message) for message in self.parts_errors)
                for row in self.rows:
                    items.extend((self._anchor(row, sub), message) for sub in row for message in sub.errors)
            elif f.type != "CSRFTokenField":
                target = f"{f.id}-0" if f.type == "MultiCheckboxField" else f.id
                items.extend((target, message) for message in f.errors)
        return items


class TrainingEditForm(TrainingForm):
    """Changing a training: experts and dagdelen are changed on a dagdeel's own page; here
    only the times of the dagdelen that have not begun."""

    expert_ids = None
    moments_as_text = True

