"""Forms of the participant list: add someone by hand, cancel, move, capacity, places held per
sector, attendance."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.meetings.sector_places import HOLDING_SECTORS
from ontwikkelbijeenkomsten.core.time import local_to_utc
from ontwikkelbijeenkomsten.web.forms import (
    ClockField,
    DayField,
    IntegerField,
    MultiCheckboxField,
    in_choices,
    optional_int,
    strip_filter,
)
from ontwikkelbijeenkomsten.web.meetings.forms import RegistrationForm

REASON_MAX = 2000
CAPACITY_MAX = 10_000


class AddForm(RegistrationForm):
    """A coordinator registers someone who asked by phone or mail (and agreed there); prefix="add"."""

    consent = None

    def configure(self) -> AddForm:
        super().configure()
        self.name.label.text = _l("Name")
        return self


class CancelForm(FlaskForm):
    """One per registration on the page: prefix="cancel-<id>"."""

    reason = TextAreaField(
        _l("Reason"), filters=[strip_filter],
        description=_l("The participant reads this in the e-mail about the cancellation."),
        validators=[Length(max=REASON_MAX, message=_l("Use at most %(max)d characters.", max=REASON_MAX))],
    )


class MoveForm(FlaskForm):
    """One per registration on the page: prefix="move-<id>"; the view sets the choices."""

    target = SelectField(_l("Move to"), validate_choice=False, validators=[
        DataRequired(_l("Choose the session to move this person to.")),
        in_choices(_l("Choose the session to move this person to."))])

    @property
    def target_id(self) -> int:
        return int(self.target.data)


class CapacityForm(FlaskForm):
    """prefix="capacity"."""

    capacity = IntegerField(
        _l("Number of places"), description=_l("Leave empty when there is no limit."),
        validators=[Optional(), NumberRange(0, CAPACITY_MAX, _l("Enter a number from %(min)s to %(max)s."))],
    )
    waiting_list = BooleanField(_l("Keep a waiting list when the session is full"))


def _held(label) -> IntegerField:
    return IntegerField(label, validators=[
        Optional(), NumberRange(0, CAPACITY_MAX, _l("Enter a number from %(min)s to %(max)s."))])


class SectorPlacesForm(FlaskForm):
    """prefix="places". An empty number holds no places; an empty moment means the default
    (seven days before the start). The rules (together within the capacity, the moment before
    the start) are the service's."""

    onderwijs = _held(_l("Places held for education"))
    jeugdhulp = _held(_l("Places held for youth care"))
    gemeente = _held(_l("Places held for the municipality"))
    release_at = DayField(_l("Date"), validators=[Optional()])
    release_time = ClockField(_l("Time"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.release_at.data is not None and self.release_time.data is None and not self.release_time.errors:
            self.release_time.errors.append(_("Enter the time as well, like 09:30."))
        if self.release_time.data is not None and self.release_at.data is None and not self.release_at.errors:
            self.release_at.errors.append(_("Enter the date as well, like 17-03-2026."))
        return not any(field.errors for field in self)

    @property
    def held(self) -> dict[Sector, int]:
        return {sector: getattr(self, sector.value).data or 0 for sector in HOLDING_SECTORS}

    @property
    def moment(self) -> datetime | None:
        """The release moment in UTC, or None for the default."""
        day, at = self.release_at.data, self.release_time.data
        return local_to_utc(day, at) if day and at else None


class AttendanceForm(FlaskForm):
    """prefix="attendance"; the view sets the choices: the participants with a place."""

    present = MultiCheckboxField(_l("Who was present?"), validate_choice=False)

    @property
    def present_ids(self) -> set[int]:
        """The ticked ids; anything that is not a number is dropped (the service ignores
        numbers that are not on the list)."""
        return {number for number in map(optional_int, self.present.data or []) if number is not None}
