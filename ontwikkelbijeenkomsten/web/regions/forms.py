"""Coordinator forms for regions, member organisations, programme periods and quota."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
)

from ontwikkelbijeenkomsten.core.themes import NAME_MAX
from ontwikkelbijeenkomsten.regions.labels import organisation_type_choices
from ontwikkelbijeenkomsten.regions.models import DEFAULT_QUOTA, OrganisationType
from ontwikkelbijeenkomsten.regions.services import CODE_PATTERN, QUOTA_MAX
from ontwikkelbijeenkomsten.web.forms import IntegerField, line_filter, options, strip_filter


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _dagdelen_field(label, missing, **kwargs) -> IntegerField:
    return IntegerField(
        label,
        **kwargs,
        validators=[
            InputRequired(missing),
            NumberRange(0, QUOTA_MAX, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


def _name_field(label, missing, max_length: int = 200) -> StringField:
    return StringField(
        label,
        filters=[line_filter],
        validators=[
            DataRequired(missing),
            Length(max=max_length, message=_l("Use at most %(max)d characters.")),
        ],
    )


class RegionCreateForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("Two letters and two digits, like JZ01: the code of the jeugdregio at CBS."),
        filters=[line_filter, _upper],
        validators=[
            DataRequired(_l("Enter the code of the region.")),
            Length(max=10, message=_l("Enter a code of two letters and two digits, like JZ01.")),
            Regexp(CODE_PATTERN, message=_l("Enter a code of two letters and two digits, like JZ01.")),
        ],
    )
    name = _name_field(_l("Name"), _l("Enter the name of the region."))


class RegionEditForm(FlaskForm):
    name = _name_field(_l("Name"), _l("Enter the name of the region."))
    active = BooleanField(
        _l("Active"),
        description=_l("Only active regions are in the overview and can request dagdelen."),
    )


class OrganisationForm(FlaskForm):
    name = _name_field(_l("Name of the organisation"), _l("Enter the name of the organisation."))
    type = SelectField(
        _l("Kind of organisation"),
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose the kind of organisation.")),
            AnyOf([t.value for t in OrganisationType], message=_l("Choose the kind of organisation.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = options([("", _("Choose…")), *organisation_type_choices()])


class OverviewForm(FlaskForm):
    """The overview's choice of period, sent with GET; the view sets the choices."""

    class Meta:
        csrf = False

    period = SelectField(_l("Programme period"), coerce=int, validators=[InputRequired()])


class QuotaForm(FlaskForm):
    """Choices of `period` are the programme periods; the view sets them."""

    period = SelectField(_l("Programme period"), coerce=int, validators=[InputRequired()])
    quota = _dagdelen_field(_l("New quota in dagdelen"), _l("Enter the new quota in dagdelen."))
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Why does this region get another quota? Other coordinators read this."),
        filters=[strip_filter],
        validators=[
            DataRequired(_l("Give the reason for the change.")),
            Length(max=500, message=_l("Use at most %(max)d characters.")),
        ],
    )


class PeriodForm(FlaskForm):
    name = _name_field(_l("Name"), _l("Enter the name of the period."), max_length=100)
    starts_on = DateField(_l("First day"), validators=[DataRequired(_l("Enter the first day of the period."))])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(_l("Enter the last day of the period."))])
    default_quota = _dagdelen_field(
        _l("Quota per region in dagdelen"),
        _l("Enter the quota per region."),
        description=_l("Usually 4."),
        default=DEFAULT_QUOTA,
    )


class ThemeForm(FlaskForm):
    name = _name_field(_l("Name of the theme"), _l("Enter the name of the theme."), max_length=NAME_MAX)


class ThemeEditForm(ThemeForm):
    offered = BooleanField(
        _l("Offer this theme"),
        description=_l("Only offered themes can be chosen on new requests, expert profiles and trainings. What "
                       "already has the theme keeps it."),
    )
