"""Small helpers shared by the forms of every capability."""
import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import Email, Length


# Control characters other than tab and newline; PostgreSQL cannot store a NUL byte at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_filter(value):
    """Trim text input, normalise line ends and drop control characters; leave other values alone."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


def email_validators() -> list:
    """Length and syntax checks for an e-mail address, with Dutch messages."""
    return [
        Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
        Email(_l("Enter an e-mail address like name@example.nl."), check_deliverability=False),
    ]
