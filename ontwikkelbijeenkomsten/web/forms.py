"""Small helpers shared by the forms of every capability."""
import re

import wtforms
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectMultipleField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ontwikkelbijeenkomsten.core.time import Dagdeel

# Control characters other than tab and newline; PostgreSQL cannot store a NUL byte at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_filter(value):
    """Trim text of several lines (a goal, a description), normalise line ends and drop other
    control characters. One-line fields take `line_filter`. A box left out of the post is an
    empty one, as a browser sends it: the services get text, never None."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


# Every control character, line breaks and tab included, and the Unicode line separators.
_NOT_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def line_filter(value):
    """Trim a one-line text (a name, title, address, link) and refuse one that still holds a
    control character: a line break in a title would end up in a mail subject. The ValueError
    becomes the field's error, and the box keeps what was typed. A box left out is empty."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if _NOT_ON_ONE_LINE.search(value):
        raise ValueError(_("Type this on one line, without line breaks, tabs or other invisible characters."))
    return value


def email_validators() -> list:
    """Length and syntax checks for an e-mail address, with Dutch messages."""
    return [
        Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
        Email(_l("Enter an e-mail address like name@example.nl."), check_deliverability=False),
    ]


DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
DATE_MESSAGE = _l("Enter a date like 17-03-2026.")
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]
TIME_MESSAGE = _l("Enter a time like 09:30.")


def is_blank(valuelist) -> bool:
    """Was nothing typed (no value, or only spaces)?"""
    return not valuelist or not any(str(v).strip() for v in valuelist)


def optional_int(value):
    """Coerce a submitted value to int; anything else (empty, text, a forged value) gives None."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; rendered as a fieldset by the forms macro."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs) -> list[SelectChoice]:
    """A choice field's options from (value, label) pairs. Every `choices` of a form is set
    through here: WTForms 3.4 takes SelectChoice only, no tuples (tests/test_architecture.py)."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_labels(field) -> dict:
    """{value: label} of a choice field's options, to name what was chosen."""
    return {choice.value: choice.label for choice in field.choices}


def dagdeel_choices() -> list[tuple[str, str]]:
    return [
        (Dagdeel.OCHTEND.value, _("Morning (09:00–12:30)")),
        (Dagdeel.MIDDAG.value, _("Afternoon (13:00–16:30)")),
        (Dagdeel.AVOND.value, _("Evening (19:00–21:30)")),
    ]


MIN_YEAR, MAX_YEAR = 2000, 2100


class DayField(DateField):
    """A date typed as 2026-03-17 (the browser's date input) or 17-03-2026; a wrong one gets
    `DATE_MESSAGE` unless the form says otherwise."""

    def __init__(self, label=None, validators=None, format=DATE_FORMATS, invalid_value_message=DATE_MESSAGE,
                 **kwargs):
        super().__init__(label, validators, format=format, invalid_value_message=invalid_value_message, **kwargs)

    def process_formdata(self, valuelist):
        if is_blank(valuelist):
            self.raw_data, self.data = [], None  # no date, not a wrong one; InputRequired sees no input
            return
        super().process_formdata([" ".join(str(v).strip() for v in valuelist)])
        if self.data is not None and not MIN_YEAR <= self.data.year <= MAX_YEAR:
            self.data = None  # year 1 or 9999 parse, but no moment in this programme is there
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid date value."))

    @property
    def given(self) -> bool:
        """Did the person type anything here (also something that is not a date)?"""
        return not is_blank(self.raw_data)


class ClockField(TimeField):
    """A time of day typed as 09:30, 09.30 or 09:30:00; a wrong one gets `TIME_MESSAGE`."""

    def __init__(self, label=None, validators=None, format=TIME_FORMATS, invalid_value_message=TIME_MESSAGE,
                 **kwargs):
        super().__init__(label, validators, format=format, invalid_value_message=invalid_value_message, **kwargs)


#: The largest number a form reads, that of the database's integer columns. A larger one is a
#: wrong value: WTForms' NumberRange cannot even compare a number of more than 308 digits.
INT_MAX = 2**31 - 1


class WholeNumberField(wtforms.IntegerField):
    """An integer typed in a text box, from -INT_MAX to INT_MAX; an empty box (or one with only
    spaces) is no answer, for InputRequired too, not a wrong one."""

    def process_formdata(self, valuelist):
        if is_blank(valuelist):
            self.raw_data, self.data = [], None
            return
        try:
            super().process_formdata([str(valuelist[0]).strip()])
        except ValueError:  # not a whole number: the field's own message, when it has one
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid integer value.")) from None
        if abs(self.data) > INT_MAX:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid integer value."))


class IntegerField(WholeNumberField):
    """A WholeNumberField whose text that is not a number is left to the NumberRange message,
    so the user reads one clear error instead of two. macros/forms.html gives both classes a
    text box with a numeric keyboard."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


def in_choices(message):
    """Validator: the value (every value, for a multiple choice) is one of the field's choices;
    a forged value gets `message` at the field."""

    def check(form, field):
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if not set(chosen) <= {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


def find_field(form, name: str):
    """The field called `name`, also one in a list of subforms (`moments-0-date`); else None."""
    field = form._fields.get(name)
    if field is not None:
        return field
    for outer in form:
        for entry in getattr(outer, "entries", ()):
            if hasattr(entry, "form") and name.startswith(entry.name + "-"):
                return find_field(entry.form, name[len(entry.name) + 1:])
    return None


def field_error(form, exc, aliases: dict[str, str] | None = None) -> None:
    """Show every problem of a service's RuleViolation at the field it names (through
    `aliases` where the service's name differs from the form's), or above the form.

    The one way a view turns a broken rule into what the person sees. A form whose fields are
    laid out in its own way (rows of dagdelen) places a problem itself with `add_problem`."""
    for problem in exc.problems:
        if hasattr(form, "add_problem"):
            form.add_problem(problem)
            continue
        name = (aliases or {}).get(problem.field, problem.field)
        field = find_field(form, name)
        errors = field.errors if field is not None else form.form_errors
        if isinstance(errors, tuple):  # a field that was not validated keeps a tuple
            field.errors = errors = list(errors)
        errors.append(problem.message)
