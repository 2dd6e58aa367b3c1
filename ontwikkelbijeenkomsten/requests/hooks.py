"""The requests layer's answers to what the regions layer asks before a change."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleViolation
from ..regions.signals import period_days_changing, region_deactivating
from . import queries


@region_deactivating.connect
def keep_region_with_open_requests(region) -> RuleViolation | None:
    if queries.has_open_requests(region.id):
        return RuleViolation("active", _l(
            "This region has requests that are still open or granted. Finish or withdraw them first."
        ))
    return None


@period_days_changing.connect
def keep_period_around_open_requests(period, starts_on, ends_on) -> RuleViolation | None:
    if queries.open_requests_outside(period.id, starts_on, ends_on):
        return RuleViolation("ends_on", _l(
            "Open requests of this period ask for dates outside these days. Keep the period around them.",
        ))
    return None
