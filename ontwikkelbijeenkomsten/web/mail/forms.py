"""The outbox page's filter and the resend buttons."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField
from wtforms.validators import Length

from ontwikkelbijeenkomsten.mail.models import MailState, mail_state_label
from ontwikkelbijeenkomsten.web.forms import in_choices, options, strip_filter


class MailFilterForm(FlaskForm):
    """GET filters of the latest mails: a state ("" for all) and part of the address."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), default="", validate_choice=False,
                        validators=[in_choices(_l("Choose a state from the list."))])
    recipient = SearchField(_l("Recipient"), filters=[strip_filter],
                            validators=[Length(max=254, message=_l("An e-mail address has at most 254 characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = options([("", _("All states"))] + [(s.value, mail_state_label(s)) for s in MailState])

    def chosen(self) -> tuple[MailState | None, str | None]:
        """The state and address part to filter on; what does not validate is left out."""
        self.validate()
        state = MailState(self.state.data) if self.state.data and not self.state.errors else None
        return state, self.recipient.data if not self.recipient.errors else None


class ResendForm(FlaskForm):
    """A resend button: the CSRF token, and `back` = "mail" to return to the mail's page."""

    back = HiddenField()
