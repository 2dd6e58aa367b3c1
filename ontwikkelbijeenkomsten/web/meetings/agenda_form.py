"""The agenda's filters: theme, region and month, sent with GET."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from ontwikkelbijeenkomsten.core.themes import theme_choices
from ontwikkelbijeenkomsten.meetings.agenda import Filters, month_label, region_choices
from ontwikkelbijeenkomsten.web.forms import in_choices, options


class AgendaForm(FlaskForm):
    """The filters, sent with GET as ?thema=…&regio=…&maand=2026-12; a value that is not one of
    the choices gets a message at its field and is left out of the filter."""

    class Meta:
        csrf = False

    theme = SelectField(_l("Theme"), name="thema", default="", validate_choice=False,
                        validators=[in_choices(_l("Choose a theme from the list."))])
    region = SelectField(
        _l("Region"), name="regio", default="", validate_choice=False,
        validators=[in_choices(_l("Choose a region from the list."))],
        description=_l("Trainings without a region are national or online; they are always shown."),
    )
    month = SelectField(_l("Month"), name="maand", default="", validate_choice=False,
                        validators=[in_choices(_l("Choose a month from the list."))])

    def configure(self, months: list[date]) -> AgendaForm:
        self.theme.choices = options([("", _("All themes"))] + [(str(id_), name) for id_, name in theme_choices()])
        self.region.choices = options([("", _("All regions"))] + [(str(id_), name) for id_, name in region_choices()])
        self.month.choices = options([("", _("All months"))] + [(m.strftime("%Y-%m"), month_label(m)) for m in months])
        return self

    def filters(self) -> Filters:
        """What was chosen, without the values that are not in the lists (call after validate)."""
        def chosen(field) -> str | None:
            return None if field.errors else (field.data or None)

        theme, region, shown = chosen(self.theme), chosen(self.region), chosen(self.month)
        return Filters(int(theme) if theme else None, int(region) if region else None,
                       date.fromisoformat(shown + "-01") if shown else None)
