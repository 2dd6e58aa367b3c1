"""A date field accepts the dates a person means and turns the rest into a field error."""
import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from ontwikkelbijeenkomsten.web.forms import DATE_FORMATS, DayField


class DayForm(Form):
    day = DayField(format=DATE_FORMATS, invalid_value_message="Typ een datum als 17-03-2026.")


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "2026-02-30", "morgen"])
def test_impossible_or_far_dates_are_a_field_error(typed):
    form = DayForm(MultiDict({"day": typed}))
    assert not form.validate()
    assert form.day.data is None and form.day.errors == ["Typ een datum als 17-03-2026."]


def test_a_date_in_either_notation_is_read():
    assert DayForm(MultiDict({"day": "17-03-2026"})).day.data == DayForm(MultiDict({"day": "2026-03-17"})).day.data
