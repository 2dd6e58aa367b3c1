"""The coordinators' search for a person (GET, so the address can be shared and bookmarked)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import DataRequired, Length

from ontwikkelbijeenkomsten.reports.search import MIN_LENGTH
from ontwikkelbijeenkomsten.web.forms import line_filter


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Name or e-mail address"),
        description=_l("Part of a name or address is enough, like “jansen” or “@gemeente”."),
        filters=[line_filter],
        validators=[DataRequired(_l("Type a name or e-mail address to search for.")),
                    Length(min=MIN_LENGTH, max=200,
                           message=_l("Type at least 2 and at most 200 characters."))],
    )
