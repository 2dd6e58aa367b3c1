"""The registration form, for participants and for coordinators adding someone by hand."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ontwikkelbijeenkomsten.core.sectors import Sector, sector_choices
from ontwikkelbijeenkomsten.meetings.registers import NUMBER_MAX, Register, register_choices
from ontwikkelbijeenkomsten.meetings.services import Applicant
from ontwikkelbijeenkomsten.web.forms import email_validators, in_choices, line_filter, options, strip_filter

NAME_MAX = 200  # the columns' lengths
NEEDS_MAX = 2000


def _length(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters.", max=maximum))


def _known_register(form, field):
    """No register (an empty or missing value) is an answer too; a forged one is not."""
    if field.data:
        in_choices(_l("Choose a register from the list."))(form, field)


class RegisterFields(FlaskForm):
    """A professional register and number, both optional; the service checks the number's form.
    Call `configure_register()` before validating or rendering: it sets the register choices."""

    professional_register = SelectField(
        _l("Professional register"), validate_choice=False,
        validators=[_known_register],
        description=_l("Are you registered as a professional? With your number we can give you a certificate of "
                       "attendance that your register accepts, and report your attendance to it."),
    )
    register_number = StringField(
        _l("Registration number"), filters=[line_filter],
        validators=[Length(max=NUMBER_MAX + 20, message=_l("Use at most %(max)d characters.", max=NUMBER_MAX))],
        description=_l("An SKJ number has 6 to 9 digits, a BIG number 11 digits. For other registers, type the "
                       "number as your register gives it."),
    )

    @classmethod
    def of(cls, registration) -> RegisterFields:
        """The form showing what a registration holds now."""
        return cls(formdata=None, professional_register=registration.register.value if registration.register else "",
                   register_number=registration.register_number).configure_register()

    def configure_register(self):
        self.professional_register.choices = options([("", _l("No register"))] + register_choices())
        return self

    @property
    def chosen_register(self) -> Register | None:
        return Register(self.professional_register.data) if self.professional_register.data else None


class RegistrationForm(RegisterFields):
    """Call `configure()` before validating or rendering: it sets the sector choices."""

    name = StringField(_l("Your name"), filters=[line_filter],
                       validators=[DataRequired(_l("Enter your name.")), _length(NAME_MAX)])
    email = EmailField(
        _l("E-mail address"), filters=[line_filter],
        validators=[DataRequired(_l("Enter your e-mail address.")), *email_validators()],
        description=_l("We send the confirmation, with a calendar invite and a link to cancel, to this address."),
    )
    organisation = StringField(_l("Organisation"), filters=[line_filter],
                               validators=[DataRequired(_l("Enter your organisation.")), _length(NAME_MAX)])
    sector = RadioField(_l("Sector"), validate_choice=False, validators=[
        InputRequired(_l("Choose the sector you work in.")), in_choices(_l("Choose the sector you work in."))])
    function = StringField(_l("Function"), filters=[line_filter],
                           validators=[DataRequired(_l("Enter your function.")), _length(NAME_MAX)],
                           description=_l("For example intern begeleider, youth worker or policy adviser."))
    needs = TextAreaField(
        _l("Accessibility or dietary needs"), filters=[strip_filter], validators=[_length(NEEDS_MAX)],
        description=_l("For example a wheelchair-accessible room, a sign language interpreter or a vegetarian lunch. "
                       "We delete this after the session, see the privacy statement."),
    )
    consent = BooleanField(
        _l("I agree that my data are used to organise this session and are deleted afterwards."),
        validators=[DataRequired(_l("Agree to the privacy statement to register."))],
    )

    def configure(self) -> RegistrationForm:
        self.sector.choices = options(sector_choices())
        self.configure_register()
        return self

    def applicant(self, *, by_hand: bool = False) -> Applicant:
        """What was filled in; `by_hand`: a coordinator registers someone who agreed elsewhere."""
        return Applicant(
            name=self.name.data, email=self.email.data, sector=Sector(self.sector.data),
            organisation=self.organisation.data, function=self.function.data, needs=self.needs.data or "",
            # someone added by hand reads Dutch, whatever language the coordinator works in
            locale="nl" if by_hand else str(get_locale() or "nl")[:2], consent=by_hand or bool(self.consent.data),
            register=self.chosen_register, register_number=self.register_number.data or "",
        )
