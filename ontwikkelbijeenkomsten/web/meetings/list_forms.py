"""Forms of the participant list: add someone by hand, cancel, move, capacity, attendance."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ontwikkelbijeenkomsten.web.forms import (
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


class AttendanceForm(FlaskForm):
    """prefix="attendance"; the view sets the choices: the participants with a place."""

    present = MultiCheckboxField(_l("Who was present?"), validate_choice=False)

    @property
    def present_ids(self) -> set[int]:
        """The ticked ids; anything that is not a number is dropped (the service ignores
        numbers that are not on the list)."""
        return {number for number in map(optional_int, self.present.data or []) if number is not None}
