"""Forms for inviting an expert and for the expert's profile.

The views set the theme and region choices. A forged or unknown id is read as None, so that
the service rejects it with a clear message at the field instead of WTForms' own.
"""
from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from ontwikkelbijeenkomsten.experts.services import MAX_DAGDELEN_PER_MONTH
from ontwikkelbijeenkomsten.web.forms import (
    IntegerField,
    MultiCheckboxField,
    email_validators,
    line_filter,
    optional_int,
    options,
    strip_filter,
)

NAME_MAX = 200
ORGANISATION_MAX = 200
BIO_MAX = 2000


def _length(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters."))


def _theme_field(description) -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Themes"), coerce=optional_int, validate_choice=False, description=description,
        validators=[DataRequired(_l("Choose at least one theme."))],
    )


class RegionsRequired:
    """At least one region unless `serves_all_regions` is ticked; marks the field as required."""

    field_flags: ClassVar[dict] = {"required": True}

    def __call__(self, form, field):
        if not form.serves_all_regions.data and not field.data:
            raise StopValidation(_l("Choose at least one region, or all of the Netherlands."))


def _region_fields(description) -> tuple[BooleanField, MultiCheckboxField]:
    everywhere = BooleanField(
        _l("All of the Netherlands"),
        description=_l("Every region; then no regions need to be chosen below."),
    )
    regions = MultiCheckboxField(
        _l("Regions served"), coerce=optional_int, validate_choice=False, description=description,
        validators=[RegionsRequired()],
    )
    return everywhere, regions


class _Choices:
    def set_choices(self, themes: list[tuple[int, str]], regions) -> None:
        """`themes` as `core.themes.theme_choices()` gives them; `regions` as Region rows."""
        self.theme_ids.choices = options(themes)
        self.region_ids.choices = options((r.id, r.name) for r in regions)


class InviteForm(_Choices, FlaskForm):
    name = StringField(
        _l("Name"), filters=[line_filter],
        validators=[DataRequired(_l("Enter the name of the expert.")), _length(NAME_MAX)],
    )
    email = EmailField(
        _l("E-mail address"), filters=[line_filter],
        validators=[DataRequired(_l("Enter the e-mail address of the expert.")), *email_validators()],
        description=_l("The invitation is sent to this address. It is also the address to log in with."),
    )
    theme_ids = _theme_field(_l("The themes the expert can give support on."))
    serves_all_regions, region_ids = _region_fields(
        _l("Choose at least one region, unless the expert works in all of the Netherlands."))


class ProfileForm(_Choices, FlaskForm):
    organisation = StringField(_l("Organisation"), filters=[line_filter], validators=[_length(ORGANISATION_MAX)])
    bio = TextAreaField(
        _l("About you"), filters=[strip_filter], validators=[_length(BIO_MAX)],
        description=_l("A few sentences on your work and experience. Coordinators read this when they choose an expert."),
    )
    theme_ids = _theme_field(_l("The themes you can give support on."))
    serves_all_regions, region_ids = _region_fields(
        _l("Choose at least one region, unless you work in all of the Netherlands."))
    max_dagdelen_per_month = IntegerField(
        _l("At most this many dagdelen per month"),
        description=_l("Leave empty when there is no maximum."),
        validators=[
            Optional(),
            NumberRange(0, MAX_DAGDELEN_PER_MONTH, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
