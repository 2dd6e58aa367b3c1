"""The list's quick date formatter writes what Babel writes for "d-M-y HH:mm" in Amsterdam,
in winter and summer time and across midnight and the turn of the year."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask_babel import format_datetime

from ontwikkelbijeenkomsten.core.i18n import short_moment


@pytest.mark.parametrize("moment", [
    datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc), datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc),
    datetime(2026, 7, 1, 22, 5, tzinfo=timezone.utc), datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc),
])
def test_short_moment_is_babels_pattern_in_amsterdam(app, moment):
    with app.test_request_context():
        assert short_moment(moment) == format_datetime(moment, "d-M-y HH:mm")
