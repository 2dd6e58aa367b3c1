"""A participant's own details, with the fields (and so the checks) of the registration form."""
from __future__ import annotations

from flask_wtf import FlaskForm

from ontwikkelbijeenkomsten.meetings.registration_details import Details
from ontwikkelbijeenkomsten.web.meetings.forms import RegistrationForm


class DetailsForm(FlaskForm):
    name = RegistrationForm.name
    organisation = RegistrationForm.organisation
    function = RegistrationForm.function
    needs = RegistrationForm.needs

    def details(self) -> Details:
        return Details(name=self.name.data or "", organisation=self.organisation.data or "",
                       function=self.function.data or "", needs=self.needs.data or "")
