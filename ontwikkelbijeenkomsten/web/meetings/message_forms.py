"""The coordinators' message to everyone with a place in a session: subject and text."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ontwikkelbijeenkomsten.meetings.messages import BODY_MAX, SUBJECT_MAX
from ontwikkelbijeenkomsten.web.forms import line_filter, strip_filter


class MessageForm(FlaskForm):
    subject = StringField(
        _l("Subject"), filters=[line_filter],
        validators=[DataRequired(_l("Write a subject.")),
                    Length(max=SUBJECT_MAX, message=_l("Use at most %(max)d characters.", max=SUBJECT_MAX))],
    )
    body = TextAreaField(
        _l("Message"), filters=[strip_filter],
        description=_l("The mail starts with a greeting by name and ends with the session's date, time and place "
                       "and the link to the person's own registration page."),
        validators=[DataRequired(_l("Write the text of the message.")),
                    Length(max=BODY_MAX, message=_l("Use at most %(max)d characters.", max=BODY_MAX))],
    )
