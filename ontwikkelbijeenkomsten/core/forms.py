"""Small helpers shared by the forms of every capability."""
from flask_babel import lazy_gettext as _l
from wtforms.validators import Email, Length


def strip_filter(value):
    """Trim surrounding white space from text input; leave other values alone."""
    return value.strip() if isinstance(value, str) else value


def email_validators() -> list:
    """Length and syntax checks for an e-mail address, with Dutch messages."""
    return [
        Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
        Email(_l("Enter an e-mail address like name@example.nl."), check_deliverability=False),
    ]
