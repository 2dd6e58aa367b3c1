"""The planning page's confirmation; the period is chosen with the regions' period select."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length

from ontwikkelbijeenkomsten.web.forms import optional_int


class ConfirmForm(FlaskForm):
    """"Schedule everything": the period and the fingerprint of the plan the coordinator saw."""

    period_id = HiddenField(filters=[optional_int])  # the view answers 404 when it names no period
    fingerprint = HiddenField(validators=[Length(max=64)])
