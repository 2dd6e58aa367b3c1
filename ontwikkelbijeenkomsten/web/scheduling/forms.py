"""Forms of the scheduling pages: booking a proposal or another slot, and changing a session.

A slot (date, dagdeel, expert) travels as one text, "2026-03-17|ochtend|12": the value of a
proposal's radio button and of the hidden field that remembers which slot the coordinator has
seen the warnings for. It is parsed strictly; anything else is an error at the field.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    ValidationError,
)

from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.web.forms import (
    ClockField,
    DayField,
    dagdeel_choices,
    in_choices,
    line_filter,
    options,
    strip_filter,
)

Slot = tuple[date, Dagdeel, int]
SLOT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\|(ochtend|middag|avond)\|([1-9][0-9]{0,8})", re.ASCII)
TITLE_MAX = 200  # the columns' lengths
LOCATION_MAX = 300
URL_MAX = 500
TEXT_MAX = 5000
REASON_MAX = 2000
LENGTH_MESSAGE = _l("Use at most %(max)d characters.")


def slot_value(day: date, dagdeel: Dagdeel, expert_id: int) -> str:
    return f"{day.isoformat()}|{dagdeel.value}|{expert_id}"


def parse_slot(value) -> Slot | None:
    found = SLOT.fullmatch(value) if isinstance(value, str) else None
    if not found:
        return None
    try:
        day = date.fromisoformat(found[1])
    except ValueError:  # 2026-02-30
        return None
    return day, Dagdeel(found[2]), int(found[3])


def _title() -> StringField:
    return StringField(
        _l("Title"), description=_l("The contact person, the expert and the participants see this title."),
        filters=[line_filter],
        validators=[DataRequired(_l("Give the session a title.")), Length(max=TITLE_MAX, message=LENGTH_MESSAGE)],
    )


class ProposalForm(FlaskForm):
    """Use with prefix="proposal"; the view sets the choices (slot value, label)."""

    title = _title()
    proposal = RadioField(
        _l("Proposals"), validate_choice=False,
        description=_l("The best fit comes first."),
        validators=[InputRequired(_l("Choose one of the proposals."))],
    )

    @property
    def slot(self) -> Slot | None:
        return parse_slot(self.proposal.data)

    def validate_proposal(self, field):
        if self.slot is None:
            raise ValidationError(_l("Choose one of the proposals."))


class _SlotForm(FlaskForm):
    """A date, a dagdeel and an expert, with the confirmation of warnings about them.

    `warned` holds the slot value the warnings were shown for: ticking `confirmed` counts
    only for that slot, not for another choice made after reading them.
    """

    day = DayField(
        _l("Date"),
        validators=[InputRequired(_l("Enter the date of the session."))],
    )
    dagdeel = SelectField(
        _l("Dagdeel"), validate_choice=False,
        validators=[DataRequired(_l("Choose a dagdeel from the list.")),
                    AnyOf([d.value for d in Dagdeel], message=_l("Choose a dagdeel from the list."))],
    )
    expert_id = SelectField(
        _l("Expert"), validate_choice=False,
        validators=[DataRequired(_l("Choose an expert.")), in_choices(_l("Choose an active expert from the list."))],
    )
    warned = HiddenField()

    def __init__(self, *args, experts: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.dagdeel.choices = options([("", _("Choose a dagdeel")), *dagdeel_choices()])
        self.expert_id.choices = options([("", _("Choose an expert"))] + [(str(id_), name) for id_, name in experts])

    @property
    def slot(self) -> Slot:
        """After validation: what was chosen."""
        return self.day.data, Dagdeel(self.dagdeel.data), int(self.expert_id.data)

    @property
    def confirmed_slot(self) -> bool:
        return bool(self.confirmed.data) and self.warned.data == slot_value(*self.slot)

    def needs_confirmation(self) -> None:
        """The service has warnings about the chosen slot: ask to confirm them, and say so
        when they were shown for this slot before and the box was left empty."""
        value = slot_value(*self.slot)
        if self.warned.data == value and not self.confirmed.data:
            self.confirmed.errors.append(_("Tick the box if you want to go ahead anyway, or change your choice."))
        self.warned.data = value


class ManualForm(_SlotForm):
    """Use with prefix="manual": book a slot outside the proposals."""

    title = _title()
    confirmed = BooleanField(_l("I have read the warnings and want to book anyway"))


class MoveForm(_SlotForm):
    """Use with prefix="move": another date, dagdeel or expert for a session."""

    confirmed = BooleanField(_l("I have read the warnings and want to make this change anyway"))


def _time(label, missing) -> ClockField:
    return ClockField(label, validators=[InputRequired(missing)])


class DetailsForm(FlaskForm):
    """Use with prefix="details"."""

    title = _title()
    description = TextAreaField(
        _l("Description"), filters=[strip_filter], validators=[Length(max=TEXT_MAX, message=LENGTH_MESSAGE)],
    )
    location = StringField(
        _l("Location"), filters=[line_filter], validators=[Length(max=LOCATION_MAX, message=LENGTH_MESSAGE)],
    )
    online_url = URLField(
        _l("Online link"), description=_l("For example the link to a video call, starting with https://."),
        filters=[line_filter], validators=[Length(max=URL_MAX, message=LENGTH_MESSAGE)],
    )
    starts = _time(_l("Start time"), _l("Enter the start time, like 09:30."))
    ends = _time(_l("End time"), _l("Enter the end time, like 12:00."))


class CancelForm(FlaskForm):
    """Use with prefix="cancel"."""

    reason = TextAreaField(
        _l("Reason for cancelling"),
        description=_l("The expert, the contact person and the participants read this reason."),
        filters=[strip_filter],
        validators=[
            DataRequired(_l("Give the reason for cancelling; everyone involved reads it.")),
            Length(max=REASON_MAX, message=LENGTH_MESSAGE),
        ],
    )
