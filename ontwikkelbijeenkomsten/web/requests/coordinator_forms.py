"""Forms of the coordinator's workspace: the queue filter and one small form per review action."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
)

from ontwikkelbijeenkomsten.web.forms import (
    WholeNumberField,
    email_validators,
    in_choices,
    line_filter,
    options,
    strip_filter,
)
from ontwikkelbijeenkomsten.web.requests.forms import NAME_MAX, PHONE_MAX, _check_phone, _length

REASON_MAX = 2000
NOTE_MAX = 5000


#: The queue's values for "assigned to nobody" and "oldest first" (they are in the address).
NOBODY = "niemand"
OLDEST_FIRST = "oudste"


class QueueFilterForm(FlaskForm):
    """GET filters of the queue; every choice list starts with "all" (value "")."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), default="", validate_choice=False,
                        validators=[in_choices(_l("Choose a state from the list."))])
    region = SelectField(_l("Region"), default="", validate_choice=False,
                         validators=[in_choices(_l("Choose a region from the list."))])
    theme = SelectField(_l("Theme"), default="", validate_choice=False,
                        validators=[in_choices(_l("Choose a theme from the list."))])
    period = SelectField(_l("Period"), default="", validate_choice=False,
                         validators=[in_choices(_l("Choose a period from the list."))])
    waiting = SelectField(_l("Waiting time"), default="", validate_choice=False,
                          choices=options([("", _l("Any waiting time")), ("long", _l("Longer than 10 working days"))]),
                          validators=[in_choices(_l("Choose a waiting time from the list."))])
    coordinator = SelectField(_l("Coordinator"), default="", validate_choice=False,
                              validators=[in_choices(_l("Choose a coordinator from the list."))])
    order = SelectField(_l("Order"), default="", validate_choice=False,
                        choices=options([("", _l("Newest first")), (OLDEST_FIRST, _l("Oldest first"))]),
                        validators=[in_choices(_l("Choose an order from the list."))])


#: Asked for by an empty box and by text that is not a whole number alike.
GRANT_NUMBER = _l("Enter the number of dagdelen to grant, like 2.")
KEPT_NUMBER = _l("Enter the number of dagdelen the request keeps, like 2.")


class ReviewForm(FlaskForm):
    """Take into review: no fields, only the CSRF token."""


class GrantForm(FlaskForm):
    """The number is checked by the grant itself (at least one, within the quota and the request)."""

    dagdelen = WholeNumberField(
        _l("Number of dagdelen to grant"),
        validators=[InputRequired(GRANT_NUMBER)], invalid_value_message=GRANT_NUMBER,
    )
    explanation = TextAreaField(
        _l("Explanation for the region"),
        description=_l("Needed when you grant fewer dagdelen than the region asked for. "
                       "The region reads it in the e-mail about your decision."),
        filters=[strip_filter],
        validators=[Length(max=REASON_MAX, message=_l("An explanation has at most 2000 characters."))],
    )


class LowerGrantForm(FlaskForm):
    """The number is checked by the service (fewer than granted, at least what is booked)."""

    dagdelen = WholeNumberField(
        _l("Number of dagdelen the request keeps"),
        validators=[InputRequired(KEPT_NUMBER)], invalid_value_message=KEPT_NUMBER,
    )
    reason = TextAreaField(
        _l("Reason for the region"),
        description=_l("The contact person of the region receives this reason by e-mail."),
        filters=[strip_filter],
        validators=[
            DataRequired(_l("Give the reason; the region reads it in the e-mail.")),
            Length(max=REASON_MAX, message=_l("A reason has at most 2000 characters.")),
        ],
    )


class RejectForm(FlaskForm):
    """The reason is required, so the label does not say "(optional)"; the rejection checks it
    again."""

    reason = TextAreaField(
        _l("Reason for the rejection"),
        description=_l("The contact person of the region receives this reason by e-mail."),
        filters=[strip_filter],
        validators=[
            DataRequired(_l("Give the reason for the rejection; the region will read it.")),
            Length(max=REASON_MAX, message=_l("A reason has at most 2000 characters.")),
        ],
    )


class NoteForm(FlaskForm):
    """The text is required, so the label does not say "(optional)"; add_note checks it again."""

    text = TextAreaField(
        _l("Internal note"),
        description=_l("Only coordinators see notes. The region does not."),
        filters=[strip_filter],
        validators=[
            DataRequired(_l("Write a note first.")),
            Length(max=NOTE_MAX, message=_l("A note has at most 5000 characters.")),
        ],
    )


class AssignForm(FlaskForm):
    """Choices: "" (nobody) and the ids of the coordinators, as strings."""

    coordinator_id = SelectField(
        _l("Assign to"), default="", validate_choice=False,
        validators=[in_choices(_l("Choose a coordinator from the list."))],
    )


class ContactForm(FlaskForm):
    """The new contact person: the same checks as the contact fields of the public request
    form; the service checks the rules again (requests/contact_change.py)."""

    contact_name = StringField(
        _l("Name"), filters=[line_filter],
        validators=[DataRequired(_l("Enter the name of the new contact person.")), _length(NAME_MAX)],
    )
    contact_email = EmailField(
        _l("E-mail address"), filters=[line_filter],
        validators=[DataRequired(_l("Enter the e-mail address of the new contact person.")), *email_validators()],
        description=_l("The new contact person receives the private link to the request at this address."),
    )
    contact_phone = TelField(
        _l("Telephone number"), filters=[line_filter],
        validators=[DataRequired(_l("Enter the telephone number of the new contact person.")),
                    _length(PHONE_MAX), _check_phone],
    )
    contact_function = StringField(_l("Function"), filters=[line_filter], validators=[_length(NAME_MAX)])
    note = TextAreaField(
        _l("Note for the history"),
        description=_l("Why does the contact person change? Only coordinators see this note."),
        filters=[strip_filter],
        validators=[
            DataRequired(_l("Write down why the contact person changes, for the history.")),
            Length(max=REASON_MAX, message=_l("A note has at most 2000 characters.")),
        ],
    )
